// The record cache of window and session stores (caching-segment-backing.ts): a cached store reads
// exactly like an uncached one at every step, holds its changelog records until a flush (one per
// window, the latest value), and after a flush holds the same state and the same last changelog
// value per (key, window) as the uncached reference.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { ThreadCache } from '../../../../src/streams/state/cache/thread-cache.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { WindowStores } from '../../../../src/streams/state/window/window-stores.ts';
import { storeContext, tempDir, toList } from './window-test-context.ts';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  while (dirs.length > 0) dirs.pop()!.remove();
});

const OPTIONS = { retentionMs: 400, windowSizeMs: 10, segmentIntervalMs: 100 };

async function openWindow(persistent: boolean, cache: ThreadCache | undefined, clock: { now: number }) {
  const t = tempDir();
  dirs.push(t);
  const supplier = persistent ? WindowStores.persistentWindowStore('w', OPTIONS) : WindowStores.inMemoryWindowStore('w', OPTIONS);
  const builder = WindowStores.windowStoreBuilder(supplier, Serdes.string(), Serdes.string());
  if (cache !== undefined) builder.withCachingEnabled();
  const store = builder.build(cache === undefined ? undefined : { cacheMaxBytes: cache.maxBytes, threadCache: cache });
  const sent: CollectedRecord[] = [];
  await store.init(storeContext(t.dir, sent, clock));
  store.warn = () => {}; // expired puts are expected here (retention is part of the property)
  return { store, sent };
}

/** The last changelog value per changelog key (hex), as compaction would keep it. */
function lastPerKey(sent: readonly CollectedRecord[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const r of sent) out.set(r.key!.toString('hex'), r.value === null ? null : r.value.toString());
  return out;
}

