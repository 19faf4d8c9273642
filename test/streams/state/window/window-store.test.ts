import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { WindowStores, type WindowStoreOptions } from '../../../../src/streams/state/window/window-stores.ts';
import { decodeWindowKey } from '../../../../src/streams/state/window/window-key-schema.ts';
import { storeContext, tempDir, toList } from './window-test-context.ts';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  while (dirs.length > 0) dirs.pop()!.remove();
});

async function open(persistent: boolean, options: WindowStoreOptions, stateDir?: string) {
  const t = stateDir === undefined ? tempDir() : undefined;
  if (t) dirs.push(t);
  const supplier = persistent ? WindowStores.persistentWindowStore('w', options) : WindowStores.inMemoryWindowStore('w', options);
  const store = WindowStores.windowStoreBuilder(supplier, Serdes.string(), Serdes.string()).build();
  const sent: CollectedRecord[] = [];
  await store.init(storeContext(stateDir ?? t!.dir, sent));
  return { store, sent, dir: stateDir ?? t!.dir };
}

for (const persistent of [false, true]) {
  describe(`window store (${persistent ? 'LevelDB' : 'memory'})`, () => {
    it('puts and fetches by key and window start, oldest first and backward', async () => {
      const { store } = await open(persistent, { retentionMs: 1000, windowSizeMs: 10 });
      store.put('a', 'a0', 0);
      store.put('a', 'a10', 10);
      store.put('b', 'b10', 10);
      store.put('ab', 'ab10', 10);
      store.put('a', 'a20', 20);
      expect(store.fetch('a', 10)).toBe('a10');
      expect(store.fetch('a', 5)).toBeUndefined();
      expect(toList(store.fetch('a', 0, 15))).toEqual([[0, 'a0'], [10, 'a10']]);
      expect(toList(store.backwardFetch('a', 0, 20))).toEqual([[20, 'a20'], [10, 'a10'], [0, 'a0']]);
      expect(toList(store.fetchAll(10, 10)).map(([k, v]) => [k.key, k.window, v])).toEqual([
        ['a', { start: 10, end: 20 }, 'a10'],
        ['ab', { start: 10, end: 20 }, 'ab10'],
        ['b', { start: 10, end: 20 }, 'b10'],
      ]);
      expect(toList(store.all()).map(([k]) => `${k.key}@${k.window.start}`)).toEqual(['a@0', 'a@10', 'ab@10', 'b@10', 'a@20']);
      expect(toList(store.backwardAll()).map(([k]) => `${k.key}@${k.window.start}`)).toEqual(['a@20', 'b@10', 'ab@10', 'a@10', 'a@0']);
      store.put('a', null, 10);
      expect(store.fetch('a', 10)).toBeUndefined();
      await store.close();
    });

    it('drops puts older than retention and hides expired windows from reads', async () => {
      const { store } = await open(persistent, { retentionMs: 100, windowSizeMs: 10, segmentIntervalMs: 50 });
      const warnings: string[] = [];
      store.warn = (m) => warnings.push(m);
      store.put('k', 'v0', 0);
      store.put('k', 'v50', 50);
      store.put('k', 'v150', 150); // observed 150: live from 51
      expect(toList(store.fetch('k', 0, 200))).toEqual([[150, 'v150']]);
      store.put('k', 'late', 50); // 50 <= 150 - 100 → expired
      expect(store.fetch('k', 50)).toBeUndefined();
      expect(store.expiredRecordsTotal).toBe(1);
      expect(warnings).toEqual([expect.stringContaining('time 50 is not after observed stream time 150 minus retention 100 ms')]);
      store.put('k', 'ok', 51);
      expect(store.fetch('k', 51)).toBe('ok');
      await store.close();
    });

    it('keeps every put with retainDuplicates and ignores null puts', async () => {
      const { store } = await open(persistent, { retentionMs: 100, windowSizeMs: 10, retainDuplicates: true });
      store.put('k', 'x', 5);
      store.put('k', 'y', 5);
      store.put('k', null, 5);
      expect(toList(store.fetch('k', 0, 10))).toEqual([[5, 'x'], [5, 'y']]);
      await store.close();
    });

    it("logs Kafka's window changelog key [key][start][seqnum] and restores from it", async () => {
      const { store, sent } = await open(persistent, { retentionMs: 1000, windowSizeMs: 10 });
      store.put('k', 'v', 20);
      store.put('k', null, 20);
      store.put('j', 'w', 30);
      expect(sent.map((r) => [r.topic, decodeWindowKey(r.key!).key.toString(), decodeWindowKey(r.key!).windowStart, r.value?.toString() ?? null])).toEqual([
        ['app-w-changelog', 'k', 20, 'v'],
        ['app-w-changelog', 'k', 20, null],
        ['app-w-changelog', 'j', 30, 'w'],
      ]);
      await store.close();
      const fresh = await open(persistent, { retentionMs: 1000, windowSizeMs: 10 });
      await fresh.store.restore(sent.map((r, i) => ({ key: r.key!, value: r.value, offset: i, timestamp: r.timestamp })));
      expect(toList(fresh.store.all()).map(([k, v]) => [k.key, k.window.start, v])).toEqual([['j', 30, 'w']]);
      expect(fresh.store.committedChangelogOffset()).toBe(3);
      await fresh.store.close();
    });
  });
}

