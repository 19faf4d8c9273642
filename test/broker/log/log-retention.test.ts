import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { planRetention } from '../../../src/broker/log/log-retention.ts';
import { resolveLogConfig, type LogConfig } from '../../../src/broker/log/log-config.ts';
import { buildBatch, simpleBatch, splitBatches, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openLog(config: Partial<LogConfig>, clock: { now: number }): { log: PartitionLog; dir: string } {
  const t = tempDir();
  cleanups.push(t.remove);
  const log = PartitionLog.open({ dir: t.dir, config, fsync: 'never', now: () => clock.now });
  cleanups.push(() => log.close());
  return { log, dir: t.dir };
}

/** Ten segments of two batches each; batch i has timestamp 1000 * (i + 1). */
function fill(log: PartitionLog): void {
  for (let i = 0; i < 20; i++) log.append(buildBatch([{ key: Buffer.from(`k${i}`), value: Buffer.alloc(300), timestamp: 1000 * (i + 1) }]));
}

describe('retention', () => {
  it('deletes segments older than retention.ms and moves the log start', async () => {
    const clock = { now: 0 };
    const { log, dir } = openLog({ segmentBytes: 800, retentionMs: 10_000 }, clock);
    fill(log);
    expect(log.segmentCount).toBe(10);
    clock.now = 20_500; // segments whose newest batch is older than 10_500 go: the first five
    const res = await log.deleteOldSegments();
    expect(res).toMatchObject({ deletedSegments: 5, reason: 'retention-ms', logStartOffset: 10 });
    expect(log.listOffset(-2)).toEqual({ offset: 10, timestamp: -1 });
    expect(() => log.read(9, { maxBytes: 100 })).toThrow(/outside the log range/);
    expect(splitBatches(log.read(10, { maxBytes: 1 }).chunks)[0]!.baseOffset).toBe(10);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.log'))).toHaveLength(5);
    clock.now = 1e9; // everything is old, but the active segment stays
    await log.deleteOldSegments();
    expect(log.segmentCount).toBe(1);
    expect(log.logStartOffset).toBe(18);
    expect(log.logEndOffset).toBe(20);
  });

  it('deletes the oldest segments while the total exceeds retention.bytes', async () => {
    const clock = { now: 0 };
    const { log } = openLog({ segmentBytes: 800, retentionBytes: 2500, retentionMs: -1 }, clock);
    fill(log);
    const segBytes = log.sizeInBytes / 10;
    const res = await log.deleteOldSegments();
    expect(res.reason).toBe('retention-bytes');
    // As in Kafka: whole segments go while what remains would still hold ≥ retention.bytes.
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(2500);
    expect(log.sizeInBytes - segBytes).toBeLessThan(2500);
    expect(res.deletedSegments).toBe(6);
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets()[0]);
  });

  it('does nothing when retention is disabled or the policy is compact', async () => {
    const clock = { now: 1e12 };
    const { log } = openLog({ segmentBytes: 800, retentionMs: -1, retentionBytes: -1 }, clock);
    fill(log);
    expect((await log.deleteOldSegments()).deletedSegments).toBe(0);
    const { log: compacted } = openLog({ segmentBytes: 800, retentionMs: 1, retentionBytes: 1, cleanupPolicy: 'compact' }, clock);
    fill(compacted);
    expect((await compacted.deleteOldSegments()).deletedSegments).toBe(0);
  });

  it('deleteRecordsBefore moves the start inside a segment, deletes whole segments below it, and survives reopening', async () => {
    const clock = { now: 0 };
    const { log, dir } = openLog({ segmentBytes: 800, retentionMs: -1 }, clock);
    fill(log);
    expect(await log.deleteRecordsBefore(7)).toBe(7);
    expect(log.segmentBaseOffsets()[0]).toBe(6);
    expect(await log.deleteRecordsBefore(3)).toBe(7); // never backwards
    await expect(log.deleteRecordsBefore(21)).rejects.toMatchObject({ code: 1 });
    await log.close();
    const reopened = PartitionLog.open({ dir, fsync: 'never' });
    cleanups.push(() => reopened.close());
    expect(reopened.logStartOffset).toBe(7);
    expect(await reopened.deleteRecordsBefore(20)).toBe(20);
    expect(reopened.segmentCount).toBe(1);
    expect(reopened.read(20, { maxBytes: 100 }).chunks).toEqual([]);
    expect(reopened.append(simpleBatch(1)).baseOffset).toBe(20);
  });

  it('planRetention considers only a prefix and never the active segment', () => {
    const cfg = resolveLogConfig({ retentionMs: 100 });
    const segs = [
      { baseOffset: 0, size: 10, maxTimestamp: 0, modifiedAt: 0 },
      { baseOffset: 5, size: 10, maxTimestamp: 1000, modifiedAt: 0 }, // young: blocks the old one after it
      { baseOffset: 9, size: 10, maxTimestamp: 0, modifiedAt: 0 },
      { baseOffset: 12, size: 10, maxTimestamp: 0, modifiedAt: 0 },
    ];
    expect(planRetention(segs, cfg, 0, 1050)).toEqual({ count: 1, reason: 'retention-ms' });
    expect(planRetention(segs, cfg, 0, 5000)).toEqual({ count: 3, reason: 'retention-ms' });
    expect(planRetention(segs, resolveLogConfig({ retentionMs: -1 }), 9, 5000)).toEqual({ count: 2, reason: 'log-start' });
    // no timestamps: the file modification time decides
    expect(planRetention([{ baseOffset: 0, size: 1, maxTimestamp: -1, modifiedAt: 4000 }, segs[3]!], cfg, 0, 4050).count).toBe(0);
  });
});
