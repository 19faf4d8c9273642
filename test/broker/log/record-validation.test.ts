// Record-level append validation (LogValidator): every batch the log accepts decodes with the
// strict record decoder, with consecutive offsets and as many records as its header says; every
// well-formed batch is accepted; each refusal names the record (KIP-467).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateRecords } from '../../../src/broker/log/append-validation.ts';
import { LogError, LogErrorCodes } from '../../../src/broker/log/log-errors.ts';
import { buildRecordBatch, decodeRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { BATCH_HEADER_SIZE, Offsets, updateCrc } from '../../../src/protocol/records/batch-header.ts';
import { buildBatch } from './batch-fixture.ts';

const MAX = 10 * 1024 * 1024;
const TP = 't-0';

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), { nil: null }),
  headers: fc.array(
    fc.record({ key: fc.string({ maxLength: 8 }), value: fc.option(fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)), { nil: null }) }),
    { maxLength: 3 },
  ),
  timestamp: fc.integer({ min: 0, max: 2 ** 40 }),
});
const batchArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 8 }),
  codec: fc.constantFrom(0, 1, 2, 3, 4),
});

function refusal(fn: () => unknown): LogError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LogError) return e;
    throw e;
  }
  throw new Error('expected the batch to be refused');
}

/** Rewrites batchLength and the CRC after the records region was changed to `body`. */
function withBody(batch: Buffer, body: Buffer): Buffer {
  const out = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), body]);
  out.writeInt32BE(out.length - 12, Offsets.batchLength);
  updateCrc(out);
  return out;
}

describe('record validation on append', () => {
  it('accepts every well-formed batch, with any codec', () => {
    fc.assert(
      fc.property(batchArb, ({ records, codec }) => {
        const batch = buildRecordBatch(records, { compression: codec });
        expect(validateRecords(TP, batch, MAX, 'client')).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });

  it('never accepts a batch (valid CRC, mutated records) that the strict decoder rejects', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('count' as const), count: fc.integer({ min: -1, max: 12 }) }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(batchArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ records }, mutations) => {
        let batch = buildRecordBatch(records);
        for (const m of mutations) {
          const body = batch.subarray(BATCH_HEADER_SIZE);
          if (m.kind === 'count') {
            batch.writeInt32BE(m.count, Offsets.recordCount);
            batch.writeInt32BE(Math.max(m.count - 1, 0), Offsets.lastOffsetDelta);
            batch = withBody(batch, body);
          } else if (body.length > 0) {
            const at = m.at % body.length;
            const next = Buffer.from(body);
            if (m.kind === 'flip') next[at] = next[at]! ^ m.xor;
            batch = withBody(
              batch,
              m.kind === 'flip' ? next : m.kind === 'cut' ? body.subarray(0, at) : Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), body.subarray(at)]),
            );
          }
        }
        let ok = true;
        try {
          validateRecords(TP, batch, MAX, 'client');
        } catch (e) {
          if (!(e instanceof LogError)) throw e;
          ok = false;
        }
        if (!ok) return;
        accepted++;
        const decoded = decodeRecordBatch(batch);
        expect(decoded.records.length).toBe(decoded.header.recordCount);
        expect(decoded.header.lastOffsetDelta).toBe(decoded.header.recordCount - 1);
        decoded.records.forEach((r, i) => expect(r.offset).toBe(decoded.header.baseOffset + i));
      }),
      { numRuns: 400 },
    );
    // Some mutations (inside a value, say) leave a decodable batch: the property was exercised.
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses a record count that lies about the records, naming the record', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }]);
    batch.writeInt32BE(3, Offsets.recordCount);
    batch.writeInt32BE(2, Offsets.lastOffsetDelta);
    updateCrc(batch);
    const err = refusal(() => validateRecords(TP, batch, MAX, 'client'));
    expect(err.code).toBe(LogErrorCodes.CORRUPT_MESSAGE);
    expect(err.recordErrors).toEqual([{ batchIndex: 2, message: expect.stringContaining('holds only 2') }]);
  });

  it('refuses a one-record batch claiming 2^31-1 records (the log end offset cannot jump)', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('a') }]);
    batch.writeInt32BE(0x7ffffffe, Offsets.lastOffsetDelta);
    batch.writeInt32BE(0x7fffffff, Offsets.recordCount);
    updateCrc(batch);
    const err = refusal(() => validateRecords(TP, batch, MAX, 'client'));
    expect(err.code).toBe(LogErrorCodes.CORRUPT_MESSAGE);
    expect(err.recordErrors[0]!.batchIndex).toBe(1);
  });

  it('refuses a compressed payload that does not decompress', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('abc') }], { compression: 1 });
    const garbage = withBody(batch, Buffer.from('not gzip at all'));
    const err = refusal(() => validateRecords(TP, garbage, MAX, 'client'));
    expect(err.code).toBe(LogErrorCodes.CORRUPT_MESSAGE);
    expect(err.message).toMatch(/gzip/);
  });

  it('refuses offset deltas that are not 0..n-1 with INVALID_RECORD and the record index', () => {
    const batch = buildBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { offsetDeltas: [0, 5] });
    batch.writeInt32BE(1, Offsets.lastOffsetDelta);
    updateCrc(batch);
    const err = refusal(() => validateRecords(TP, batch, MAX, 'client'));
    expect(err.code).toBe(LogErrorCodes.INVALID_RECORD);
    expect(err.recordErrors.map((e) => e.batchIndex)).toEqual([1]);
  });

  it('refuses keyless records on a compacted topic, listing each one, and accepts them elsewhere', () => {
    const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('a') }, { value: Buffer.from('b') }, { value: null }]);
    expect(validateRecords(TP, batch, MAX, 'client', false)).toHaveLength(1);
    const err = refusal(() => validateRecords(TP, batch, MAX, 'client', true));
    expect(err.code).toBe(LogErrorCodes.INVALID_RECORD);
    expect(err.recordErrors.map((e) => e.batchIndex)).toEqual([1, 2]);
    expect(err.recordErrors[0]!.message).toMatch(/Compacted topic cannot accept message without key/);
  });

  it('leaves coordinator-written batches to their writers (no record walk)', () => {
    const batch = buildRecordBatch([{ value: Buffer.from('a') }]);
    expect(validateRecords(TP, batch, MAX, 'coordinator', true)).toHaveLength(1);
  });
});
