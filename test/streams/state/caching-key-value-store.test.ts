import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CachingKeyValueStore, ENTRY_OVERHEAD } from '../../../src/streams/state/caching-key-value-store.ts';
import { ChangeLoggingKeyValueStore } from '../../../src/streams/state/change-logging-key-value-store.ts';
import { InMemoryKeyValueStore } from '../../../src/streams/state/in-memory-key-value-store.ts';
import type { CollectedRecord } from '../../../src/streams/state/store-types.ts';
import { drain, makeContext } from './store-suite.ts';

const b = (s: string) => Buffer.from(s);
const str = (x: Buffer | null) => (x === null ? null : x.toString());

async function stack(maxBytes = Infinity) {
  const backing = new InMemoryKeyValueStore('s');
  const cache = new CachingKeyValueStore(new ChangeLoggingKeyValueStore(backing), maxBytes);
  const sent: CollectedRecord[] = [];
  const clock = { now: 0 };
  await cache.init(makeContext('/nonexistent', sent, new Map(), clock));
  const events: Array<[string, string | null, string | null, number]> = [];
  cache.setFlushListener((k, n, o, t) => events.push([k.toString(), str(n), str(o), t]));
  return { backing, cache, sent, clock, events };
}

describe('CachingKeyValueStore', () => {
  it('holds writes in memory until flushCache, then writes the latest value down once', async () => {
    const { backing, cache, sent } = await stack();
    cache.put(b('k'), b('1'));
    cache.put(b('k'), b('2'));
    expect(backing.get(b('k'))).toBeUndefined();
    expect(sent).toEqual([]);
    cache.flushCache();
    expect(backing.get(b('k'))).toEqual(b('2'));
    expect(sent.map((r) => str(r.value))).toEqual(['2']);
  });

  it('flushes in order of latest write', async () => {
    const { cache, events } = await stack();
    cache.put(b('a'), b('1'));
    cache.put(b('b'), b('1'));
    cache.put(b('a'), b('2'));
    cache.flushCache();
    expect(events.map(([k]) => k)).toEqual(['b', 'a']);
  });

  it('without old values, passes null as the old value', async () => {
    const { backing, cache, events } = await stack();
    backing.put(b('a'), b('before'));
    cache.setFlushListener((k, n, o, t) => events.push([k.toString(), str(n), str(o), t]), false);
    cache.put(b('a'), b('after'));
    cache.delete(b('a'));
    cache.put(b('never-existed'), b('x'));
    cache.delete(b('never-existed'));
    cache.flushCache();
    expect(events).toEqual([['a', null, null, 0]]);
    expect(backing.get(b('a'))).toBeUndefined();
  });

  it('writes made by the flush listener go out with the next flush', async () => {
    const { cache, events } = await stack();
    let reentered = false;
    cache.setFlushListener((k, n, o, t) => {
      events.push([k.toString(), str(n), str(o), t]);
      if (!reentered) {
        reentered = true;
        cache.put(b('echo'), b('from-listener'));
      }
    });
    cache.put(b('a'), b('1'));
    cache.flushCache();
    expect(events.map(([k]) => k)).toEqual(['a']);
    expect(cache.get(b('echo'))).toEqual(b('from-listener'));
    cache.flushCache();
    expect(events.map(([k]) => k)).toEqual(['a', 'echo']);
  });

  it('evicts least recently used entries; reads refresh recency; clean evictions do not flush', async () => {
    const entry = 1 + 1 + ENTRY_OVERHEAD; // one-byte key and value
    const { backing, cache, events } = await stack(entry * 3);
    for (const k of ['a', 'b', 'c']) backing.put(b(k), b(k));
    expect(cache.get(b('a'))).toEqual(b('a'));
    expect(cache.get(b('b'))).toEqual(b('b'));
    expect(cache.get(b('c'))).toEqual(b('c'));
    expect(cache.cachedBytes()).toBe(entry * 3);
    cache.get(b('a')); // a is now the most recent: b is the eldest
    backing.put(b('d'), b('d'));
    cache.get(b('d')); // evicts b (clean): no flush
    expect(events).toEqual([]);
    expect(cache.cachedBytes()).toBe(entry * 3);
    // b is no longer cached: a change below is visible through the cache, a is not re-read
    backing.put(b('b'), b('B'));
    backing.put(b('a'), b('A'));
    expect(cache.get(b('b'))).toEqual(b('B'));
    expect(cache.get(b('a'))).toEqual(b('a'));
  });

  it('evicting a dirty entry flushes every dirty entry, with each write\'s own timestamp', async () => {
    const entry = 1 + 1 + ENTRY_OVERHEAD;
    const { cache, sent, clock, events } = await stack(entry * 2);
    clock.now = 10;
    cache.put(b('a'), b('1'));
    clock.now = 20;
    cache.put(b('b'), b('2'));
    expect(events).toEqual([]);
    clock.now = 30;
    cache.put(b('c'), b('3')); // over budget: a is eldest and dirty → flush a, b, c
    expect(events).toEqual([
      ['a', '1', null, 10],
      ['b', '2', null, 20],
      ['c', '3', null, 30],
    ]);
    expect(sent.map((r) => [str(r.key), str(r.value), r.timestamp])).toEqual([
      ['a', '1', 10],
      ['b', '2', 20],
      ['c', '3', 30],
    ]);
    expect(cache.cachedBytes()).toBeLessThanOrEqual(entry * 2);
    expect(drain(cache.all()).map(([k]) => k.toString())).toEqual(['a', 'b', 'c']);
  });

  it('restore drops cached entries for restored keys so reads see restored values', async () => {
    const { cache } = await stack();
    cache.put(b('k'), b('cached'));
    cache.flushCache();
    cache.get(b('k'));
    await cache.restore([{ key: b('k'), value: b('restored'), offset: 0 }]);
    expect(cache.get(b('k'))).toEqual(b('restored'));
  });

  it('close discards unflushed writes', async () => {
    const { backing, cache, sent } = await stack();
    cache.put(b('k'), b('v'));
    await cache.close();
    expect(sent).toEqual([]);
    expect(backing.isOpen()).toBe(false);
    expect(cache.cachedBytes()).toBe(0);
  });
});

