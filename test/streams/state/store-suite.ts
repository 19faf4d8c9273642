/*
 * The shared key-value store suite: one set of behaviours every store stack must show, run
 * against the in-memory and LevelDB stacks, each with and without caching and logging.
 * A StackFactory builds a fresh stack over a given state dir; the suite inits it with a
 * recording StoreContext (changelog records, metrics, a settable clock).
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { CollectedRecord, KeyValueIterator, StoreContext } from '../../../src/streams/state/store-types.ts';
import type { MeteredKeyValueStore } from '../../../src/streams/state/metered-key-value-store.ts';
import { runStoreModelProperty } from './store-model-property.ts';

export interface StackOptions {
  caching: boolean;
  logging: boolean;
  cacheMaxBytes?: number;
}

export interface StackFactory {
  label: string;
  persistent: boolean;
  build(options: StackOptions): MeteredKeyValueStore<string, string>;
}

export interface Harness {
  store: MeteredKeyValueStore<string, string>;
  sent: CollectedRecord[];
  metrics: Map<string, number>;
  clock: { now: number };
  stateDir: string;
  /** Closes the store and opens a new stack over the same state dir. */
  reopen(): Promise<void>;
}

export function makeContext(stateDir: string, sent: CollectedRecord[], metrics: Map<string, number>, clock: { now: number }): StoreContext {
  return {
    applicationId: 'app',
    taskId: '0_1',
    partition: 1,
    stateDir,
    changelogTopic: 'app-s-changelog',
    collector: { send: (record) => sent.push(record) },
    currentTimestamp: () => clock.now,
    metrics: {
      record(store, operation, count = 1) {
        const key = `${store}:${operation}`;
        metrics.set(key, (metrics.get(key) ?? 0) + count);
      },
    },
  };
}

export async function openHarness(factory: StackFactory, options: StackOptions, stateDir: string): Promise<Harness> {
  const sent: CollectedRecord[] = [];
  const metrics = new Map<string, number>();
  const clock = { now: 1000 };
  const harness: Harness = {
    store: factory.build(options),
    sent,
    metrics,
    clock,
    stateDir,
    async reopen() {
      await harness.store.close();
      harness.store = factory.build(options);
      await harness.store.init(makeContext(stateDir, sent, metrics, clock));
    },
  };
  await harness.store.init(makeContext(stateDir, sent, metrics, clock));
  return harness;
}

export function drain<K, V>(iterator: KeyValueIterator<K, V>): Array<[K, V]> {
  const out: Array<[K, V]> = [];
  for (const { key, value } of iterator) out.push([key, value]);
  return out;
}

export const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Replays changelog records into a map: the state a restore would rebuild. */
export function replay(records: CollectedRecord[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const record of records) {
    const key = record.key!.toString('utf8');
    if (record.value === null) state.delete(key);
    else state.set(key, record.value.toString('utf8'));
  }
  return state;
}

