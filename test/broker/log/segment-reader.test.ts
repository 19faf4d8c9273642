import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { LogError } from '../../../src/broker/log/log-errors.ts';
import { fetchReadAhead } from '../../../src/broker/log/read-ahead.ts';
import { iterateBatches } from '../../../src/protocol/records/record-batch.ts';
import { simpleBatch, splitBatches, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A log of several small segments (sparse index entries) holding `sizes` batches of records. */
function logWith(sizes: readonly number[]): PartitionLog {
  const t = tempDir();
  cleanups.push(t.remove);
  const log = PartitionLog.open({ dir: t.dir, name: 'test-0', config: { segmentBytes: 700, indexIntervalBytes: 150 }, fsync: 'never' });
  cleanups.push(() => log.close());
  for (const n of sizes) log.append(simpleBatch(n));
  return log;
}

/** null most of the time, else a value of `arb`. */
const rarely = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: arb, weight: 1 });

const offsetsOf = (chunks: Buffer[]): number[][] => splitBatches(chunks).map((b) => [b.baseOffset, b.lastOffset]);

/** A log of batches of 1–6 records, a start offset, a byte budget and an optional upper offset. */
const readCase = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 25 }),
  at: fc.nat(),
  maxBytes: fc.integer({ min: 0, max: 2000 }),
  minOneBatch: fc.boolean(),
  bound: fc.option(fc.nat()),
});

