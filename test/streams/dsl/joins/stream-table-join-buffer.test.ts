// The grace-period buffer of stream–table joins: eviction order (timestamp, key bytes, arrival),
// the late-record refusal, Kafka's changelog bytes written and a Java changelog restored, and a restore from its changelog that brings back exactly the
// records still waiting (so a restarted join emits them); on LevelDB, a reopened store holds
// what it had committed, against a reference model (fast-check).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRecord, type StreamRecord } from '../../../../src/streams/processor/record.ts';
import { StreamTableJoinBuffer, StreamTableJoinBufferFactory } from '../../../../src/streams/dsl/joins/stream-table-join-buffer.ts';
import { LevelDbKeyValueStore } from '../../../../src/streams/state/leveldb-key-value-store.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { makeContext } from '../../state/store-suite.ts';
import { bufferKey, keySequence } from '../../../../src/streams/dsl/joins/stream-table-join-buffer-codec.ts';

// Hand-written from Kafka's code (see stream-table-join-buffer-codec.test.ts): key "k" at 5,
// sequence 1; value "v" from topic "in", partition 0, offset 7, header h = "x".
const JAVA_KEY = Buffer.from('0000000000000000056b00000001', 'hex');
const JAVA_VALUE = Buffer.from(
  '0000000000000005' + '0000000000000007' + '00000002696e' + '00000000' + '00000001' + '0000000168' + '0000000178' + 'ffffffff' + 'ffffffff' + '0000000176' + '0000000000000000',
  'hex',
);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-join-buffer-'));
  dirs.push(dir);
  return dir;
}

async function open(sent: CollectedRecord[], persistentDir?: string) {
  const dir = persistentDir ?? tempDir();
  const backing = persistentDir === undefined ? undefined : new LevelDbKeyValueStore('j-Buffer');
  const b = new StreamTableJoinBuffer<string, string>('j-Buffer', 10, Serdes.string(), Serdes.string(), true, backing);
  await b.init(makeContext(dir, sent, new Map(), { now: 0 }));
  return b;
}

const take = (b: StreamTableJoinBuffer<string, string>) => {
  const out: Array<StreamRecord<string, string>> = [];
  b.evictWhile(() => true, (r) => out.push(r));
  return out.map((r) => [r.key, r.value, r.timestamp, Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()]))]);
};

