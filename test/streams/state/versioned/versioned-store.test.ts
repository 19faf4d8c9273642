// Versioned key-value stores (src/streams/state/versioned/) against a naive reference model
// (versioned-model.ts), plus cases from Apache Kafka's RocksDBVersionedStoreTest
// (streams/src/test/java/org/apache/kafka/streams/state/internals/RocksDBVersionedStoreTest.java)
// in our shape: put return codes, deletes, expired gets and puts, restore from the changelog.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { InMemoryKeyValueStore } from '../../../../src/streams/state/in-memory-key-value-store.ts';
import { Stores } from '../../../../src/streams/state/stores.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { SegmentedVersionedStore } from '../../../../src/streams/state/versioned/segmented-versioned-store.ts';
import type { MeteredVersionedKeyValueStore } from '../../../../src/streams/state/versioned/metered-versioned-store.ts';
import { PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED } from '../../../../src/streams/state/versioned/versioned-record.ts';
import { MultiVersionedKeyQuery, ResultOrder, type VersionsRange } from '../../../../src/streams/state/versioned/versioned-queries.ts';
import { makeContext } from '../store-suite.ts';
import { VersionedModel } from './versioned-model.ts';

const dirs: string[] = [];
const open: Array<{ close(): Promise<void>; isOpen(): boolean }> = [];
afterEach(async () => {
  for (const s of open.splice(0)) if (s.isOpen()) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tributary-versioned-'));
  dirs.push(d);
  return d;
}

async function openStore(opts: { persistent: boolean; retention: number; interval?: number; stateDir?: string; sent?: CollectedRecord[] }) {
  const supplier = opts.persistent
    ? Stores.persistentVersionedKeyValueStore('v', opts.retention, opts.interval)
    : Stores.inMemoryVersionedKeyValueStore('v', opts.retention, opts.interval);
  const store = Stores.versionedKeyValueStoreBuilder(supplier, Serdes.string(), Serdes.string()).build();
  const sent = opts.sent ?? [];
  await store.init(makeContext(opts.stateDir ?? tempDir(), sent, new Map(), { now: 0 }));
  open.push(store);
  return { store, sent };
}

type Op = { kind: 'put'; key: string; value: string | null; ts: number } | { kind: 'delete'; key: string; ts: number };
const KEYS = ['a', 'b', 'c'];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom(...KEYS), value: fc.option(fc.string({ maxLength: 3 }), { freq: 5 }), ts: fc.nat(120) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS), ts: fc.nat(120) }), weight: 1 },
);

function apply(store: MeteredVersionedKeyValueStore<string, string>, model: VersionedModel, op: Op): void {
  if (op.kind === 'put') expect(store.put(op.key, op.value, op.ts)).toBe(model.put(op.key, op.value, op.ts));
  else expect(store.delete(op.key, op.ts)).toEqual(model.delete(op.key, op.ts));
}

/** Every read the model can answer: latest, and as of each timestamp around the data. */
function expectSameReads(store: MeteredVersionedKeyValueStore<string, string>, model: VersionedModel): void {
  const reads = (get: (key: string, asOf?: number) => unknown) =>
    KEYS.flatMap((key) => [get(key), ...Array.from({ length: 126 }, (_, asOf) => [key, asOf, get(key, asOf)])]);
  expect(reads((k, t) => store.get(k, t))).toEqual(reads((k, t) => model.get(k, t)));
  expect(versionReads((k, r) => store.getVersions(k, r))).toEqual(versionReads((k, r) => model.getVersions(k, r)));
}

const BOUNDS = [undefined, 0, 17, 40, 63, 90, 125];
/** MultiVersionedKeyQuery over every pair of bounds (from ≤ to), both orders. */
function versionReads(getVersions: (key: string, range: VersionsRange) => unknown): unknown[] {
  const out: unknown[] = [];
  for (const key of KEYS) {
    for (const fromTime of BOUNDS) {
      for (const toTime of BOUNDS) {
        if (fromTime !== undefined && toTime !== undefined && fromTime > toTime) continue;
        for (const order of [ResultOrder.ASCENDING, ResultOrder.DESCENDING, undefined]) out.push([key, fromTime, toTime, order, getVersions(key, { fromTime, toTime, order })]);
      }
    }
  }
  return out;
}