export function runStoreSuite(factory: StackFactory): void {
  const combos: StackOptions[] = [
    { caching: false, logging: false },
    { caching: true, logging: false },
    { caching: false, logging: true },
    { caching: true, logging: true },
  ];
  for (const options of combos) {
    describe(`${factory.label} store (caching ${options.caching ? 'on' : 'off'}, logging ${options.logging ? 'on' : 'off'})`, () => {
      let dir: string;
      let h: Harness;
      beforeEach(async () => {
        dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
        h = await openHarness(factory, options, dir);
      });
      afterEach(async () => {
        if (h.store.isOpen()) await h.store.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it('puts, gets, deletes; null is a delete; putIfAbsent and putAll', async () => {
        const s = h.store;
        expect(s.get('a')).toBeUndefined();
        s.put('a', '1');
        s.put('b', '2');
        expect(s.get('a')).toBe('1');
        s.put('a', '3');
        expect(s.get('a')).toBe('3');
        expect(s.delete('a')).toBe('3');
        expect(s.get('a')).toBeUndefined();
        expect(s.delete('a')).toBeUndefined();
        s.put('b', null);
        expect(s.get('b')).toBeUndefined();
        expect(s.putIfAbsent('c', 'first')).toBeUndefined();
        expect(s.putIfAbsent('c', 'second')).toBe('first');
        expect(s.get('c')).toBe('first');
        s.putAll([{ key: 'd', value: '4' }, { key: 'e', value: '5' }, { key: 'c', value: null }]);
        expect(drain(s.all())).toEqual([['d', '4'], ['e', '5']]);
        await s.flush();
        expect(s.get('d')).toBe('4');
        expect(s.get('c')).toBeUndefined();
        expect(s.approximateNumEntries()).toBe(2);
      });

      it('rejects null keys with a message naming the store', () => {
        expect(() => h.store.put(null as unknown as string, 'x')).toThrow(/store "s".*null/);
      });

      it('ranges: inclusive bounds, open bounds, reverse, from > to, empty store', async () => {
        const s = h.store;
        expect(drain(s.all())).toEqual([]);
        expect(drain(s.reverseRange('a', 'z'))).toEqual([]);
        for (const k of ['b', 'd', 'a', 'c', 'e']) s.put(k, k.toUpperCase());
        await s.flush();
        expect(drain(s.range('b', 'd')).map(([k]) => k)).toEqual(['b', 'c', 'd']);
        expect(drain(s.range('bb', 'dd')).map(([k]) => k)).toEqual(['c', 'd']);
        expect(drain(s.range(undefined, 'b')).map(([k]) => k)).toEqual(['a', 'b']);
        expect(drain(s.range('d', undefined)).map(([k]) => k)).toEqual(['d', 'e']);
        expect(drain(s.reverseRange('b', 'd')).map(([k]) => k)).toEqual(['d', 'c', 'b']);
        expect(drain(s.reverseRange(undefined, 'b')).map(([k]) => k)).toEqual(['b', 'a']);
        expect(drain(s.reverseAll()).map(([k]) => k)).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(drain(s.range('d', 'b'))).toEqual([]);
        expect(drain(s.reverseRange('d', 'b'))).toEqual([]);
        expect(drain(s.range('c', 'c'))).toEqual([['c', 'C']]);
        expect(drain(s.range('x', 'z'))).toEqual([]);
      });

      it('ranges see unflushed writes and deletes merged over flushed state', async () => {
        const s = h.store;
        for (const k of ['a', 'b', 'c', 'd']) s.put(k, 'old');
        await s.flush();
        s.delete('b');
        s.put('c', 'new');
        s.put('bb', 'added');
        expect(drain(s.all())).toEqual([['a', 'old'], ['bb', 'added'], ['c', 'new'], ['d', 'old']]);
        expect(drain(s.reverseRange('b', 'c'))).toEqual([['c', 'new'], ['bb', 'added']]);
        await s.flush();
        expect(drain(s.all())).toEqual([['a', 'old'], ['bb', 'added'], ['c', 'new'], ['d', 'old']]);
      });

      it('prefixScan returns the keys that start with the serialized prefix', async () => {
        const s = h.store;
        for (const k of ['a', 'ab', 'abc', 'abd', 'ac', 'b']) s.put(k, k);
        await s.flush();
        s.put('abz', 'abz');
        s.delete('abc');
        expect(drain(s.prefixScan('ab', Serdes.string())).map(([k]) => k)).toEqual(['ab', 'abd', 'abz']);
        expect(drain(s.prefixScan('', Serdes.string()))).toHaveLength(6);
        expect(drain(s.prefixScan('zz', Serdes.string()))).toEqual([]);
      });

      it('iterators close, stop early, and tolerate writes during iteration', () => {
        const s = h.store;
        for (const k of ['a', 'b', 'c']) s.put(k, k);
        const it1 = s.all();
        expect(it1.next().value).toEqual({ key: 'a', value: 'a' });
        it1.close();
        expect(it1.next().done).toBe(true);
        const seen: string[] = [];
        for (const { key } of s.all()) {
          seen.push(key);
          if (key.length === 1) s.put(`${key}x`, 'written while iterating');
          s.delete('c');
          if (seen.length > 20) break;
        }
        // keys present throughout appear once each, in order; a deleted key ahead of the cursor is
        // not returned; keys written ahead of the cursor may or may not be seen
        expect(seen.filter((k) => !k.endsWith('x'))).toEqual(['a', 'b']);
        expect([...seen].sort(byBytes)).toEqual(seen);
        expect(new Set(seen).size).toBe(seen.length);
      });

      it('changelog: records go to the task partition with the write timestamps', async () => {
        const s = h.store;
        h.clock.now = 10;
        s.put('k1', 'a');
        h.clock.now = 20;
        s.put('k2', 'b');
        h.clock.now = 30;
        s.put('k1', 'c');
        h.clock.now = 40;
        s.delete('k2');
        h.clock.now = 50;
        s.put('k3', 'd');
        h.clock.now = 99;
        await s.flush();
        const view = h.sent.map((r) => [r.topic, r.partition, r.key?.toString(), r.value?.toString() ?? null, r.timestamp]);
        if (!options.logging) {
          expect(view).toEqual([]);
        } else if (options.caching) {
          // one record per key, latest value, in order of latest write; k2 was created and deleted
          // between flushes, so nothing is logged for it.
          expect(view).toEqual([
            ['app-s-changelog', 1, 'k1', 'c', 30],
            ['app-s-changelog', 1, 'k3', 'd', 50],
          ]);
        } else {
          expect(view).toEqual([
            ['app-s-changelog', 1, 'k1', 'a', 10],
            ['app-s-changelog', 1, 'k2', 'b', 20],
            ['app-s-changelog', 1, 'k1', 'c', 30],
            ['app-s-changelog', 1, 'k2', null, 40],
            ['app-s-changelog', 1, 'k3', 'd', 50],
          ]);
        }
      });

      it('flush listener: (key, new, old, timestamp) per flushed entry when caching is on', async () => {
        const s = h.store;
        const events: Array<[string, string | null, string | null, number]> = [];
        const registered = s.setFlushListener((k, n, o, t) => events.push([k, n, o, t]));
        expect(registered).toBe(options.caching);
        h.clock.now = 5;
        s.put('a', '1');
        s.put('b', '1');
        await s.flush();
        h.clock.now = 6;
        s.put('a', '2');
        s.put('a', '3');
        s.delete('b');
        await s.flush();
        if (options.caching) {
          expect(events).toEqual([
            ['a', '1', null, 5],
            ['b', '1', null, 5],
            ['a', '3', '1', 6],
            ['b', null, '1', 6],
          ]);
        } else {
          expect(events).toEqual([]);
        }
      });

      it('commit(offset) and restore(records): offsets are next-to-read, restore bypasses logging', async () => {
        const s = h.store;
        expect(s.committedChangelogOffset()).toBeUndefined();
        s.put('x', '1');
        s.flushCache();
        await s.commit(7);
        expect(s.committedChangelogOffset()).toBe(7);
        const sentBefore = h.sent.length;
        await s.restore([
          { key: Buffer.from('r1'), value: Buffer.from('v1'), offset: 7 },
          { key: Buffer.from('x'), value: null, offset: 8 },
          { key: Buffer.from('r2'), value: Buffer.from('v2'), offset: 9 },
        ]);
        expect(h.sent.length).toBe(sentBefore);
        expect(s.committedChangelogOffset()).toBe(10);
        expect(drain(s.all())).toEqual([['r1', 'v1'], ['r2', 'v2']]);
      });

      it('records operation counts and latency sums', () => {
        h.store.put('a', '1');
        h.store.get('a');
        h.store.get('b');
        expect(h.metrics.get('s:put')).toBe(1);
        expect(h.metrics.get('s:get')).toBe(2);
        expect(h.metrics.get('s:get-latency-ns')).toBeGreaterThanOrEqual(0);
      });

      if (options.caching) {
        it('a small cache evicts by flushing, and loses no write', async () => {
          const small = await openHarness(factory, { ...options, cacheMaxBytes: 400 }, mkdtempSync(join(tmpdir(), 'tributary-store-')));
          try {
            const flushed: string[] = [];
            small.store.setFlushListener((k) => flushed.push(k));
            for (let i = 0; i < 50; i++) small.store.put(`key-${String(i).padStart(2, '0')}`, `value-${i}`);
            expect(flushed.length).toBeGreaterThan(0); // eviction flushed before any explicit flush
            await small.store.flush();
            expect(new Set(flushed).size).toBe(50);
            expect(small.store.get('key-00')).toBe('value-0');
            expect(drain(small.store.all())).toHaveLength(50);
            if (options.logging) expect(replay(small.sent).size).toBe(50);
          } finally {
            await small.store.close();
            rmSync(small.stateDir, { recursive: true, force: true });
          }
        });
      }

      if (factory.persistent) {
        it('survives a reopen: committed data and its changelog offset are read back', async () => {
          const s = h.store;
          s.put('a', '1');
          s.put('b', '2');
          s.flushCache();
          await s.commit(42);
          s.put('c', 'uncommitted');
          await h.reopen();
          expect(h.store.committedChangelogOffset()).toBe(42);
          expect(drain(h.store.all())).toEqual([['a', '1'], ['b', '2']]);
          await h.store.restore([{ key: Buffer.from('c'), value: Buffer.from('3'), offset: 42 }]);
          await h.reopen();
          expect(h.store.committedChangelogOffset()).toBe(43);
          expect(h.store.get('c')).toBe('3');
          expect(drain(h.store.reverseAll()).map(([k]) => k)).toEqual(['c', 'b', 'a']);
        });
      }
    });
  }

  runStoreModelProperty(factory);
}