describe('CachingKeyValueStore flush listener (property)', () => {
  it('events replayed downstream reproduce the store, with old values equal to what downstream last saw', async () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.constant({ kind: 'flush' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.constantFrom(Infinity, 3 * (2 + ENTRY_OVERHEAD)), async (ops, maxBytes) => {
        const { cache } = await stack(maxBytes);
        const model = new Map<string, string>();
        const downstream = new Map<string, string>();
        cache.setFlushListener((k, n, o) => {
          const name = k.toString();
          expect(str(o)).toBe(downstream.get(name) ?? null);
          expect(n !== null || o !== null).toBe(true); // nothing is forwarded for a no-op delete
          if (n === null) downstream.delete(name);
          else downstream.set(name, n.toString());
        });
        for (const o of ops) {
          if (o.kind === 'put') {
            cache.put(b(o.key), o.value === null ? null : b(o.value));
            if (o.value === null) model.delete(o.key);
            else model.set(o.key, o.value);
          } else if (o.kind === 'delete') {
            expect(str(cache.delete(b(o.key)) ?? null)).toBe(model.get(o.key) ?? null);
            model.delete(o.key);
          } else {
            cache.flushCache();
            expect(downstream).toEqual(model);
          }
        }
        cache.flushCache();
        expect(downstream).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});

describe('CachingKeyValueStore when downstream fails during a flush', () => {
  it('keeps the entries it had not written down dirty, and writes them on the next flush', async () => {
    const { backing, cache, events } = await stack();
    let fail = true;
    cache.setFlushListener((k, n, o, t) => {
      events.push([k.toString(), str(n), str(o), t]);
      if (fail && k.toString() === 'b') throw new Error('downstream failed');
    });
    for (const k of ['a', 'b', 'c', 'd']) cache.put(b(k), b(k));
    expect(() => cache.flushCache()).toThrow('downstream failed');
    // a and b were written down before the failure; c and d were not
    expect(['a', 'b', 'c', 'd'].map((k) => str(backing.get(b(k)) ?? null))).toEqual(['a', 'b', null, null]);
    fail = false;
    cache.flushCache();
    expect(['a', 'b', 'c', 'd'].map((k) => str(backing.get(b(k)) ?? null))).toEqual(['a', 'b', 'c', 'd']);
    expect(events.map(([k]) => k)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('CachingKeyValueStore eviction is exact LRU (property)', () => {
  // The model: entries in order of use (least recent first) with their dirty flags, a byte
  // budget, and the layer below. A get misses (reaches the layer below) exactly when the model
  // does not hold the key; evicting a dirty eldest entry first flushes every dirty entry.
  it('reads reach the layer below exactly when an LRU model has evicted the key', async () => {
    type Op = { kind: 'get' | 'put'; key: number; size: number };
    const op = fc.record({ kind: fc.constantFrom('get' as const, 'put' as const), key: fc.nat(12), size: fc.nat(40) });
    await fc.assert(
      // up to 3000 operations: the use log is compacted (every ~1000 uses) several times
      fc.asyncProperty(fc.array(op, { minLength: 1200, maxLength: 3000 }), fc.integer({ min: 150, max: 600 }), async (ops: Op[], maxBytes) => {
        const backing = new InMemoryKeyValueStore('s');
        let innerGets = 0;
        const spy = Object.assign(Object.create(backing) as InMemoryKeyValueStore, {
          get: (key: Buffer) => {
            innerGets++;
            return backing.get(key);
          },
        });
        const cache = new CachingKeyValueStore(spy, maxBytes);
        await cache.init(makeContext('/nonexistent', [], new Map(), { now: 0 }));
        const below = new Map<number, number>();
        const lru: Array<{ key: number; size: number; dirty: boolean }> = [];
        const bytes = () => lru.reduce((sum, e) => sum + e.size, 0);
        const evict = () => {
          while (bytes() > maxBytes && lru.length > 0) {
            if (lru[0]!.dirty) for (const e of lru) if (e.dirty) (e.dirty = false), below.set(e.key, e.size - 4 - ENTRY_OVERHEAD);
            lru.shift();
          }
        };
        const keyOf = (k: number) => Buffer.from([0, 0, 0, k]); // 4 bytes: the int-hashed path
        for (const o of ops) {
          const i = lru.findIndex((e) => e.key === o.key);
          const cached = i >= 0 ? lru.splice(i, 1)[0]! : undefined;
          if (o.kind === 'get') {
            const before = innerGets;
            const got = cache.get(keyOf(o.key));
            expect(innerGets - before).toBe(cached === undefined ? 1 : 0);
            if (cached !== undefined) lru.push(cached);
            else if (below.has(o.key)) lru.push({ key: o.key, size: 4 + below.get(o.key)! + ENTRY_OVERHEAD, dirty: false });
            expect(got?.length).toBe(cached !== undefined ? cached.size - 4 - ENTRY_OVERHEAD : below.get(o.key));
          } else {
            cache.put(keyOf(o.key), Buffer.alloc(o.size));
            lru.push({ key: o.key, size: 4 + o.size + ENTRY_OVERHEAD, dirty: true });
          }
          evict();
          expect(cache.cachedBytes()).toBe(bytes());
        }
        await cache.close();
      }),
      { numRuns: 40 },
    );
  });
});