describe('versioned store against the reference model (fast-check)', () => {
  it('in memory: every put, delete and read agrees; a restore from the changelog reads the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(40), fc.integer({ min: 1, max: 25 }), fc.array(opArb, { maxLength: 40 }), async (retention, interval, ops) => {
        const { store, sent } = await openStore({ persistent: false, retention, interval });
        const model = new VersionedModel(retention);
        for (const op of ops) apply(store, model, op);
        expectSameReads(store, model);
        const restored = (await openStore({ persistent: false, retention, interval })).store;
        await restored.restore(sent.map((r, offset) => ({ key: r.key!, value: r.value, offset, timestamp: r.timestamp })));
        expectSameReads(restored, model);
        await store.close();
        await restored.close();
      }),
      { numRuns: 100 },
    );
  });

  it('LevelDB: the same, and after a commit, close and reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(40), fc.integer({ min: 1, max: 25 }), fc.array(opArb, { maxLength: 30 }), async (retention, interval, ops) => {
        const stateDir = tempDir();
        const { store } = await openStore({ persistent: true, retention, interval, stateDir });
        const model = new VersionedModel(retention);
        const half = Math.floor(ops.length / 2);
        for (const op of ops.slice(0, half)) apply(store, model, op);
        store.flushCache();
        await store.commit(7);
        for (const op of ops.slice(half)) apply(store, model, op);
        await store.flush();
        expectSameReads(store, model);
        await store.close();
        const { store: reopened } = await openStore({ persistent: true, retention, interval, stateDir });
        expect(reopened.committedChangelogOffset()).toBe(7);
        expectSameReads(reopened, model);
        await reopened.close();
      }),
      { numRuns: 12 },
    );
  });
});

