/*
 * Record batch v2: decode a batch into records, and walk the batches of a `records` buffer
 * (Produce request / Fetch response / log segment bytes). Building one is batch-encoder.ts's
 * (re-exported here): offsetDelta 0..n-1, timestampDelta = ts − baseTimestamp where baseTimestamp
 * is the first record's timestamp (as Kafka's MemoryRecordsBuilder), lastOffsetDelta = n − 1,
 * maxTimestamp = the max record timestamp, producerId/epoch/baseSequence (-1 when not idempotent),
 * attributes = codec | timestamp type | transactional | control, CRC-32C over [21, end).
 *
 * Layout: see ./batch-header.ts (61-byte header; CRC-32C over [21, end)).
 * Decoding a batch verifies magic, length and (by default) CRC, decompresses, and yields records
 * with absolute offsets and timestamps (LogAppendTime batches report maxTimestamp for every record).
 *
 * Offsets and timestamps are numbers (far below 2^53 in practice); producerId is a bigint.
 */
import {
  Attributes,
  BATCH_HEADER_SIZE,
  MAGIC_V2,
  batchSizeAt,
  compressionOf,
  hasValidCrc,
  readBatchHeader,
} from './batch-header.ts';
import type { BatchHeader } from './batch-header.ts';
export { buildRecordBatch, type BatchOptions, type HeadersInput, type RecordInput } from './batch-encoder.ts';
import { decompress } from './compression.ts';
import { readRecord } from './record.ts';
import type { RecordHeader } from './record.ts';
import { Reader } from '../reader.ts';
import { CorruptRecordError, ProtocolError } from '../protocol-errors.ts';

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface DecodedBatch {
  header: BatchHeader;
  compression: number;
  isTransactional: boolean;
  isControl: boolean;
  records: DecodedRecord[];
}

/** Checks the structural invariants of the batch at the start of `batch` (exactly one batch). */
export function validateBatch(batch: Buffer, verifyCrc = true): BatchHeader {
  if (batch.length < BATCH_HEADER_SIZE) {
    throw new CorruptRecordError(`record batch of ${batch.length} bytes is shorter than the 61-byte header`);
  }
  const header = readBatchHeader(batch);
  if (header.magic !== MAGIC_V2) {
    throw new CorruptRecordError(`record batch magic is ${header.magic}; only magic 2 (record batch v2) is supported`);
  }
  if (header.sizeInBytes !== batch.length) {
    throw new CorruptRecordError(`record batch declares ${header.sizeInBytes} bytes but ${batch.length} were given`);
  }
  if (verifyCrc && !hasValidCrc(batch)) {
    throw new CorruptRecordError(
      `record batch at base offset ${header.baseOffset} fails its CRC-32C check (stored ${header.crc.toString(16)})`,
    );
  }
  return header;
}

/** Decodes one whole batch into records with absolute offsets and timestamps. */
export function decodeRecordBatch(batch: Buffer, options: { verifyCrc?: boolean } = {}): DecodedBatch {
  const header = validateBatch(batch, options.verifyCrc ?? true);
  const codec = compressionOf(header.attributes);
  const logAppend = (header.attributes & Attributes.timestampTypeLogAppend) !== 0;
  const blob = decompress(codec, batch.subarray(BATCH_HEADER_SIZE));
  const r = new Reader(blob);
  const records: DecodedRecord[] = [];
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const rec = readRecord(r);
      records.push({
        offset: header.baseOffset + rec.offsetDelta,
        timestamp: logAppend ? header.maxTimestamp : header.baseTimestamp + rec.timestampDelta,
        key: rec.key,
        value: rec.value,
        headers: rec.headers,
      });
    }
  } catch (e) {
    if (e instanceof CorruptRecordError) throw e;
    const msg = e instanceof ProtocolError || e instanceof Error ? e.message : String(e);
    throw new CorruptRecordError(`record ${records.length} of the batch at base offset ${header.baseOffset}: ${msg}`);
  }
  if (r.remaining() !== 0) {
    throw new CorruptRecordError(`record batch at base offset ${header.baseOffset} has ${r.remaining()} bytes after its ${header.recordCount} records`);
  }
  return {
    header,
    compression: codec,
    isTransactional: (header.attributes & Attributes.transactional) !== 0,
    isControl: (header.attributes & Attributes.control) !== 0,
    records,
  };
}

export interface BatchSlice {
  /** Byte position of the batch in the records buffer. */
  position: number;
  header: BatchHeader;
  /** The batch bytes (zero-copy subarray). */
  bytes: Buffer;
}

/**
 * Walks the batches of a records buffer without decoding records. Stops silently at a truncated
 * trailing batch (Fetch responses may end mid-batch); throws on a batch length that is negative.
 */
export function* iterateBatches(records: Buffer): Generator<BatchSlice> {
  let pos = 0;
  while (records.length - pos >= BATCH_HEADER_SIZE) {
    const size = batchSizeAt(records, pos);
    if (size < BATCH_HEADER_SIZE) {
      throw new CorruptRecordError(`record batch at byte ${pos} declares an impossible size ${size}`);
    }
    if (pos + size > records.length) return;
    yield { position: pos, header: readBatchHeader(records, pos), bytes: records.subarray(pos, pos + size) };
    pos += size;
  }
}

/** Decodes every complete batch of a records buffer. */
export function decodeRecords(records: Buffer | null, options: { verifyCrc?: boolean } = {}): DecodedBatch[] {
  if (records === null) return [];
  const out: DecodedBatch[] = [];
  for (const slice of iterateBatches(records)) out.push(decodeRecordBatch(slice.bytes, options));
  return out;
}
