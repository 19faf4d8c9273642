// One record-cache budget per stream thread (thread-cache.ts), shared by the caching stores of the
// thread: the store that grew evicts its own least recently used entries (Kafka's ThreadCache), a
// dirty one only after its store flushed it, and what each store ends up holding equals a plain map of its writes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTRY_OVERHEAD, resizeThreadCache, ThreadCache, threadCacheBudget, threadCacheFor } from '../../../../src/streams/state/cache/thread-cache.ts';
import { CachingKeyValueStore } from '../../../../src/streams/state/caching-key-value-store.ts';
import { InMemoryKeyValueStore } from '../../../../src/streams/state/in-memory-key-value-store.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { makeContext } from '../store-suite.ts';

const b = (s: string) => Buffer.from(s);
/** Size charged for a one-byte key with a one-byte value. */
const ONE = 2 + ENTRY_OVERHEAD;

async function storeOn(cache: ThreadCache, name: string) {
  const backing = new InMemoryKeyValueStore(name);
  const store = new CachingKeyValueStore(backing, cache);
  await store.init(makeContext('/nonexistent', [] as CollectedRecord[], new Map(), { now: 0 }));
  const flushed: string[] = [];
  store.setFlushListener((k, v) => flushed.push(`${k}=${v === null ? 'null' : v.toString()}`));
  return { backing, store, flushed };
}

