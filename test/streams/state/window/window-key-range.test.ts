// Key-range fetch on window stores — Kafka's fetch(keyFrom, keyTo, timeFrom, timeTo) and
// backwardFetch — on the heap and LevelDB backings, against a reference model.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { WindowStores, type WindowStoreOptions } from '../../../../src/streams/state/window/window-stores.ts';
import { storeContext, tempDir, toList } from './window-test-context.ts';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  while (dirs.length > 0) dirs.pop()!.remove();
});

async function open(persistent: boolean, options: WindowStoreOptions) {
  const t = tempDir();
  dirs.push(t);
  const supplier = persistent ? WindowStores.persistentWindowStore('w', options) : WindowStores.inMemoryWindowStore('w', options);
  const store = WindowStores.windowStoreBuilder(supplier, Serdes.string(), Serdes.string()).build();
  const sent: CollectedRecord[] = [];
  await store.init(storeContext(t.dir, sent));
  return store;
}

const summary = (it: Iterable<{ key: { key: string; window: { start: number; end: number } }; value: string }>) =>
  toList(it).map(([k, v]) => `${k.key}@${k.window.start}=${v}`);

for (const persistent of [false, true]) {
  describe(`window store key-range fetch (${persistent ? 'LevelDB' : 'memory'})`, () => {
    it('returns keys in [keyFrom, keyTo] by segment, then key bytes, then start; backward reverses', async () => {
      const store = await open(persistent, { retentionMs: 10_000, windowSizeMs: 10, segmentIntervalMs: 100 });
      for (const [k, t] of [['c', 150], ['a', 20], ['b', 10], ['a', 120], ['d', 10], ['b', 110], ['a', 10]] as const) store.put(k, `${k}${t}`, t);
      expect(summary(store.fetch('a', 'c', 0, 200))).toEqual(['a@10=a10', 'a@20=a20', 'b@10=b10', 'a@120=a120', 'b@110=b110', 'c@150=c150']);
      expect(summary(store.backwardFetch('a', 'c', 0, 200))).toEqual(['c@150=c150', 'b@110=b110', 'a@120=a120', 'b@10=b10', 'a@20=a20', 'a@10=a10']);
      expect(summary(store.fetch('b', 'd', 10, 20))).toEqual(['b@10=b10', 'd@10=d10']);
      const windows = toList(store.fetch('b', 'b', 100, 200)).map(([k]) => k.window);
      expect(windows).toEqual([{ start: 110, end: 120 }]);
      await store.close();
    });

    it('treats null bounds as unbounded and an inverted range as empty (with one warning)', async () => {
      const store = await open(persistent, { retentionMs: 10_000, windowSizeMs: 10 });
      const warnings: string[] = [];
      store.warn = (m) => warnings.push(m);
      for (const k of ['', 'a', 'b', 'c']) store.put(k, k.toUpperCase(), 5);
      expect(summary(store.fetch(null, 'b', 0, 10))).toEqual(['@5=', 'a@5=A', 'b@5=B']);
      expect(summary(store.fetch('b', null, 0, 10))).toEqual(['b@5=B', 'c@5=C']);
      expect(summary(store.fetch(null, null, 0, 10))).toEqual(['@5=', 'a@5=A', 'b@5=B', 'c@5=C']);
      expect(summary(store.fetch('c', 'a', 0, 10))).toEqual([]);
      expect(summary(store.backwardFetch('c', 'a', 0, 10))).toEqual([]);
      expect(warnings).toEqual([expect.stringContaining('keyFrom sorts after keyTo')]);
      expect(summary(store.fetch('a', 'c', 6, 10))).toEqual([]);
      await store.close();
    });

    it('keeps every duplicate of a retainDuplicates store, in put order within a window', async () => {
      const store = await open(persistent, { retentionMs: 1000, windowSizeMs: 10, retainDuplicates: true });
      store.put('b', 'b1', 5);
      store.put('a', 'a1', 5);
      store.put('b', 'b2', 5);
      store.put('a', 'a2', 7);
      expect(summary(store.fetch('a', 'b', 0, 10))).toEqual(['a@5=a1', 'a@7=a2', 'b@5=b1', 'b@5=b2']);
      await store.close();
    });

    it('hides windows past retention from key-range fetches', async () => {
      const store = await open(persistent, { retentionMs: 100, windowSizeMs: 10, segmentIntervalMs: 50 });
      store.put('a', 'old', 10);
      store.put('b', 'mid', 60);
      store.put('a', 'new', 150); // observed 150: live from 51
      expect(summary(store.fetch(null, null, 0, 1000))).toEqual(['b@60=mid', 'a@150=new']);
      await store.close();
    });
  });
}

