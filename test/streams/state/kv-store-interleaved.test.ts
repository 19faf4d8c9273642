/*
 * The bytes stores built on ByteKeyMap (in-memory store, record cache over it, LevelDB's
 * keys-in-memory index) against a Map
 * model, with puts, deletes, ranges and prefix scans interleaved, bursts of more than MIN_CHURN
 * key changes between sorted reads (so the stores' sorted views are dropped and rebuilt), and
 * writes made while an iterator is half-way (the live-view contract of kv-iterators.ts).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LevelDbKeyValueStore } from '../../../src/streams/state/leveldb-key-value-store.ts';
import { InMemoryKeyValueStore } from '../../../src/streams/state/in-memory-key-value-store.ts';
import { CachingKeyValueStore } from '../../../src/streams/state/caching-key-value-store.ts';
import { MIN_CHURN } from '../../../src/streams/state/byte-key-map.ts';
import type { BytesKeyValueStore } from '../../../src/streams/state/bytes-store.ts';
import type { KeyValueIterator, StoreContext } from '../../../src/streams/state/store-types.ts';

const context = (stateDir: string): StoreContext => ({
  applicationId: 'app',
  taskId: '0_0',
  partition: 0,
  stateDir,
  changelogTopic: undefined,
  collector: { send() {} },
  currentTimestamp: () => 1,
  metrics: { record() {} },
});

const stacks: Array<{ label: string; runs: number; build(): BytesKeyValueStore }> = [
  { label: 'in-memory store', runs: 150, build: () => new InMemoryKeyValueStore('s') },
  { label: 'record cache (small, evicting) over the in-memory store', runs: 150, build: () => new CachingKeyValueStore(new InMemoryKeyValueStore('s'), 1500) },
  { label: 'LevelDB store', runs: 30, build: () => new LevelDbKeyValueStore('s') },
];

/** 1–5 bytes from a few values: 4-byte (int-hashed) and other keys mixed, shared prefixes. */
const key = fc.array(fc.constantFrom(0x00, 0x61, 0x80, 0xff), { minLength: 1, maxLength: 5 }).map((a) => Buffer.from(a));
const value = fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a));

type Op =
  | { kind: 'put'; key: Buffer; value: Buffer | null }
  | { kind: 'delete'; key: Buffer }
  | { kind: 'range'; from: Buffer | undefined; to: Buffer | undefined; reverse: boolean }
  | { kind: 'prefix'; prefix: Buffer; reverse: boolean }
  | { kind: 'burst'; seed: number }
  | { kind: 'flush' }
  | { kind: 'walkWhileWriting'; reverse: boolean; before: number; writes: Array<{ key: Buffer; value: Buffer | null }> };

const bound = fc.option(key, { nil: undefined });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('put' as const), key, value: fc.option(value, { nil: null }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('range' as const), from: bound, to: bound, reverse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prefix' as const), prefix: key, reverse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('burst' as const), seed: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('walkWhileWriting' as const),
      reverse: fc.boolean(),
      before: fc.nat(20),
      writes: fc.array(fc.record({ key, value: fc.option(value, { nil: null }) }), { maxLength: 10 }),
    }),
  },
);

const latin1 = (b: Buffer): string => b.toString('latin1');
const sortedKeys = (model: Map<string, Buffer>): string[] => [...model.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function drain(iterator: KeyValueIterator<Buffer, Buffer>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const { key: k, value: v } of iterator) out.push([latin1(k), v.toString('hex')]);
  return out;
}

function expected(model: Map<string, Buffer>, keys: string[]): Array<[string, string]> {
  return keys.map((k) => [k, model.get(k)!.toString('hex')]);
}