describe('LevelDB window store across restarts', () => {
  it('reopens with its windows and its observed stream time (retention keeps applying)', async () => {
    const t = tempDir();
    dirs.push(t);
    const first = await open(true, { retentionMs: 100, windowSizeMs: 10, segmentIntervalMs: 60 }, t.dir);
    first.store.put('k', 'a', 10);
    first.store.put('k', 'b', 100);
    await first.store.flush();
    await first.store.close();
    const second = await open(true, { retentionMs: 100, windowSizeMs: 10, segmentIntervalMs: 60 }, t.dir);
    expect(toList(second.store.fetch('k', 0, 200))).toEqual([[10, 'a'], [100, 'b']]);
    second.store.warn = () => {};
    second.store.put('k', 'late', 0); // 0 <= 100 - 100 → expired even after the restart
    expect(second.store.fetch('k', 0)).toBeUndefined();
    await second.store.close();
  });
});

describe('window store against a reference model (property)', () => {
  it.each([false, true])('fetch, fetchAll and retention agree with a naive list model (persistent: %s)', async (persistent) => {
    const op = fc.record({
      key: fc.constantFrom('a', 'b', 'ab', '', 'abcd', 'abce'),
      start: fc.integer({ min: 0, max: 400 }),
      value: fc.option(fc.string({ maxLength: 3 }), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), async (ops, x, y) => {
        const retentionMs = 100;
        const { store } = await open(persistent, { retentionMs, windowSizeMs: 10, segmentIntervalMs: 30 });
        store.warn = () => {};
        const model = new Map<string, string>();
        let observed = -1;
        for (const o of ops) {
          observed = Math.max(observed, o.start);
          store.put(o.key, o.value, o.start);
          if (o.start <= observed - retentionMs) continue;
          const id = `${o.start}|${o.key}`;
          if (o.value === null) model.delete(id);
          else model.set(id, o.value);
        }
        const live = [...model.entries()]
          .map(([id, v]) => ({ start: Number(id.split('|')[0]), key: id.slice(id.indexOf('|') + 1), v }))
          .filter((e) => e.start > observed - retentionMs)
          .sort((p, q) => p.start - q.start || Buffer.compare(Buffer.from(p.key), Buffer.from(q.key)));
        const [from, to] = x <= y ? [x, y] : [y, x];
        expect(toList(store.fetchAll(from, to)).map(([k, v]) => [k.key, k.window.start, v])).toEqual(
          live.filter((e) => e.start >= from && e.start <= to).map((e) => [e.key, e.start, e.v]),
        );
        for (const o of ops) expect(store.fetch(o.key, o.start)).toBe(live.find((e) => e.key === o.key && e.start === o.start)?.v);
        for (const key of ['a', 'ab', '', 'abcd']) {
          expect(toList(store.backwardFetch(key, from, to))).toEqual(live.filter((e) => e.key === key && e.start >= from && e.start <= to).map((e) => [e.start, e.v]).reverse());
          expect(toList(store.fetch(key, from, to))).toEqual(live.filter((e) => e.key === key && e.start >= from && e.start <= to).map((e) => [e.start, e.v]));
        }
        await store.close();
      }),
      { numRuns: persistent ? 50 : 150 },
    );
  });
});
