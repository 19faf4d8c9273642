import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { segmentFileName } from '../../../src/broker/log/log-segment.ts';
import { simpleBatch, splitBatches, tempDir, buildBatch } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CONFIG = { segmentBytes: 2000, indexIntervalBytes: 150 };

/**
 * Fills a log, then copies its directory while it is still open: the copy is exactly what an
 * unclean stop leaves behind (no clean-shutdown marker, index entries not flushed).
 */
function crashedCopy(batches: number): { dir: string; acked: Array<{ base: number; last: number; bytes: Buffer }> } {
  const src = tempDir();
  const dst = tempDir();
  cleanups.push(src.remove, dst.remove);
  const log = PartitionLog.open({ dir: src.dir, config: CONFIG, fsync: 'never' });
  const acked: Array<{ base: number; last: number; bytes: Buffer }> = [];
  for (let i = 0; i < batches; i++) {
    const b = buildBatch([
      { key: Buffer.from(`k${i}`), value: Buffer.alloc(50 + (i % 7) * 30, i), timestamp: 10_000 + i * 10 },
      { key: null, value: Buffer.alloc(5), timestamp: 10_000 + i * 10 + 5 },
    ]);
    const info = log.append(b);
    acked.push({ base: info.baseOffset, last: info.lastOffset, bytes: Buffer.from(b) });
  }
  fs.cpSync(src.dir, dst.dir, { recursive: true });
  cleanups.push(() => log.close());
  return { dir: dst.dir, acked };
}

function lastSegmentPath(dir: string): string {
  const logs = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return path.join(dir, logs[logs.length - 1]!);
}

function readAll(log: PartitionLog): Array<{ baseOffset: number; bytes: Buffer }> {
  return splitBatches(log.read(log.logStartOffset, { maxBytes: 1 << 24 }).chunks);
}

function open(dir: string): PartitionLog {
  const log = PartitionLog.open({ dir, config: CONFIG, fsync: 'never' });
  cleanups.push(() => log.close());
  return log;
}