describe('window store key-range fetch against a reference model (property)', () => {
  // Keys that extend one another, with NUL bytes, so composite [key][start][seq] keys interleave;
  // 4-byte keys (the heap layout indexes those by int32, e.g. 'ÿÿ' = c3 bf c3 bf, negative).
  const keys = ['', 'a', 'a\u0000', 'a\u0000\u0000\u0000', 'a\u0000\u0000\u0000\u0000\u0000\u0000\u0001', 'ab', 'abcd', 'b', '\u00ff', '\u00ff\u00ff'];
  const enc = (k: string) => Buffer.from(k, 'utf8');

  for (const persistent of [false, true]) {
    it(`fetch(keyFrom, keyTo, from, to) and backwardFetch agree with a naive model (${persistent ? 'LevelDB' : 'memory'})`, async () => {
      const op = fc.record({
        key: fc.constantFrom(...keys),
        start: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 250, max: 330 })),
        value: fc.option(fc.string({ maxLength: 3 }), { nil: null, freq: 4 }),
      });
      const bound = fc.option(fc.constantFrom(...keys, 'a\u0000\u0000', 'aa', 'c'), { nil: null, freq: 4 });
      const query = fc.record({ keyFrom: bound, keyTo: bound, x: fc.integer({ min: 0, max: 500 }), y: fc.integer({ min: 0, max: 500 }) });
      // Puts and queries interleave, so the heap layout's lazily built key order is also
      // checked after it has been updated in place.
      const step = fc.oneof({ arbitrary: op.map((o) => ({ put: o })), weight: 3 }, { arbitrary: query.map((q) => ({ query: q })), weight: 1 });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.array(query, { minLength: 2, maxLength: 6 }), async (steps, finalQueries) => {
          const retentionMs = 300;
          const segmentIntervalMs = 40;
          const store = await open(persistent, { retentionMs, windowSizeMs: 10, segmentIntervalMs });
          store.warn = () => {};
          const model = new Map<string, { key: string; start: number; v: string }>();
          let observed = -1;
          const check = ({ keyFrom, keyTo, x, y }: { keyFrom: string | null; keyTo: string | null; x: number; y: number }) => {
            const [from, to] = x <= y ? [x, y] : [y, x];
            const inverted = keyFrom !== null && keyTo !== null && Buffer.compare(enc(keyFrom), enc(keyTo)) > 0;
            const expected = inverted
              ? []
              : [...model.values()]
                  .filter((e) => e.start > observed - retentionMs && e.start >= from && e.start <= to)
                  .filter((e) => (keyFrom === null || Buffer.compare(enc(e.key), enc(keyFrom)) >= 0) && (keyTo === null || Buffer.compare(enc(e.key), enc(keyTo)) <= 0))
                  .sort(
                    (p, q) =>
                      Math.floor(p.start / segmentIntervalMs) - Math.floor(q.start / segmentIntervalMs) ||
                      Buffer.compare(enc(p.key), enc(q.key)) ||
                      p.start - q.start,
                  )
                  .map((e) => `${e.key}@${e.start}=${e.v}`);
            expect(summary(store.fetch(keyFrom, keyTo, from, to))).toEqual(expected);
            expect(summary(store.backwardFetch(keyFrom, keyTo, from, to))).toEqual([...expected].reverse());
          };
          for (const s of steps) {
            if ('query' in s) {
              check(s.query);
              continue;
            }
            const o = s.put;
            observed = Math.max(observed, o.start);
            store.put(o.key, o.value, o.start);
            if (o.start <= observed - retentionMs) continue;
            const id = `${o.start}|${o.key}`;
            if (o.value === null) model.delete(id);
            else model.set(id, { key: o.key, start: o.start, v: o.value });
          }
          for (const q of finalQueries) check(q);
          await store.close();
        }),
        { numRuns: persistent ? 60 : 150 },
      );
    });
  }
});