describe('RocksDBVersionedStoreTest (ported cases)', () => {
  const HISTORY = 300_000; // Kafka's test uses 300 s of history and 100 s segments
  const SEGMENT = 100_000;
  const BASE = 100_000;
  const fresh = async () => (await openStore({ persistent: true, retention: HISTORY, interval: SEGMENT })).store;

  it('shouldPutLatest / shouldPutOlderWithNonNullLatest: return codes are validTo or -1', async () => {
    const s = await fresh();
    expect(s.put('k', 'v', BASE)).toBe(PUT_RETURN_CODE_VALID_TO_UNDEFINED);
    expect(s.put('k', 'v2', BASE + 1)).toBe(PUT_RETURN_CODE_VALID_TO_UNDEFINED);
    expect(s.put('k', 'v0', BASE - 2)).toBe(BASE);
    expect(s.put('k', 'v1', BASE - 1)).toBe(BASE);
    expect(s.get('k')).toEqual({ value: 'v2', timestamp: BASE + 1 });
    expect(s.get('k', BASE - 2)).toEqual({ value: 'v0', timestamp: BASE - 2, validTo: BASE - 1 });
    expect(s.get('k', BASE - 1)).toEqual({ value: 'v1', timestamp: BASE - 1, validTo: BASE });
    expect(s.get('k', BASE)).toEqual({ value: 'v', timestamp: BASE, validTo: BASE + 1 });
    expect(s.get('k', BASE - 3)).toBeNull();
  });

  it('shouldPutOlderWithNullLatest: a tombstone ends the version before it', async () => {
    const s = await fresh();
    s.put('k', null, BASE);
    expect(s.put('k', 'v', BASE - 10)).toBe(BASE);
    expect(s.get('k')).toBeNull();
    expect(s.get('k', BASE - 5)).toEqual({ value: 'v', timestamp: BASE - 10, validTo: BASE });
    expect(s.get('k', BASE)).toBeNull();
  });

  it('shouldPutIntoMultipleSegments and read across them', async () => {
    const s = await fresh();
    s.put('k', 'v1', SEGMENT - 20);
    s.put('k', 'v2', SEGMENT + 20);
    s.put('k', 'v3', 2 * SEGMENT + 20);
    s.put('k', 'v4', 3 * SEGMENT + 20);
    expect(s.get('k', SEGMENT)).toEqual({ value: 'v1', timestamp: SEGMENT - 20, validTo: SEGMENT + 20 });
    expect(s.get('k', 2 * SEGMENT)).toEqual({ value: 'v2', timestamp: SEGMENT + 20, validTo: 2 * SEGMENT + 20 });
    expect(s.get('k', 3 * SEGMENT)).toEqual({ value: 'v3', timestamp: 2 * SEGMENT + 20, validTo: 3 * SEGMENT + 20 });
  });

  it('shouldNotPutExpired / shouldNotGetExpired, but the latest version never expires', async () => {
    const s = await fresh();
    s.put('k', 'old', BASE);
    s.put('other', 'x', BASE + HISTORY + 10); // stream time moves on
    expect(s.put('k', 'late', BASE + 5)).toBe(PUT_RETURN_CODE_NOT_PUT);
    expect(s.delete('k', BASE + 5)).toBeNull();
    expect(s.get('k')).toEqual({ value: 'old', timestamp: BASE });
    expect(s.get('k', BASE + 5)).toEqual({ value: 'old', timestamp: BASE }); // latest, ts ≤ asOf
    s.put('k', 'new', BASE + HISTORY + 10);
    expect(s.get('k', BASE + 5)).toBeNull(); // history beyond retention
    expect(s.get('k', BASE + 15)).toEqual({ value: 'old', timestamp: BASE, validTo: BASE + HISTORY + 10 });
  });

  it('shouldDelete: returns the version valid at the delete timestamp and inserts a tombstone', async () => {
    const s = await fresh();
    s.put('k', 'v', BASE);
    s.put('k', 'v2', BASE + 20);
    expect(s.delete('k', BASE + 10)).toEqual({ value: 'v', timestamp: BASE, validTo: BASE + 20 });
    expect(s.get('k', BASE + 10)).toBeNull();
    expect(s.get('k', BASE + 15)).toBeNull();
    expect(s.get('k')).toEqual({ value: 'v2', timestamp: BASE + 20 });
    expect(s.delete('k', BASE + 30)).toEqual({ value: 'v2', timestamp: BASE + 20 });
    expect(s.get('k')).toBeNull();
    expect(s.delete('missing', BASE + 30)).toBeNull();
  });

  it('logs each accepted version (key, value or null, version timestamp), never a rejected one', async () => {
    const { store: s, sent } = await openStore({ persistent: false, retention: 10 });
    s.put('k', 'a', 100);
    s.put('k', 'b', 95);
    s.put('k', 'c', 50); // expired: not put, not logged
    s.delete('k', 101);
    expect(sent.map((r) => [r.topic, r.partition, r.key?.toString(), r.value?.toString() ?? null, r.timestamp])).toEqual([
      ['app-s-changelog', 1, 'k', 'a', 100],
      ['app-s-changelog', 1, 'k', 'b', 95],
      ['app-s-changelog', 1, 'k', null, 101],
    ]);
  });
});