describe('PartitionLog.readAsync (segment-reader.ts)', () => {
  it('returns exactly the batches the synchronous read returns, for any offset and budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        readCase,
        async ({ sizes, at, maxBytes, minOneBatch, bound }) => {
          const log = logWith(sizes);
          const offset = at % (log.logEndOffset + 1);
          const maxOffset = bound === null ? undefined : bound % (log.logEndOffset + 1);
          const opts = { maxBytes, minOneBatch, maxOffset };
          const sync = log.read(offset, opts);
          const async = await log.readAsync(offset, opts);
          expect(offsetsOf(async.chunks)).toEqual(offsetsOf(sync.chunks));
          expect(Buffer.concat(async.chunks).equals(Buffer.concat(sync.chunks))).toBe(true);
          expect(async.bytes).toBe(sync.bytes);
          expect([async.highWatermark, async.logStartOffset, async.logEndOffset]).toEqual([sync.highWatermark, sync.logStartOffset, sync.logEndOffset]);
          await log.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a consumer reading sequentially gets every batch once, in order, across segments', async () => {
    const sizes = [3, 1, 4, 1, 5, 2, 6, 5, 3, 5, 2, 4, 1];
    const log = logWith(sizes);
    expect(log.segmentCount).toBeGreaterThan(2);
    const seen: number[][] = [];
    for (let offset = 0; offset < log.logEndOffset; ) {
      const r = await log.readAsync(offset, { maxBytes: 250 });
      const got = offsetsOf(r.chunks);
      expect(got.length).toBeGreaterThan(0);
      seen.push(...got);
      offset = got[got.length - 1]![1]! + 1;
    }
    expect(seen).toEqual(offsetsOf(log.read(0, { maxBytes: 1 << 20 }).chunks));
    expect(seen.length).toBe(sizes.length);
  });

  it('with read-ahead: consumers reading on from where they stopped, while batches are appended, get what the synchronous read returns', async () => {
    const take = vi.spyOn(fetchReadAhead, 'take');
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 12 }),
        fc.array(
          fc.oneof(
            fc.record({ append: fc.integer({ min: 1, max: 6 }) }),
            // a consumer (of two) fetches on from where it stopped; `jump` sends it elsewhere first
            fc.record({
              consumer: fc.integer({ min: 0, max: 1 }),
              maxBytes: fc.integer({ min: 60, max: 400 }),
              minOneBatch: fc.boolean(),
              jump: rarely(fc.nat()),
              bound: rarely(fc.nat()),
            }),
          ),
          { maxLength: 40 },
        ),
        async (initial, steps) => {
          const log = logWith(initial);
          const next = [0, 0];
          for (const s of steps) {
            if ('append' in s) {
              log.append(simpleBatch(s.append));
              continue;
            }
            if (s.jump !== null) next[s.consumer] = s.jump % (log.logEndOffset + 1);
            const offset = next[s.consumer]!;
            const maxOffset = s.bound === null ? undefined : offset + (s.bound % 8);
            const opts = { maxBytes: s.maxBytes, minOneBatch: s.minOneBatch, maxOffset };
            const sync = log.read(offset, opts);
            const async = await log.readAsync(offset, { ...opts, readAhead: true });
            expect(offsetsOf(async.chunks)).toEqual(offsetsOf(sync.chunks));
            expect(Buffer.concat(async.chunks).equals(Buffer.concat(sync.chunks))).toBe(true);
            const got = offsetsOf(async.chunks);
            if (got.length > 0) next[s.consumer] = got[got.length - 1]![1]! + 1;
          }
          await log.close();
        },
      ),
      { numRuns: 80 },
    );
    for (const r of take.mock.results) if (r.value !== null) hits++;
    take.mockRestore();
    // the property above is about read-ahead only if reads were actually served from it
    expect(hits).toBeGreaterThan(0);
  });

  it('with partialTail: the whole batches of a plain read, then the next batch cut at the budget (Kafka\'s file slice)', async () => {
    await fc.assert(
      fc.asyncProperty(
        readCase,
        async ({ sizes, at, maxBytes, minOneBatch, bound }) => {
          const log = logWith(sizes);
          const offset = at % (log.logEndOffset + 1);
          const maxOffset = bound === null ? undefined : bound % (log.logEndOffset + 1);
          const whole = log.read(offset, { maxBytes, minOneBatch, maxOffset });
          const got = await log.readAsync(offset, { maxBytes, minOneBatch, maxOffset, partialTail: true });
          // Reference: the batch after the whole ones, if it is below the upper offset.
          const all = splitBatches(log.read(0, { maxBytes: 1 << 20 }).chunks);
          const lastWhole = splitBatches(whole.chunks).at(-1);
          const next = lastWhole === undefined ? undefined : all.find((b) => b.baseOffset > lastWhole.lastOffset);
          const upper = Math.min(maxOffset ?? log.highWatermark, log.highWatermark);
          // …cut at the budget, when at least its 61-byte header fits.
          const cut = next !== undefined && next.lastOffset < upper && maxBytes - whole.bytes >= 61 ? maxBytes - whole.bytes : 0;
          const expected = Buffer.concat([...whole.chunks, next === undefined ? Buffer.alloc(0) : next.bytes.subarray(0, cut)]);
          expect(Buffer.concat(got.chunks).equals(expected)).toBe(true);
          expect(got.bytes).toBe(expected.length);
          expect(got.bytes).toBeLessThanOrEqual(Math.max(maxBytes, whole.bytes));
          await log.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with partialTail: a consumer that drops the partial batch and fetches on from it reads every record once, in order', async () => {
    const sizes = [3, 1, 4, 1, 5, 2, 6, 5, 3, 5, 2, 4, 1];
    const log = logWith(sizes);
    const expected = offsetsOf(log.read(0, { maxBytes: 1 << 20 }).chunks);
    // Batches here are 80–175 bytes: these budgets leave room for a partial batch's header.
    let partials = 0;
    for (const maxBytes of [230, 300, 450]) {
      const seen: number[][] = [];
      for (let offset = 0; offset < log.logEndOffset; ) {
        const r = await log.readAsync(offset, { maxBytes, partialTail: true, readAhead: true });
        const records = Buffer.concat(r.chunks);
        const batches = [...iterateBatches(records)];
        const wholeBytes = batches.reduce((n, b) => n + b.bytes.length, 0);
        if (wholeBytes < records.length) partials++;
        expect(batches.length).toBeGreaterThan(0);
        seen.push(...batches.map((b) => [b.header.baseOffset, b.header.baseOffset + b.header.lastOffsetDelta]));
        offset = seen.at(-1)![1]! + 1;
      }
      expect(seen).toEqual(expected);
    }
    // The property above is about partial batches only if some responses had one.
    expect(partials).toBeGreaterThan(0);
  });

  it('with read-ahead: a range read ahead for a smaller budget that ends inside the next batch does not cut the next fetch short', async () => {
    // Found by the property above: batches [0], [1–5], [6]; a 141-byte fetch at 0 reads 141 bytes
    // ahead from batch [1–5], which is longer than that; the next fetch has room for both.
    const log = logWith([1, 5, 1]);
    const first = await log.readAsync(0, { maxBytes: 141, minOneBatch: false, readAhead: true });
    expect(offsetsOf(first.chunks)).toEqual([[0, 0]]);
    const next = await log.readAsync(1, { maxBytes: 236, minOneBatch: true, readAhead: true });
    expect(offsetsOf(next.chunks)).toEqual(offsetsOf(log.read(1, { maxBytes: 236, minOneBatch: true }).chunks));
    expect(offsetsOf(next.chunks)).toEqual([[1, 5], [6, 6]]);
  });

  it('serves batches appended after a read that ended at the segment end', async () => {
    const log = logWith([2]);
    expect(offsetsOf((await log.readAsync(0, { maxBytes: 1 << 20 })).chunks)).toEqual([[0, 1]]);
    log.append(simpleBatch(3));
    expect(offsetsOf((await log.readAsync(2, { maxBytes: 1 << 20 })).chunks)).toEqual([[2, 4]]);
    // a reader that goes back still finds its batch (no stale continuation)
    expect(offsetsOf((await log.readAsync(1, { maxBytes: 1 << 20 })).chunks)).toEqual([[0, 1], [2, 4]]);
  });

  it('returns a first batch larger than the budget whole, and nothing more', async () => {
    const log = logWith([5, 5]);
    const r = await log.readAsync(0, { maxBytes: 10, minOneBatch: true });
    expect(offsetsOf(r.chunks)).toEqual([[0, 4]]);
    expect((await log.readAsync(0, { maxBytes: 10, minOneBatch: false })).bytes).toBe(0);
  });

  it('rejects an offset outside the log with OFFSET_OUT_OF_RANGE, like read()', async () => {
    const log = logWith([2]);
    await expect(log.readAsync(3, { maxBytes: 100 })).rejects.toBeInstanceOf(LogError);
    await expect(log.readAsync(3, { maxBytes: 100 })).rejects.toMatchObject({ code: 1 });
  });

  it('a log closed while a read is in flight completes the read before its files close', async () => {
    const log = logWith([3, 3, 3, 3, 3, 3]);
    const expected = offsetsOf(log.read(0, { maxBytes: 1 << 20 }).chunks);
    const reading = log.readAsync(0, { maxBytes: 1 << 20 });
    const closing = log.close();
    const [r] = await Promise.all([reading, closing]);
    // Every segment the read reached before the close was read whole; none was read from a closed descriptor.
    const got = offsetsOf(r.chunks);
    expect(got).toEqual(expected.slice(0, got.length));
  });
});
