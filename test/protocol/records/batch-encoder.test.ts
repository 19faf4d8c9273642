/*
 * The one batch encoder against a reference model: the straightforward encoding (each record
 * through record.ts writeRecord into a growing Writer, compressed, a header written in front, the
 * CRC over [attributes, end)). Same bytes for any records, header shape (list or object),
 * compression and producer fields; and the batch decodes back to the records.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRecordBatch, type BatchOptions, type RecordInput } from '../../../src/protocol/records/batch-encoder.ts';
import { Attributes, BATCH_HEADER_SIZE, LOG_OVERHEAD, MAGIC_V2, Offsets } from '../../../src/protocol/records/batch-header.ts';
import { compress } from '../../../src/protocol/records/compression.ts';
import { writeRecord, type RecordHeader } from '../../../src/protocol/records/record.ts';
import { decodeRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { Writer } from '../../../src/protocol/writer.ts';
import { crc32c } from '../../../src/util/crc32c.ts';

function listOf(h: RecordInput['headers']): RecordHeader[] {
  if (h === undefined) return [];
  return Array.isArray(h) ? [...(h as RecordHeader[])] : Object.entries(h as Record<string, Buffer>).map(([key, value]) => ({ key, value }));
}

/** The reference: simple, allocation-heavy, obviously the record layout. */
function referenceBatch(records: readonly RecordInput[], o: BatchOptions, now: number): Buffer {
  const base = records[0]!.timestamp ?? now;
  const body = new Writer();
  let max = -1;
  records.forEach((r, i) => {
    const ts = r.timestamp ?? now;
    max = Math.max(max, ts);
    writeRecord(body, { attributes: 0, timestampDelta: ts - base, offsetDelta: i, key: r.key ?? null, value: r.value, headers: listOf(r.headers) });
  });
  const payload = compress(o.compression ?? 0, body.finish());
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
  let attributes = (o.compression ?? 0) & Attributes.compressionMask;
  if (o.transactional) attributes |= Attributes.transactional;
  if (o.control) attributes |= Attributes.control;
  batch.writeBigInt64BE(BigInt(o.baseOffset ?? 0), Offsets.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, Offsets.batchLength);
  batch.writeInt32BE(-1, Offsets.partitionLeaderEpoch);
  batch.writeInt8(MAGIC_V2, Offsets.magic);
  batch.writeInt16BE(attributes, Offsets.attributes);
  batch.writeInt32BE(records.length - 1, Offsets.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(base), Offsets.baseTimestamp);
  batch.writeBigInt64BE(BigInt(max), Offsets.maxTimestamp);
  batch.writeBigInt64BE(o.producerId ?? -1n, Offsets.producerId);
  batch.writeInt16BE(o.producerEpoch ?? -1, Offsets.producerEpoch);
  batch.writeInt32BE(o.baseSequence ?? -1, Offsets.baseSequence);
  batch.writeInt32BE(records.length, Offsets.recordCount);
  payload.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch.subarray(Offsets.attributes)), Offsets.crc);
  return batch;
}

const bytes = fc.option(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), { nil: null });
const headerName = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'é-ü', ''));
const headers = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.record({ key: headerName, value: bytes }), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)), { maxKeys: 3 }),
);
const record: fc.Arbitrary<RecordInput> = fc.record(
  { key: bytes, value: bytes, timestamp: fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }), headers },
  { requiredKeys: ['value'] },
);
const options: fc.Arbitrary<BatchOptions> = fc.record(
  {
    compression: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const, 4 as const),
    producerId: fc.bigInt({ min: 0n, max: 1n << 40n }),
    producerEpoch: fc.integer({ min: 0, max: 32767 }),
    baseSequence: fc.integer({ min: 0, max: 1 << 30 }),
    transactional: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('buildRecordBatch (the one batch encoder)', () => {
  it('writes the reference bytes for any records, headers, compression and producer fields', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), options, (records, o) => {
        const now = 1_700_000_000_000;
        const ours = buildRecordBatch(records, { ...o, timestamp: now });
        const reference = referenceBatch(records, o, now);
        // Every codec is deterministic, so compressed batches match to the byte too.
        expect(ours.equals(reference)).toBe(true);
        const decoded = decodeRecordBatch(ours);
        expect(decoded.records.map((d) => [d.offset, d.timestamp, d.key, d.value, d.headers])).toEqual(
          records.map((r, i) => [i, r.timestamp ?? now, r.key ?? null, r.value, listOf(r.headers)]),
        );
        expect(decoded.isTransactional).toBe(o.transactional === true);
        expect(decoded.header.producerId).toBe(o.producerId ?? -1n);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an empty batch', () => {
    expect(() => buildRecordBatch([])).toThrow(/at least one record/);
  });
});
