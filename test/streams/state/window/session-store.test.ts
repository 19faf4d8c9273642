import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { decodeSessionKey } from '../../../../src/streams/state/window/window-key-schema.ts';
import { WindowStores } from '../../../../src/streams/state/window/window-stores.ts';
import { storeContext, tempDir, toList } from './window-test-context.ts';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  while (dirs.length > 0) dirs.pop()!.remove();
});

async function open(persistent: boolean, retentionMs: number, segmentIntervalMs?: number, stateDir?: string) {
  const t = stateDir === undefined ? tempDir() : undefined;
  if (t) dirs.push(t);
  const supplier = persistent
    ? WindowStores.persistentSessionStore('s', retentionMs, segmentIntervalMs)
    : WindowStores.inMemorySessionStore('s', retentionMs, segmentIntervalMs);
  const store = WindowStores.sessionStoreBuilder(supplier, Serdes.string(), Serdes.int64()).build();
  store.warn = () => {};
  const sent: CollectedRecord[] = [];
  await store.init(storeContext(stateDir ?? t!.dir, sent));
  return { store, sent };
}

const w = (key: string, start: number, end: number) => ({ key, window: { start, end } });

for (const persistent of [false, true]) {
  describe(`session store (${persistent ? 'LevelDB' : 'memory'})`, () => {
    it('finds the sessions a record merges with: end >= earliestEnd and start <= latestStart', async () => {
      const { store } = await open(persistent, 10_000);
      store.put(w('a', 0, 10), 1);
      store.put(w('a', 20, 30), 2);
      store.put(w('a', 50, 50), 3);
      store.put(w('ab', 20, 25), 9);
      expect(toList(store.findSessions('a', 15, 45)).map(([k, v]) => [k.window.start, k.window.end, v])).toEqual([[20, 30, 2]]);
      expect(toList(store.findSessions('a', 0, 100)).map(([k]) => k.window.start)).toEqual([0, 20, 50]);
      expect(toList(store.backwardFindSessions('a', 0, 100)).map(([k]) => k.window.start)).toEqual([50, 20, 0]);
      expect(store.fetchSession('a', 20, 30)).toBe(2);
      expect(store.fetchSession('a', 20, 31)).toBeUndefined();
      expect(toList(store.findSessionsByEndTime(25, 30)).map(([k, v]) => [k.key, k.window.end, v])).toEqual([['ab', 25, 9], ['a', 30, 2]]);
      store.remove(w('a', 20, 30));
      expect(toList(store.fetch('a')).map(([k]) => k.window.start)).toEqual([0, 50]);
      await store.close();
    });

    it("logs Kafka's session changelog key [key][end][start] and applies retention by session end", async () => {
      const { store, sent } = await open(persistent, 100, 60);
      store.put(w('k', 5, 10), 1);
      store.put(w('k', 200, 210), 2); // observed end 210 → sessions ending <= 110 are gone
      expect(toList(store.fetch('k')).map(([k]) => k.window.end)).toEqual([210]);
      store.put(w('k', 100, 110), 3);
      expect(store.fetchSession('k', 100, 110)).toBeUndefined();
      expect(store.expiredRecordsTotal).toBe(1);
      expect(sent.map((r) => decodeSessionKey(r.key!))).toEqual([
        { key: Buffer.from('k'), start: 5, end: 10 },
        { key: Buffer.from('k'), start: 200, end: 210 },
      ]);
      await store.close();
    });
  });
}

describe('session store against a reference model (property)', () => {
  it.each([false, true])('findSessions, findSessionsByEndTime and fetchSession agree with a list of live sessions (persistent: %s)', async (persistent) => {
    const session = fc
      .record({ key: fc.constantFrom('a', 'b', 'ba', 'abcd', 'abce'), start: fc.integer({ min: 0, max: 300 }), len: fc.integer({ min: 0, max: 40 }), value: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }) })
      .map((s) => ({ ...s, end: s.start + s.len }));
    await fc.assert(
      fc.asyncProperty(fc.array(session, { maxLength: 30 }), fc.integer({ min: 0, max: 350 }), fc.integer({ min: 0, max: 350 }), async (ops, earliestEnd, latestStart) => {
        const retention = 120;
        const { store } = await open(persistent, retention, 25);
        const model = new Map<string, { key: string; start: number; end: number; value: number }>();
        let observed = -1;
        for (const o of ops) {
          observed = Math.max(observed, o.end);
          store.put(w(o.key, o.start, o.end), o.value);
          if (o.end <= observed - retention) continue;
          const id = `${o.key}|${o.start}|${o.end}`;
          if (o.value === null) model.delete(id);
          else model.set(id, { key: o.key, start: o.start, end: o.end, value: o.value });
        }
        const live = [...model.values()].filter((s) => s.end > observed - retention);
        for (const o of ops) expect(store.fetchSession(o.key, o.start, o.end)).toBe(live.find((s) => s.key === o.key && s.start === o.start && s.end === o.end)?.value);
        const [lo, hi] = earliestEnd <= latestStart ? [earliestEnd, latestStart] : [latestStart, earliestEnd];
        expect(toList(store.findSessionsByEndTime(lo, hi)).map(([k, v]) => [k.key, k.window.start, k.window.end, v])).toEqual(
          live
            .filter((s) => s.end >= lo && s.end <= hi)
            .sort((p, q) => p.end - q.end || Buffer.compare(Buffer.from(p.key), Buffer.from(q.key)) || p.start - q.start)
            .map((s) => [s.key, s.start, s.end, s.value]),
        );
        for (const key of ['a', 'b', 'abcd']) {
          const expected = live
            .filter((s) => s.key === key && s.end >= earliestEnd && s.start <= latestStart)
            .sort((p, q) => p.end - q.end || p.start - q.start)
            .map((s) => [s.start, s.end, s.value]);
          expect(toList(store.findSessions(key, earliestEnd, latestStart)).map(([k, v]) => [k.window.start, k.window.end, v])).toEqual(expected);
        }
        await store.close();
      }),
      { numRuns: persistent ? 50 : 150 },
    );
  });
});
