import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { LogError } from '../../../src/broker/log/log-errors.ts';
import { Attributes, Offsets, readBatchHeader } from '../../../src/protocol/records/batch-header.ts';
import { buildBatch, simpleBatch, splitBatches, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openLog(config: Parameters<typeof PartitionLog.open>[0]['config'] = {}, dir?: string): { log: PartitionLog; dir: string } {
  let d = dir;
  if (d === undefined) {
    const t = tempDir();
    cleanups.push(t.remove);
    d = t.dir;
  }
  const log = PartitionLog.open({ dir: d, name: 'test-0', config, fsync: 'never' });
  cleanups.push(() => log.close());
  return { log, dir: d };
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LogError) return e.code;
    throw e;
  }
  return undefined;
}

describe('PartitionLog append and read', () => {
  it('assigns consecutive offsets and serves the stored bytes', () => {
    const { log } = openLog();
    const a = log.append(simpleBatch(3));
    const b = log.append(simpleBatch(2));
    expect(a).toMatchObject({ baseOffset: 0, lastOffset: 2, logAppendTime: -1, logStartOffset: 0 });
    expect(b).toMatchObject({ baseOffset: 3, lastOffset: 4 });
    expect(log.logEndOffset).toBe(5);
    const r = log.read(3, { maxBytes: 1 << 20 });
    const batches = splitBatches(r.chunks);
    expect(batches.map((x) => [x.baseOffset, x.lastOffset])).toEqual([[3, 4]]);
    expect(r).toMatchObject({ highWatermark: 5, logEndOffset: 5, logStartOffset: 0 });
    // offsets inside a batch return the whole batch that holds them
    expect(splitBatches(log.read(1, { maxBytes: 1 << 20 }).chunks).map((x) => x.baseOffset)).toEqual([0, 3]);
  });

  it('reads at the log end return nothing and beyond it throw OFFSET_OUT_OF_RANGE', () => {
    const { log } = openLog();
    log.append(simpleBatch(2));
    expect(log.read(2, { maxBytes: 100 }).chunks).toEqual([]);
    expect(codeOf(() => log.read(3, { maxBytes: 100 }))).toBe(1);
    expect(codeOf(() => log.read(-1, { maxBytes: 100 }))).toBe(1);
  });

  it('returns one whole batch even when it exceeds maxBytes, and none beyond maxOffset', () => {
    const { log } = openLog();
    log.append(simpleBatch(1, 500));
    log.append(simpleBatch(1, 500));
    const r = log.read(0, { maxBytes: 10 });
    expect(splitBatches(r.chunks).map((b) => b.baseOffset)).toEqual([0]);
    expect(log.read(0, { maxBytes: 10, minOneBatch: false }).chunks).toEqual([]);
    expect(splitBatches(log.read(0, { maxBytes: 1 << 20, maxOffset: 1 }).chunks).map((b) => b.baseOffset)).toEqual([0]);
  });

  it('rejects invalid batches with Kafka codes and writes nothing', () => {
    const { log } = openLog({ maxMessageBytes: 400 });
    log.append(simpleBatch(1));
    const sizeBefore = log.sizeInBytes;
    const badCrc = simpleBatch(2);
    badCrc.writeUInt8(badCrc.readUInt8(badCrc.length - 1) ^ 0xff, badCrc.length - 1);
    expect(codeOf(() => log.append(badCrc))).toBe(2);
    const torn = simpleBatch(2).subarray(0, 70);
    expect(codeOf(() => log.append(torn))).toBe(2);
    expect(codeOf(() => log.append(Buffer.alloc(0)))).toBe(2);
    const magic1 = simpleBatch(1);
    magic1.writeInt8(1, Offsets.magic);
    expect(codeOf(() => log.append(magic1))).toBe(2);
    expect(codeOf(() => log.append(simpleBatch(1, 1000)))).toBe(10);
    const control = buildBatch([{ key: Buffer.alloc(4), value: Buffer.alloc(6) }], { attributes: Attributes.control | Attributes.transactional });
    expect(codeOf(() => log.append(control))).toBe(87);
    // a valid batch followed by a corrupt one: neither is written
    const pair = Buffer.concat([simpleBatch(1), badCrc]);
    expect(codeOf(() => log.append(pair))).toBe(2);
    expect(log.logEndOffset).toBe(1);
    expect(log.sizeInBytes).toBe(sizeBefore);
    // the coordinator may write control batches
    expect(log.append(control, { origin: 'coordinator' }).baseOffset).toBe(1);
  });

  it('stamps LogAppendTime batches and keeps their CRC valid', () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = PartitionLog.open({ dir: t.dir, config: { messageTimestampType: 'LogAppendTime' }, fsync: 'never', now: () => 777_000 });
    cleanups.push(() => log.close());
    const info = log.append(simpleBatch(2, 10, 5));
    expect(info.logAppendTime).toBe(777_000);
    const [batch] = splitBatches(log.read(0, { maxBytes: 1000 }).chunks);
    const h = readBatchHeader(batch!.bytes);
    expect(h.maxTimestamp).toBe(777_000);
    expect(h.attributes & Attributes.timestampTypeLogAppend).not.toBe(0);
    expect(log.listOffset(777_000)).toEqual({ offset: 0, timestamp: 777_000 });
  });

  it('rolls segments by size and by time', () => {
    const { log } = openLog({ segmentBytes: 1000, segmentMs: 60_000 });
    for (let i = 0; i < 10; i++) log.append(simpleBatch(1, 300, 1000));
    // each batch is ~380 bytes, so two fit per segment
    expect(log.segmentCount).toBe(5);
    expect(log.segmentBaseOffsets()).toEqual([0, 2, 4, 6, 8]);
    const { log: timed } = openLog({ segmentBytes: 1 << 20, segmentMs: 60_000 });
    timed.append(simpleBatch(1, 10, 1_000));
    timed.append(simpleBatch(1, 10, 50_000));
    timed.append(simpleBatch(1, 10, 62_000));
    expect(timed.segmentBaseOffsets()).toEqual([0, 2]);
  });

  it('matches a reference model for random appends and reads, before and after reopening', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 4 }), size: fc.integer({ min: 0, max: 400 }) }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), maxBytes: fc.integer({ min: 1, max: 3000 }) }), { minLength: 1, maxLength: 15 }),
        async (appends, reads) => {
          const t = tempDir();
          try {
            const cfg = { segmentBytes: 1500, indexIntervalBytes: 200 };
            let log = PartitionLog.open({ dir: t.dir, config: cfg, fsync: 'never' });
            const model: Array<{ base: number; last: number; bytes: Buffer }> = [];
            for (const a of appends) {
              const batch = simpleBatch(a.count, a.size);
              const info = log.append(batch);
              model.push({ base: info.baseOffset, last: info.lastOffset, bytes: Buffer.from(batch) });
            }
            const leo = model[model.length - 1]!.last + 1;
            const check = (): void => {
              expect(log.logEndOffset).toBe(leo);
              for (const r of reads) {
                const offset = Math.min(leo, Math.floor(r.at * (leo + 1)));
                const got = splitBatches(log.read(offset, { maxBytes: r.maxBytes }).chunks);
                const first = model.findIndex((b) => b.last >= offset);
                if (first < 0) {
                  expect(got).toEqual([]);
                  continue;
                }
                // expected: the first batch always, then more while the total stays ≤ maxBytes
                const expected = [model[first]!];
                let total = model[first]!.bytes.length;
                for (let i = first + 1; i < model.length && total + model[i]!.bytes.length <= r.maxBytes; i++) {
                  // reads may stop at a segment boundary only when the next segment's batch would not fit anyway
                  expected.push(model[i]!);
                  total += model[i]!.bytes.length;
                }
                expect(got.map((b) => b.baseOffset)).toEqual(expected.map((b) => b.base));
                got.forEach((b, i) => expect(b.bytes.equals(expected[i]!.bytes)).toBe(true));
              }
            };
            check();
            await log.close();
            log = PartitionLog.open({ dir: t.dir, config: cfg, fsync: 'never' });
            expect(log.recovery.clean).toBe(true);
            check();
            await log.close();
          } finally {
            t.remove();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds offsets by timestamp like a linear scan over all records', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: -1, max: 10_001 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(0, 1, 2, 3, 4),
        async (batches, targets, codec) => {
          const t = tempDir();
          try {
            const log = PartitionLog.open({ dir: t.dir, config: { segmentBytes: 600, indexIntervalBytes: 100 }, fsync: 'never' });
            const records: Array<{ offset: number; ts: number }> = [];
            for (const tss of batches) {
              const info = log.append(buildBatch(tss.map((ts) => ({ key: null, value: Buffer.alloc(20), timestamp: ts })), { codec }));
              tss.forEach((ts, i) => records.push({ offset: info.baseOffset + i, ts }));
            }
            for (const target of targets.map((x) => Math.max(0, x))) {
              const hit = records.find((r) => r.ts >= target);
              expect(log.listOffset(target)).toEqual(hit === undefined ? null : { offset: hit.offset, timestamp: hit.ts });
            }
            expect(log.listOffset(-2)).toEqual({ offset: 0, timestamp: -1 });
            expect(log.listOffset(-1)).toEqual({ offset: records.length, timestamp: -1 });
            await log.close();
          } finally {
            t.remove();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('scans batch headers from an offset without decoding records', () => {
    const { log } = openLog({ segmentBytes: 300 });
    for (let i = 0; i < 6; i++) log.append(buildBatch([{ value: Buffer.alloc(100) }], { producerId: 7n, producerEpoch: 1, baseSequence: i }));
    const seen: number[] = [];
    log.scanBatchHeaders(2, (h) => {
      expect(h.producerId).toBe(7n);
      seen.push(h.baseSequence);
    });
    expect(seen).toEqual([2, 3, 4, 5]);
    const firstTwo: number[] = [];
    log.scanBatchHeaders(0, (h) => {
      firstTwo.push(h.baseOffset);
      return firstTwo.length < 2;
    });
    expect(firstTwo).toEqual([0, 1]);
  });
});