describe.each(stacks)('$label equals a Map model with interleaved writes and sorted reads (property)', ({ build, runs }) => {
  it('point reads, ranges, prefix scans and live iterators agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const dir = mkdtempSync(join(tmpdir(), 'tributary-interleaved-'));
        const store = build();
        await store.init(context(dir));
        const model = new Map<string, Buffer>();
        const write = (k: Buffer, v: Buffer | null): void => {
          store.put(k, v);
          if (v === null) model.delete(latin1(k));
          else model.set(latin1(k), v);
        };
        try {
          for (const o of ops) {
            switch (o.kind) {
              case 'put':
                write(o.key, o.value);
                break;
              case 'delete':
                expect(store.delete(o.key)?.toString('hex')).toBe(model.get(latin1(o.key))?.toString('hex'));
                model.delete(latin1(o.key));
                break;
              case 'range': {
                const empty = o.from !== undefined && o.to !== undefined && Buffer.compare(o.from, o.to) > 0;
                const keys = empty
                  ? []
                  : sortedKeys(model).filter((k) => (o.from === undefined || k >= latin1(o.from)) && (o.to === undefined || k <= latin1(o.to)));
                if (o.reverse) keys.reverse();
                expect(drain(o.reverse ? store.reverseRange(o.from, o.to) : store.range(o.from, o.to))).toEqual(expected(model, keys));
                break;
              }
              case 'prefix': {
                const keys = sortedKeys(model).filter((k) => k.startsWith(latin1(o.prefix)));
                if (o.reverse) keys.reverse();
                expect(drain(store.prefixScanBytes(o.prefix, o.reverse))).toEqual(expected(model, keys));
                break;
              }
              case 'burst':
                // more than MIN_CHURN inserts and deletes with no sorted read in between
                for (let i = 0; i <= MIN_CHURN; i++) {
                  const n = (o.seed + i * 7) % 400;
                  const k = n % 2 === 0 ? Buffer.from([0x61, n >> 8, n & 0xff, 0]) : Buffer.from([0x62, n >> 8, n & 0xff]);
                  write(k, i % 3 === 0 ? null : Buffer.from([i & 0xff]));
                }
                break;
              case 'flush':
                // the commit procedure: LevelDB writes the changes to disk; reads then hit disk
                store.flushCache();
                await store.commit();
                break;
              case 'walkWhileWriting': {
                const iterator = o.reverse ? store.reverseAll() : store.all();
                const before = new Set(model.keys());
                const everPresent = new Set(model.keys());
                const touched = new Set<string>();
                const yielded: string[] = [];
                for (let i = 0; i < o.before; i++) {
                  const step = iterator.next();
                  if (step.done === true) break;
                  yielded.push(latin1(step.value.key));
                }
                for (const w of o.writes) {
                  write(w.key, w.value);
                  touched.add(latin1(w.key));
                  everPresent.add(latin1(w.key));
                }
                for (const pair of iterator) yielded.push(latin1(pair.key));
                for (let i = 1; i < yielded.length; i++) {
                  expect(o.reverse ? yielded[i - 1]! > yielded[i]! : yielded[i - 1]! < yielded[i]!).toBe(true);
                }
                // keys present throughout the walk (not written during it) come out, once each
                for (const k of before) if (!touched.has(k)) expect(yielded).toContain(k);
                for (const k of yielded) expect(everPresent.has(k)).toBe(true);
                break;
              }
            }
            expect(store.approximateNumEntries() >= 0).toBe(true);
            for (const k of ['\u0061', '\u0061\u0061\u0061\u0061', '\u00ff\u0000', '\u0000\u0080\u00ff\u0061']) {
              expect(store.get(Buffer.from(k, 'latin1'))?.toString('hex')).toBe(model.get(k)?.toString('hex'));
            }
          }
          expect(drain(store.all())).toEqual(expected(model, sortedKeys(model)));
          expect(drain(store.reverseAll())).toEqual(expected(model, sortedKeys(model).reverse()));
          for (const [k, v] of model) expect(store.get(Buffer.from(k, 'latin1'))?.toString('hex')).toBe(v.toString('hex'));
        } finally {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: runs },
    );
  });
});