describe('StreamTableJoinBuffer', () => {
  it('evicts by timestamp, then key bytes, then arrival, once stream time passes them by the grace', async () => {
    const b = await open([]);
    expect(b.put(makeRecord('b', 'b1', 5))).toBe(true);
    expect(b.put(makeRecord('a', 'a1', 5))).toBe(true);
    expect(b.put(makeRecord('b', 'b2', 5))).toBe(true);
    expect(b.put(makeRecord('c', 'c1', 3))).toBe(true);
    expect(take(b)).toEqual([]);
    expect(b.put(makeRecord('z', 'z', 15))).toBe(true);
    expect(take(b)).toEqual([['c', 'c1', 3, {}], ['a', 'a1', 5, {}], ['b', 'b1', 5, {}], ['b', 'b2', 5, {}]]);
    expect(b.put(makeRecord('late', 'x', 4))).toBe(false); // 15 − 10 > 4
    expect(b.numRecords()).toBe(1);
  });

  it('restores the waiting records (with headers) from its changelog, and not the evicted ones', async () => {
    const sent: CollectedRecord[] = [];
    const b = await open(sent);
    b.put(makeRecord('k1', 'v1', 1, { h: Buffer.from('x') }));
    b.put(makeRecord('k2', 'v2', 2));
    b.flushCache();
    b.put(makeRecord('k3', 'v3', 12)); // evicts k1 (≤ 2)
    expect(take(b)).toEqual([['k1', 'v1', 1, { h: 'x' }], ['k2', 'v2', 2, {}]]);
    b.put(makeRecord('k4', 'v4', 13));
    b.flushCache();
    const restored = await open([]);
    await restored.restore(sent.map((r, offset) => ({ key: r.key!, value: r.value, offset, timestamp: r.timestamp })));
    expect(restored.committedChangelogOffset()).toBe(sent.length);
    expect(restored.numRecords()).toBe(2);
    expect(restored.put(makeRecord('late', 'x', 1))).toBe(false); // observed time came back too
    restored.put(makeRecord('k5', 'v5', 30));
    expect(take(restored)).toEqual([['k3', 'v3', 12, {}], ['k4', 'v4', 13, {}]]);
  });

  it("logs Kafka's bytes: time-first key, BufferValue with the record's origin, then a tombstone once joined", async () => {
    const sent: CollectedRecord[] = [];
    const b = await open(sent);
    b.put(makeRecord('k', 'v', 5, { h: Buffer.from('x') }), { topic: 'in', partition: 0, offset: 7 });
    b.flushCache();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.key).toEqual(JAVA_KEY);
    expect(sent[0]!.value!.toString('hex')).toBe(JAVA_VALUE.toString('hex'));
    expect(sent[0]!.headers).toBeUndefined();
    b.put(makeRecord('k', 'w', 20));
    expect(take(b)).toEqual([['k', 'v', 5, { h: 'x' }]]);
    b.flushCache();
    expect(sent.slice(1).map((r) => [r.key!.toString('hex'), r.value === null]).sort()).toEqual([
      [JAVA_KEY.toString('hex'), true],
      [bufferKey(Buffer.from('k'), 20, 2).toString('hex'), false],
    ]);
  });

  it('restores a changelog a Java application wrote, and numbers its own entries after it', async () => {
    const sent: CollectedRecord[] = [];
    const b = await open(sent);
    const other = bufferKey(Buffer.from('a'), 3, 1);
    const otherValue = Buffer.from(JAVA_VALUE);
    otherValue.writeBigInt64BE(3n, 0); // the context timestamp: the record's own
    await b.restore([
      { key: JAVA_KEY, value: JAVA_VALUE, offset: 0 },
      { key: other, value: otherValue, offset: 1 },
      { key: other, value: null, offset: 2 },
    ]);
    expect(b.numRecords()).toBe(1);
    expect(b.put(makeRecord('k', 'w', 5))).toBe(true);
    b.flushCache();
    expect(sent.map((r) => keySequence(r.key!))).toEqual([2]); // restored sequence 1, so 2 next
    b.put(makeRecord('z', 'z', 30));
    expect(take(b)).toEqual([['k', 'v', 5, { h: 'x' }], ['k', 'w', 5, {}]]);
  });

  it('refuses a record with a negative timestamp (the join handles it at once)', async () => {
    const b = await open([]);
    expect(b.put(makeRecord('k', 'v', -1))).toBe(false);
    expect(b.numRecords()).toBe(0);
  });

  it('is kept in LevelDB unless the store type is memory (as Kafka keeps it in RocksDB)', () => {
    const f = new StreamTableJoinBufferFactory('j-Buffer', 10, Serdes.string(), Serdes.string());
    expect(f.build({ defaultStoreType: 'leveldb' } as never).persistent).toBe(true);
    expect(f.build({ defaultStoreType: 'memory' } as never).persistent).toBe(false);
  });
});

type Op = { kind: 'put'; key: string; ts: number } | { kind: 'commit' } | { kind: 'crash' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c'), ts: fc.nat(60) }), weight: 6 },
  { arbitrary: fc.constant({ kind: 'commit' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'crash' as const }), weight: 1 },
);

describe('StreamTableJoinBuffer on LevelDB against a reference model (fast-check)', () => {
  it('joins every accepted record exactly once, in (timestamp, key, arrival) order, across crashes after a commit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (ops) => {
        const dir = tempDir();
        // the model: records waiting, as of the last commit and now; what was emitted since it
        type W = { key: string; value: string; ts: number; n: number };
        let waiting: W[] = [];
        let committed: { waiting: W[]; observed: number } = { waiting: [], observed: -1 };
        let observed = -1;
        let n = 0;
        let b = await open([], dir);
        const order = (x: W, y: W) => x.ts - y.ts || Buffer.compare(Buffer.from(x.key), Buffer.from(y.key)) || x.n - y.n;
        for (const op of ops) {
          if (op.kind === 'put') {
            const value = `v${n}`;
            const accepted = b.put(makeRecord(op.key, value, op.ts));
            expect(accepted).toBe(op.ts >= observed - 10);
            if (!accepted) continue;
            waiting.push({ key: op.key, value, ts: op.ts, n: n++ });
            observed = Math.max(observed, op.ts);
            const due = waiting.filter((w) => w.ts <= observed - 10).sort(order);
            waiting = waiting.filter((w) => w.ts > observed - 10);
            expect(take(b).map(([k, v, t]) => [k, v, t])).toEqual(due.map((w) => [w.key, w.value, w.ts]));
          } else if (op.kind === 'commit') {
            b.flushCache();
            await b.commit(n);
            committed = { waiting: [...waiting], observed };
          } else {
            await b.close(); // uncommitted writes are lost, as in a kill -9
            b = await open([], dir);
            waiting = [...committed.waiting];
            observed = committed.observed;
          }
          expect(b.numRecords()).toBe(waiting.length);
        }
        await b.close();
      }),
      { numRuns: 25 },
    );
  });
});