describe('history retention drops whole segments', () => {
  it('rows of segments older than stream time − retention leave the backing store', async () => {
    const backing = new InMemoryKeyValueStore('v');
    const store = new SegmentedVersionedStore('v', backing, 100, 10);
    await store.init(makeContext(tempDir(), [], new Map(), { now: 0 }));
    for (let t = 0; t < 50; t++) store.put(Buffer.from(`k${t % 5}`), Buffer.from(`v${t}`), t);
    const before = backing.approximateNumEntries();
    for (let t = 1000; t < 1005; t++) store.put(Buffer.from(`k${t % 5}`), Buffer.from(`v${t}`), t);
    // 5 latest rows, the moved versions of the last puts (segment 100) and the observed-time row
    expect(backing.approximateNumEntries()).toBeLessThan(before);
    expect(backing.approximateNumEntries()).toBe(5 + 5 + 1);
    expect(store.get(Buffer.from('k0'), 40)).toBeNull();
  });

  it('rejects bad timestamps and parameters with a clear error', async () => {
    expect(() => Stores.persistentVersionedKeyValueStore('v', -1)).toThrow(/historyRetentionMs must be a whole number of ms ≥ 0/);
    expect(() => Stores.inMemoryVersionedKeyValueStore('v', 10, 0)).toThrow(/segmentIntervalMs must be a whole number of ms ≥ 1/);
    const { store } = await openStore({ persistent: false, retention: 10 });
    expect(() => store.put('k', 'v', -5)).toThrow(/non-negative whole number of ms, got -5/);
    expect(() => store.put(null as unknown as string, 'v', 5)).toThrow(/keys must not be null/);
    expect(() => Stores.versionedKeyValueStoreBuilder(Stores.inMemoryVersionedKeyValueStore('v', 1), Serdes.string(), Serdes.string()).withCachingEnabled()).toThrow(/do not support caching/);
  });

  it('changelog topic: compacted, min.compaction.lag.ms = history retention + 1 day (Kafka VersionedChangelogTopicConfig)', () => {
    const b = Stores.versionedKeyValueStoreBuilder(Stores.persistentVersionedKeyValueStore('v', 60_000), Serdes.string(), Serdes.string());
    expect(b.logConfig()).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60_000 + 86_400_000) });
    expect(b.withLoggingEnabled({ 'min.compaction.lag.ms': '5' }).logConfig()['min.compaction.lag.ms']).toBe('5');
  });
});

describe('MultiVersionedKeyQuery on the store (KIP-968, cases after IQv2VersionedStoreIntegrationTest)', () => {
  // Kafka's test writes v1..v4 at 0, 25, 50 and 75 (history retention 100 s) and reads ranges.
  const seeded = async () => {
    const { store } = await openStore({ persistent: true, retention: 100_000, interval: 20 });
    ['v1', 'v2', 'v3', 'v4'].forEach((v, i) => store.put('k', v, i * 25));
    return store;
  };

  it('returns the versions valid in [from, to], newest first by default, ascending when asked', async () => {
    const s = await seeded();
    const q = MultiVersionedKeyQuery.withKey('k').fromTime(30).toTime(60);
    expect(s.getVersions(q.key, q.range)).toEqual([
      { value: 'v3', timestamp: 50, validTo: 75 },
      { value: 'v2', timestamp: 25, validTo: 50 },
    ]);
    const asc = q.withAscendingTimestamps();
    expect(s.getVersions(asc.key, asc.range).map((r) => r.value)).toEqual(['v2', 'v3']);
    expect(s.getVersions('k').map((r) => r.value)).toEqual(['v4', 'v3', 'v2', 'v1']);
    expect(s.getVersions('k', { fromTime: 80 })).toEqual([{ value: 'v4', timestamp: 75 }]);
    expect(s.getVersions('missing')).toEqual([]);
  });

  it('leaves tombstones out: a deleted interval has no version', async () => {
    const s = await seeded();
    s.delete('k', 60);
    expect(s.getVersions('k', { order: ResultOrder.ASCENDING })).toEqual([
      { value: 'v1', timestamp: 0, validTo: 25 },
      { value: 'v2', timestamp: 25, validTo: 50 },
      { value: 'v3', timestamp: 50, validTo: 60 },
      { value: 'v4', timestamp: 75 },
    ]);
  });

  it('rejects an empty or malformed range with an error naming the bound', async () => {
    const s = await seeded();
    expect(() => MultiVersionedKeyQuery.withKey('k').fromTime(10).toTime(5)).toThrow(/fromTime \(10\) is after toTime \(5\)/);
    expect(() => MultiVersionedKeyQuery.withKey(null)).toThrow(/key must not be null/);
    expect(() => s.getVersions('k', { fromTime: 1.5 })).toThrow(/fromTime must be a whole number of epoch ms/);
    expect(() => s.getVersions('k', { order: 'sideways' as never })).toThrow(/order must be "any", "ascending" or "descending"/);
  });
});