describe('ThreadCache', () => {
  // Kafka's ThreadCache.maybeEvict(namespace): the store that grew gives up its own LRU entries.
  it('evicts the writing store\'s least recently used entry, flushing that store first', async () => {
    const cache = new ThreadCache(ONE * 3);
    const a = await storeOn(cache, 'a');
    const c = await storeOn(cache, 'c');
    a.store.put(b('1'), b('x'));
    c.store.put(b('3'), b('z'));
    c.store.put(b('5'), b('v'));
    c.store.get(b('3')); // now 5 is c's least recently used entry; 1 (in a) is the thread's
    expect(cache.bytes).toBe(ONE * 3);
    c.store.put(b('4'), b('w'));
    // Store c flushed all its dirty entries (forwarding them), then dropped only entry 5; a kept 1.
    expect(c.flushed).toEqual(['3=z', '5=v', '4=w']);
    expect(a.flushed).toEqual([]);
    expect(c.backing.get(b('5'))).toEqual(b('v'));
    expect(c.store.cachedBytes()).toBe(ONE * 2);
    expect(a.store.cachedBytes()).toBe(ONE);
    expect(cache.bytes).toBe(ONE * 3);
    expect(cache.evictions).toBe(1);
    // Still readable after eviction (from below).
    expect(c.store.get(b('5'))).toEqual(b('v'));
  });

  it('a store with nothing cached evicts nothing of the others: the pass ends over budget, as Kafka\'s', async () => {
    const cache = new ThreadCache(ONE * 2);
    const a = await storeOn(cache, 'a');
    const c = await storeOn(cache, 'c');
    a.store.put(b('1'), b('x'));
    a.store.put(b('2'), b('y'));
    // c's first put: it evicts its own (only, newest) entry, flushing it; a's entries stay.
    c.store.put(b('3'), b('z'));
    expect(c.flushed).toEqual(['3=z']);
    expect(c.store.cachedBytes()).toBe(0);
    expect(a.store.cachedBytes()).toBe(ONE * 2);
    expect(a.flushed).toEqual([]);
  });

  it('closing a store gives its bytes back to the thread', async () => {
    const cache = new ThreadCache(1024 * 1024);
    const a = await storeOn(cache, 'a');
    const c = await storeOn(cache, 'c');
    a.store.put(b('1'), b('x'));
    c.store.put(b('2'), b('y'));
    await a.store.close();
    expect(cache.bytes).toBe(ONE);
    expect(cache.size).toBe(1);
  });

  // Kafka's ThreadCache.resize (a stream thread added or removed): shrinking walks the stores
  // round-robin, each giving up its least recently used entry (flushed first when dirty).
  it('shrinking the budget evicts round-robin over the stores until the cache fits; growing evicts nothing', async () => {
    const cache = new ThreadCache(ONE * 6);
    const a = await storeOn(cache, 'a');
    const c = await storeOn(cache, 'c');
    for (const k of ['1', '2', '3']) a.store.put(b(k), b('x'));
    for (const k of ['7', '8', '9']) c.store.put(b(k), b('y'));
    cache.setMaxBytes(ONE * 8);
    expect(cache.evictions).toBe(0);
    cache.setMaxBytes(ONE * 3);
    expect(cache.maxBytes).toBe(ONE * 3);
    expect(cache.bytes).toBe(ONE * 3);
    expect(cache.evictions).toBe(3);
    // a gave up 1 then 2, c gave up 7: a's second turn came before c's second.
    expect(a.store.cachedBytes()).toBe(ONE);
    expect(c.store.cachedBytes()).toBe(ONE * 2);
    // Evicting a dirty entry flushed its store first, so nothing written was lost.
    expect(a.flushed).toEqual(['1=x', '2=x', '3=x']);
    expect(c.flushed).toEqual(['7=y', '8=y', '9=y']);
    for (const k of ['1', '2', '3']) expect(a.store.get(b(k))).toEqual(b('x'));
    expect(() => cache.setMaxBytes(0)).toThrow(/must be > 0/);
  });

  it('a resize before the thread\'s cache exists is its budget when it is created', () => {
    const owner = {};
    resizeThreadCache(owner, 1234);
    expect(threadCacheBudget(owner, 999)).toBe(1234);
    expect(threadCacheFor(owner, 999)?.maxBytes).toBe(1234);
    resizeThreadCache(owner, 99);
    expect(threadCacheFor(owner, 999)?.maxBytes).toBe(99);
    expect(threadCacheBudget({}, 999)).toBe(999);
  });

  it('one cache per thread owner; none when the budget is 0', () => {
    const owner = {};
    expect(threadCacheFor(owner, 100)).toBe(threadCacheFor(owner, 100));
    expect(threadCacheFor({}, 100)).not.toBe(threadCacheFor(owner, 100));
    expect(threadCacheFor({}, 0)).toBeUndefined();
    expect(() => new ThreadCache(0)).toThrow(/must be > 0/);
  });

  it('stores sharing a small cache: within budget after every write, and each store ends equal to its model (property)', async () => {
    const op = fc.record({ store: fc.integer({ min: 0, max: 2 }), key: fc.integer({ min: 0, max: 9 }), value: fc.option(fc.string({ minLength: 1, maxLength: 3 }), { freq: 6 }), read: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 150 }), fc.integer({ min: 1, max: 8 }), async (ops, entries) => {
        const cache = new ThreadCache(entries * (ENTRY_OVERHEAD + 4));
        const stores = [await storeOn(cache, 's0'), await storeOn(cache, 's1'), await storeOn(cache, 's2')];
        const models = stores.map(() => new Map<string, string>());
        for (const o of ops) {
          const s = stores[o.store]!;
          const k = b(`k${o.key}`);
          if (o.read) {
            expect(s.store.get(k)?.toString()).toBe(models[o.store]!.get(`k${o.key}`));
            continue;
          }
          s.store.put(k, o.value === null ? null : b(o.value));
          if (o.value === null) models[o.store]!.delete(`k${o.key}`);
          else models[o.store]!.set(`k${o.key}`, o.value);
          expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
          expect(stores.reduce((n, x) => n + x.store.cachedBytes(), 0)).toBe(cache.bytes);
        }
        for (const [i, s] of stores.entries()) {
          s.store.flushCache();
          const below = new Map<string, string>();
          const it = s.backing.all();
          for (const kv of it) below.set(kv.key.toString(), kv.value.toString());
          it.close();
          expect(below).toEqual(models[i]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