describe('window store record cache', () => {
  it('coalesces updates of a window into one changelog record at flush, stamped with the last write', async () => {
    const clock = { now: 5 };
    const { store, sent } = await openWindow(false, new ThreadCache(1 << 20), clock);
    store.put('a', '1', 0);
    clock.now = 7;
    store.put('a', '2', 0);
    store.put('b', 'x', 10);
    store.put('b', null, 10);
    expect(sent).toEqual([]);
    expect(store.fetch('a', 0)).toBe('2');
    expect(store.fetch('b', 10)).toBeUndefined();
    store.flushCache();
    // b was created and removed between flushes: nothing to log.
    expect(sent.map((r) => [r.value?.toString() ?? null, r.timestamp])).toEqual([['2', 7]]);
  });

  for (const persistent of [false, true]) {
    it(`${persistent ? 'LevelDB: flushed entries stay in the cache as clean copies' : 'memory: flushed entries leave the cache (the heap store below serves the reads)'}`, async () => {
      const clock = { now: 1 };
      const cache = new ThreadCache(1 << 20);
      const { store, sent } = await openWindow(persistent, cache, clock);
      store.put('a', '1', 0);
      store.put('b', '2', 10);
      expect(cache.size).toBe(2);
      store.flushCache();
      expect(sent.map((r) => r.value?.toString())).toEqual(['1', '2']);
      expect(cache.size).toBe(persistent ? 2 : 0);
      if (!persistent) expect(cache.bytes).toBe(0);
      expect(store.fetch('a', 0)).toBe('1');
      expect(store.fetch('b', 10)).toBe('2');
      // A later update is cached (dirty) again and coalesced until the next flush.
      store.put('a', '3', 0);
      store.put('a', '4', 0);
      store.flushCache();
      expect(sent.map((r) => r.value?.toString())).toEqual(['1', '2', '4']);
      expect(store.fetch('a', 0)).toBe('4');
      await store.close();
    });
  }

  it('a store that retains duplicates is never cached (as Kafka)', async () => {
    const t = tempDir();
    dirs.push(t);
    const supplier = WindowStores.inMemoryWindowStore('j', { ...OPTIONS, retainDuplicates: true });
    const store = WindowStores.windowStoreBuilder(supplier, Serdes.string(), Serdes.string()).withCachingEnabled().build({ cacheMaxBytes: 1 << 20 });
    const sent: CollectedRecord[] = [];
    await store.init(storeContext(t.dir, sent));
    store.put('a', '1', 0);
    expect(sent).toHaveLength(1);
  });

  for (const persistent of [false, true]) {
    it(`${persistent ? 'LevelDB' : 'memory'}: cached and uncached stores agree on every read, and after flush on state and last changelog values (property)`, async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'ab', 'c'), start: fc.integer({ min: 0, max: 60 }).map((x) => x * 10), value: fc.option(fc.string({ maxLength: 4 }), { freq: 5 }) }),
        fc.record({ kind: fc.constant('fetch' as const), key: fc.constantFrom('a', 'b', 'ab', 'c'), from: fc.integer({ min: 0, max: 600 }), span: fc.integer({ min: 0, max: 300 }) }),
        fc.record({ kind: fc.constant('range' as const), from: fc.integer({ min: 0, max: 600 }), span: fc.integer({ min: 0, max: 300 }) }),
        fc.record({ kind: fc.constant('flush' as const) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 6 }), async (ops, entries) => {
          const clock = { now: 0 };
          const cache = new ThreadCache(entries * 100);
          const cached = await openWindow(persistent, cache, clock);
          const plain = await openWindow(persistent, undefined, clock);
          try {
            for (const o of ops) {
              clock.now++;
              if (o.kind === 'put') {
                cached.store.put(o.key, o.value, o.start);
                plain.store.put(o.key, o.value, o.start);
              } else if (o.kind === 'fetch') {
                expect(toList(cached.store.fetch(o.key, o.from, o.from + o.span))).toEqual(toList(plain.store.fetch(o.key, o.from, o.from + o.span)));
                expect(cached.store.fetch(o.key, o.from - (o.from % 10))).toBe(plain.store.fetch(o.key, o.from - (o.from % 10)));
              } else if (o.kind === 'range') {
                expect(toList(cached.store.fetch('a', 'b', o.from, o.from + o.span))).toEqual(toList(plain.store.fetch('a', 'b', o.from, o.from + o.span)));
                expect(toList(cached.store.fetchAll(o.from, o.from + o.span))).toEqual(toList(plain.store.fetchAll(o.from, o.from + o.span)));
              } else {
                cached.store.flushCache();
              }
              expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
            }
            cached.store.flushCache();
            plain.store.flushCache();
            expect(toList(cached.store.all())).toEqual(toList(plain.store.all()));
            expect(cached.sent.length).toBeLessThanOrEqual(plain.sent.length);
            // Same last value per (key, window), except windows the reference logged and the
            // cache never had to (created and removed between two flushes, or expired with a
            // removal pending): those end absent in both.
            const want = lastPerKey(plain.sent);
            const got = lastPerKey(cached.sent);
            for (const [k, v] of want) {
              if (got.has(k)) expect(got.get(k)).toBe(v);
              else expect(v).toBeNull();
            }
            for (const k of got.keys()) expect(want.has(k)).toBe(true);
          } finally {
            await cached.store.close();
            await plain.store.close();
          }
        }),
        { numRuns: persistent ? 25 : 120 },
      );
    });
  }
});

describe('session store record cache', () => {
  it('holds session updates until flush and merges them into finds', async () => {
    const t = tempDir();
    dirs.push(t);
    const builder = WindowStores.sessionStoreBuilder(WindowStores.inMemorySessionStore('s', 1000), Serdes.string(), Serdes.string()).withCachingEnabled();
    const store = builder.build({ cacheMaxBytes: 1 << 20, threadCache: new ThreadCache(1 << 20) });
    const sent: CollectedRecord[] = [];
    await store.init(storeContext(t.dir, sent));
    store.put({ key: 'a', window: { start: 0, end: 10 } }, '1');
    store.put({ key: 'a', window: { start: 0, end: 10 } }, '2');
    store.put({ key: 'a', window: { start: 20, end: 30 } }, '3');
    store.flushCache();
    store.remove({ key: 'a', window: { start: 20, end: 30 } });
    store.put({ key: 'a', window: { start: 40, end: 45 } }, '4');
    expect(sent.map((r) => r.value?.toString() ?? null)).toEqual(['2', '3']);
    expect(toList(store.findSessions('a', 0, 100)).map(([k, v]) => [k.window.start, v])).toEqual([
      [0, '2'],
      [40, '4'],
    ]);
    store.flushCache();
    expect(sent.map((r) => r.value?.toString() ?? null)).toEqual(['2', '3', null, '4']);
  });
});
