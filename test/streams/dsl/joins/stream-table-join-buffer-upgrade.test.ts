// Upgrading a stream–table join buffer from Tributary's earlier layout (changelog key = ts ‖ key
// ‖ seq, value = headers ‖ value): its changelog restores, its LevelDB rows are rewritten in
// place, the waiting records are all joined once, and at the next commit each old record gets a
// tombstone before its entry is logged under Kafka's key — so restoring the whole changelog
// afterwards (old records, tombstones, new records) yields the same entries, none twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRecord, type StreamRecord } from '../../../../src/streams/processor/record.ts';
import { StreamTableJoinBuffer } from '../../../../src/streams/dsl/joins/stream-table-join-buffer.ts';
import { bufferKey, isBufferKey } from '../../../../src/streams/dsl/joins/stream-table-join-buffer-codec.ts';
import { LevelDbKeyValueStore } from '../../../../src/streams/state/leveldb-key-value-store.ts';
import type { RestoreRecord } from '../../../../src/streams/state/bytes-store.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { CollectedRecord } from '../../../../src/streams/state/store-types.ts';
import { makeContext } from '../../state/store-suite.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-join-buffer-upgrade-'));
  dirs.push(dir);
  return dir;
};

/** The earlier changelog key: i64 timestamp ‖ key bytes ‖ i32 sequence. */
function legacyKey(key: string, ts: number, seq: number): Buffer {
  const k = Buffer.from(key);
  const b = Buffer.alloc(12 + k.length);
  b.writeBigInt64BE(BigInt(ts), 0);
  k.copy(b, 8);
  b.writeInt32BE(seq, 8 + k.length);
  return b;
}

/** The earlier value: i32 header count ‖ (i32 name length ‖ name ‖ i32 value length ‖ value)* ‖ value. */
function legacyValue(value: string, headers: Record<string, string> = {}): Buffer {
  const parts: Buffer[] = [];
  const int = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n, 0);
    return b;
  };
  parts.push(int(Object.keys(headers).length));
  for (const [n, v] of Object.entries(headers)) parts.push(int(Buffer.byteLength(n)), Buffer.from(n), int(Buffer.byteLength(v)), Buffer.from(v));
  parts.push(Buffer.from(value));
  return Buffer.concat(parts);
}

async function open(sent: CollectedRecord[], backing?: LevelDbKeyValueStore, dir = tempDir()) {
  const b = new StreamTableJoinBuffer<string, string>('j-Buffer', 10, Serdes.string(), Serdes.string(), true, backing);
  await b.init(makeContext(dir, sent, new Map(), { now: 0 }));
  return b;
}

function take(b: StreamTableJoinBuffer<string, string>) {
  const out: Array<StreamRecord<string, string>> = [];
  b.evictWhile(() => true, (r) => out.push(r));
  return out.map((r) => [r.key, r.value, r.timestamp, Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()]))]);
}

const asRestore = (records: Array<{ key: Buffer | null; value: Buffer | null }>, from = 0): RestoreRecord[] =>
  records.map((r, i) => ({ key: r.key!, value: r.value, offset: from + i }));

/**
 * After the first commit: a tombstone for each old key, all before the first entry logged under
 * its Kafka key (a tombstone under a Kafka key, for an entry restored and then removed, may come
 * with them: it deletes nothing).
 */
function expectRewritten(sent: CollectedRecord[], oldKeys: Buffer[]): void {
  const isOld = (k: Buffer) => oldKeys.some((o) => o.equals(k));
  const oldTombstones = sent.flatMap((r, i) => (r.value === null && isOld(r.key!) ? [i] : []));
  expect(oldTombstones.map((i) => sent[i]!.key!.toString('hex')).sort()).toEqual(oldKeys.map((k) => k.toString('hex')).sort());
  const firstEntry = sent.findIndex((r) => r.value !== null);
  expect(firstEntry).toBeGreaterThan(Math.max(...oldTombstones));
  for (const r of sent) if (!isOld(r.key!)) expect(isBufferKey(r.key!)).toBe(true);
}

describe('StreamTableJoinBuffer upgrade from the earlier layout', () => {
  it('restores an earlier changelog, rewrites it at the next commit, and restores the rewritten changelog to the same entries', async () => {
    const old = [
      { key: legacyKey('k1', 1, 0), value: legacyValue('v1', { h: 'x' }) },
      { key: legacyKey('k2', 2, 1), value: legacyValue('v2', { h: 'y' }) },
      { key: legacyKey('k1', 1, 0), value: null }, // k1 was joined before the upgrade
      { key: legacyKey('k3', 12, 2), value: legacyValue('v3') },
    ];
    const sent: CollectedRecord[] = [];
    const b = await open(sent);
    await b.restore(asRestore(old));
    expect(b.numRecords()).toBe(2);
    expect(b.put(makeRecord('late', 'x', 1))).toBe(false); // observed time 12 came back
    b.flushCache();
    expectRewritten(sent, [legacyKey('k2', 2, 1), legacyKey('k3', 12, 2)]);
    expect(b.put(makeRecord('k4', 'v4', 13))).toBe(true); // sequence continues after the restored 2
    b.flushCache();
    expect(sent.at(-1)!.key).toEqual(bufferKey(Buffer.from('k4'), 13, 3));

    const whole = [...old, ...sent];
    const again = await open([]);
    await again.restore(asRestore(whole));
    expect(again.numRecords()).toBe(3);
    again.put(makeRecord('z', 'z', 40));
    expect(take(again)).toEqual([
      ['k2', 'v2', 2, { h: 'y' }],
      ['k3', 'v3', 12, {}],
      ['k4', 'v4', 13, {}],
    ]);
  });

  it('rewrites LevelDB rows an earlier version committed, and logs them under their Kafka keys', async () => {
    const dir = tempDir();
    const raw = new LevelDbKeyValueStore('j-Buffer');
    await raw.init(makeContext(dir, [], new Map(), { now: 0 }));
    raw.put(Buffer.concat([Buffer.from([0]), legacyKey('a', 4, 0)]), legacyValue('va', { h: 'x' }));
    raw.put(Buffer.concat([Buffer.from([0]), legacyKey('b', 12, 1)]), legacyValue('vb'));
    const state = Buffer.alloc(12); // the earlier state row: observed time ‖ next sequence
    state.writeBigInt64BE(12n, 0);
    state.writeInt32BE(2, 8);
    raw.put(Buffer.concat([Buffer.from([1]), Buffer.from('buffer-state')]), state);
    raw.flushCache();
    await raw.commit(2);
    await raw.close();

    const sent: CollectedRecord[] = [];
    const b = await open(sent, new LevelDbKeyValueStore('j-Buffer'), dir);
    expect(b.numRecords()).toBe(2);
    expect(b.put(makeRecord('late', 'x', 1))).toBe(false);
    b.flushCache();
    await b.commit(5);
    expectRewritten(sent, [legacyKey('a', 4, 0), legacyKey('b', 12, 1)]);
    await b.close();

    // reopened: already in Kafka's layout, nothing rewritten again
    const sent2: CollectedRecord[] = [];
    const reopened = await open(sent2, new LevelDbKeyValueStore('j-Buffer'), dir);
    expect(reopened.numRecords()).toBe(2);
    reopened.flushCache();
    expect(sent2).toEqual([]);
    reopened.put(makeRecord('z', 'z', 30));
    expect(take(reopened)).toEqual([
      ['a', 'va', 4, { h: 'x' }],
      ['b', 'vb', 12, {}],
    ]);
    await reopened.close();
  });
});
