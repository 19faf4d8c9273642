/*
 * The KIP-534 delete horizon as the cleaner writes it: attribute bit 6 and baseTimestamp hold
 * the horizon, record timestamps are unchanged, and a partition whose horizon has passed is
 * cleaned again without being dirty. Also: the swap deletes the replaced segments' .txnindex.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner.ts';
import { deleteHorizonOf } from '../../../src/broker/log/cleaner-filter.ts';
import { segmentFileName } from '../../../src/broker/log/log-segment.ts';
import { DERIVED_SUFFIXES } from '../../../src/broker/log/segment-swap.ts';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { Attributes } from '../../../src/protocol/records/batch-header.ts';
import { buildBatch, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CONFIG = { segmentBytes: 300, cleanupPolicy: 'compact' as const, deleteRetentionMs: 1000, indexIntervalBytes: 100 };

function openLog(): PartitionLog {
  const t = tempDir();
  cleanups.push(t.remove);
  const log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
  cleanups.push(() => log.close());
  return log;
}

const batchesOf = (log: PartitionLog) => decodeRecords(Buffer.concat(log.read(log.logStartOffset, { maxBytes: 1 << 20 }).chunks));

describe('cleaner delete horizon', () => {
  it('stamps the horizon into a batch keeping a tombstone, keeps record timestamps, and cleans again once it has passed', async () => {
    const log = openLog();
    log.append(buildBatch([{ key: Buffer.from('gone'), value: null, timestamp: 700 }, { key: Buffer.from('live'), value: Buffer.from('v'), timestamp: 750 }]));
    for (let i = 0; i < 6; i++) log.append(buildBatch([{ key: Buffer.from(`other${i}`), value: Buffer.alloc(40), timestamp: 800 }]));
    let now = 5000;
    const cleaner = new LogCleaner({ now: () => now, fsync: false });
    await cleaner.clean(log, { force: true });
    const first = batchesOf(log)[0]!;
    expect(first.header.attributes & Attributes.hasDeleteHorizon).toBe(Attributes.hasDeleteHorizon);
    expect(deleteHorizonOf(first.header)).toBe(6000);
    expect(first.header.maxTimestamp).toBe(750);
    expect(first.records.map((r) => [r.key!.toString(), r.value?.toString() ?? null, r.timestamp])).toEqual([
      ['gone', null, 700],
      ['live', 'v', 750],
    ]);
    // nothing is dirty: a normal (not forced) run skips until the horizon has passed
    now = 5999;
    expect(cleaner.horizonPassed(log)).toBe(false);
    expect(await cleaner.clean(log)).toBeNull();
    now = 6000;
    expect(cleaner.horizonPassed(log)).toBe(true);
    expect(await cleaner.clean(log)).toMatchObject({ tombstonesRemoved: 1 });
    const after = batchesOf(log)[0]!;
    expect(after.records.map((r) => [r.key!.toString(), r.timestamp])).toEqual([['live', 750]]);
    // the horizon stays in the header (as in Kafka); there is nothing left for it to remove
    expect(deleteHorizonOf(after.header)).toBe(6000);
    expect(cleaner.horizonPassed(log)).toBe(false);
  });

  it('leaves a batch without tombstones unstamped and byte-identical when none of its records goes', async () => {
    const log = openLog();
    for (let i = 0; i < 8; i++) log.append(buildBatch([{ key: Buffer.from(`k${i}`), value: Buffer.alloc(40, i), timestamp: 10 }]));
    const before = log.read(0, { maxBytes: 1 << 20 }).chunks.map((c) => Buffer.from(c));
    const cleaner = new LogCleaner({ now: () => 5000, fsync: false });
    await cleaner.clean(log, { force: true });
    expect(Buffer.concat(log.read(0, { maxBytes: 1 << 20 }).chunks)).toEqual(Buffer.concat(before));
    expect(cleaner.horizonPassed(log)).toBe(false);
  });

  it('deletes the replaced segments’ derived caches (.txnindex) with them', async () => {
    const log = openLog();
    for (let i = 0; i < 8; i++) log.append(buildBatch([{ key: Buffer.from('same'), value: Buffer.alloc(40, i) }]));
    const inactive = log.segmentBaseOffsets().slice(0, -1);
    expect(inactive.length).toBeGreaterThan(1);
    const derived = inactive.flatMap((b) => DERIVED_SUFFIXES.map((s) => path.join(log.dir, segmentFileName(b, s))));
    for (const f of derived) fs.writeFileSync(f, 'stale');
    await new LogCleaner({ fsync: false }).clean(log, { force: true });
    expect(derived.filter((f) => fs.existsSync(f))).toEqual([]);
  });
});