describe('PartitionLog recovery', () => {
  it('keeps every batch after an unclean stop with a sound tail, and rebuilds indexes', () => {
    const { dir, acked } = crashedCopy(60);
    const log = open(dir);
    expect(log.recovery.clean).toBe(false);
    expect(log.recovery.truncatedBytes).toBe(0);
    expect(log.logEndOffset).toBe(acked[acked.length - 1]!.last + 1);
    const got = readAll(log);
    expect(got.map((b) => b.baseOffset)).toEqual(acked.map((a) => a.base));
    got.forEach((b, i) => expect(b.bytes.equals(acked[i]!.bytes)).toBe(true));
  });

  it('truncates a segment cut in the middle of its last batch and continues from there', () => {
    const { dir, acked } = crashedCopy(40);
    const file = lastSegmentPath(dir);
    fs.truncateSync(file, fs.statSync(file).size - 20);
    const log = open(dir);
    expect(log.recovery.truncatedBytes).toBe(acked[acked.length - 1]!.bytes.length - 20);
    const survivors = acked.slice(0, -1);
    expect(log.logEndOffset).toBe(survivors[survivors.length - 1]!.last + 1);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual(survivors.map((a) => a.base));
    const next = log.append(simpleBatch(1));
    expect(next.baseOffset).toBe(acked[acked.length - 1]!.base);
    expect(fs.statSync(file).size).toBeGreaterThan(0);
  });

  it('repairs a last batch cut after a clean stop (marker present)', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const first = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
    for (let i = 0; i < 30; i++) first.append(simpleBatch(2, 80));
    await first.close();
    const file = lastSegmentPath(t.dir);
    fs.truncateSync(file, fs.statSync(file).size - 7);
    const log = open(t.dir);
    expect(log.recovery.clean).toBe(true);
    expect(log.recovery.truncatedBytes).toBeGreaterThan(0);
    expect(log.recovery.problem).not.toBeNull();
    expect(log.logEndOffset).toBe(58);
    expect(log.append(simpleBatch(1)).baseOffset).toBe(58);
    expect(readAll(log).map((b) => b.baseOffset).slice(-2)).toEqual([56, 58]);
  });

  it('truncates a last batch whose bytes were corrupted (CRC mismatch)', () => {
    const { dir, acked } = crashedCopy(40);
    const file = lastSegmentPath(dir);
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from([0xaa]), 0, 1, size - 3);
    fs.closeSync(fd);
    const log = open(dir);
    expect(log.recovery.problem).toMatch(/CRC/);
    expect(readAll(log).map((b) => b.baseOffset)).toEqual(acked.slice(0, -1).map((a) => a.base));
  });

  it('rebuilds deleted index files after a clean stop, with lookups still correct', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    let log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
    for (let i = 0; i < 50; i++) log.append(buildBatch([{ value: Buffer.alloc(100), timestamp: 1000 + i }]));
    await log.close();
    const indexFiles = fs.readdirSync(t.dir).filter((f) => f.endsWith('.index') || f.endsWith('.timeindex'));
    const before = new Map(indexFiles.map((f) => [f, fs.readFileSync(path.join(t.dir, f))]));
    expect(before.get(segmentFileName(0, '.index'))!.length).toBeGreaterThan(0);
    for (const f of indexFiles) fs.rmSync(path.join(t.dir, f));
    log = open(t.dir);
    expect(log.recovery.clean).toBe(true);
    expect(log.recovery.rebuiltIndexes).toBe(indexFiles.filter((f) => f.endsWith('.index')).length);
    await log.close();
    for (const [f, bytes] of before) expect(fs.readFileSync(path.join(t.dir, f)).equals(bytes)).toBe(true);
    log = open(t.dir);
    expect(log.listOffset(1030)).toEqual({ offset: 30, timestamp: 1030 });
    expect(splitBatches(log.read(37, { maxBytes: 1 }).chunks).map((b) => b.baseOffset)).toEqual([37]);
  });

  it('rejects a malformed index file and rebuilds it', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    let log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
    for (let i = 0; i < 30; i++) log.append(simpleBatch(1, 100));
    await log.close();
    fs.writeFileSync(path.join(t.dir, segmentFileName(0, '.index')), Buffer.alloc(16)); // two zero entries
    log = open(t.dir);
    for (let o = 0; o < log.logEndOffset; o += 7) {
      expect(splitBatches(log.read(o, { maxBytes: 1 }).chunks)[0]!.baseOffset).toBe(o);
    }
  });

  it('after an unclean stop re-verifies only segments from the recovery point, losing no acknowledged batch', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'acks-all' });
    cleanups.push(() => log.close());
    const acked: number[] = [];
    for (let i = 0; i < 40; i++) {
      const info = log.append(simpleBatch(1, 150));
      await log.waitDurable(info.lastOffset);
      acked.push(info.baseOffset);
    }
    await log.flusher.idle();
    const copy = tempDir();
    cleanups.push(copy.remove);
    fs.cpSync(t.dir, copy.dir, { recursive: true });
    const reopened = open(copy.dir);
    expect(reopened.recovery).toMatchObject({ clean: false, recoveredSegments: 1, truncatedBytes: 0 });
    expect(readAll(reopened).map((b) => b.baseOffset)).toEqual(acked);
  });

  it('persists logStartOffset and keeps it after an unclean stop', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
    cleanups.push(() => log.close());
    for (let i = 0; i < 10; i++) log.append(simpleBatch(2));
    await log.deleteRecordsBefore(7);
    const copy = tempDir();
    cleanups.push(copy.remove);
    fs.cpSync(t.dir, copy.dir, { recursive: true });
    const reopened = open(copy.dir);
    expect(reopened.logStartOffset).toBe(7);
    expect(() => reopened.read(6, { maxBytes: 100 })).toThrow(/outside the log range/);
    // the batch holding offset 7 starts at 6; reads return it whole
    expect(splitBatches(reopened.read(7, { maxBytes: 1 }).chunks)[0]!.baseOffset).toBe(6);
  });
});
