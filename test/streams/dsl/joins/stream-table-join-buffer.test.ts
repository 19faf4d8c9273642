// The grace-period buffer of stream–table joins: eviction order (timestamp, key bytes, arrival),
// the late-record refusal, and a restore from its changelog that brings back exactly the
// records still waiting (so a restarted join emits them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRecord, type StreamRecord } from '../../../../src/streams/processor/record.ts';
import { StreamTableJoinBuffer } from '../../../../src/streams/dsl/joins/stream-table-join-buffer.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { makeContext } from '../../state/store-suite.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(sent: CollectedRecord[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-join-buffer-'));
  dirs.push(dir);
  const b = new StreamTableJoinBuffer<string, string>('j-Buffer', 10, Serdes.string(), Serdes.string(), true);
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
});
