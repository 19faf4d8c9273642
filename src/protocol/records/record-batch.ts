/*
 * Record batch v2: build a batch from records, decode a batch into records, and walk the batches
 * of a `records` buffer (Produce request / Fetch response / log segment bytes).
 *
 * Layout: see ./batch-header.ts (61-byte header; CRC-32C over [21, end)). Building a batch:
 *   1 write the records (offsetDelta 0..n-1, timestampDelta = ts − baseTimestamp, where
 *     baseTimestamp is the first record's timestamp, as Kafka's MemoryRecordsBuilder does)
 *   2 compress that blob with the codec (the 61-byte header and recordCount stay uncompressed)
 *   3 write the header: lastOffsetDelta = n − 1, maxTimestamp = max record timestamp,
 *     producerId/epoch/baseSequence (-1 when not idempotent), attributes (codec | timestamp type |
 *     transactional | control)
 *   4 CRC-32C over [21, end) into bytes 17-20.
 * Decoding a batch verifies magic, length and (by default) CRC, decompresses, and yields records
 * with absolute offsets and timestamps (LogAppendTime batches report maxTimestamp for every record).
 *
 * Offsets and timestamps are numbers (far below 2^53 in practice); producerId is a bigint.
 */
import {
  Attributes,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  Offsets,
  batchSizeAt,
  compressionOf,
  hasValidCrc,
  readBatchHeader,
} from './batch-header.ts';
import type { BatchHeader } from './batch-header.ts';
import { compress, decompress } from './compression.ts';
import type { CompressionCodec } from './compression.ts';
import { readRecord, writeRecord } from './record.ts';
import type { RecordHeader } from './record.ts';
import { Writer } from '../writer.ts';
import { Reader } from '../reader.ts';
import { CorruptRecordError, ProtocolError } from '../protocol-errors.ts';
import { crc32c } from '../../util/crc32c.ts';

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Epoch milliseconds; defaults to the batch's `timestamp` option or Date.now(). */
  timestamp?: number;
}

export interface BatchOptions {
  compression?: CompressionCodec;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  /** -1n (default) when the producer is not idempotent. */
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  /** Sets the LogAppendTime timestamp type (records then report maxTimestamp). */
  logAppendTime?: boolean;
  /** Default timestamp for records without one (Date.now() if absent). */
  timestamp?: number;
}

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

/** Builds one record batch v2 with a valid CRC. Throws on an empty record list. */
export function buildRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  if (records.length === 0) {
    throw new RangeError('buildRecordBatch: a record batch needs at least one record');
  }
  const codec = options.compression ?? 0;
  const defaultTs = options.timestamp ?? Date.now();
  const baseTimestamp = records[0]!.timestamp ?? defaultTs;
  let maxTimestamp = -1;

  const body = new Writer(records.length * 32 + 64);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? defaultTs;
    if (ts > maxTimestamp) maxTimestamp = ts;
    writeRecord(body, {
      attributes: 0,
      timestampDelta: ts - baseTimestamp,
      offsetDelta: i,
      key: r.key ?? null,
      value: r.value,
      headers: r.headers ?? [],
    });
  }
  const payload = compress(codec, body.finish());

  let attributes = codec & Attributes.compressionMask;
  if (options.logAppendTime) attributes |= Attributes.timestampTypeLogAppend;
  if (options.transactional) attributes |= Attributes.transactional;
  if (options.control) attributes |= Attributes.control;

  const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  batch.writeBigInt64BE(BigInt(options.baseOffset ?? 0), Offsets.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, Offsets.batchLength);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, Offsets.partitionLeaderEpoch);
  batch.writeInt8(MAGIC_V2, Offsets.magic);
  batch.writeInt16BE(attributes, Offsets.attributes);
  batch.writeInt32BE(records.length - 1, Offsets.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(baseTimestamp), Offsets.baseTimestamp);
  batch.writeBigInt64BE(BigInt(maxTimestamp), Offsets.maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? -1n, Offsets.producerId);
  batch.writeInt16BE(options.producerEpoch ?? -1, Offsets.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? -1, Offsets.baseSequence);
  batch.writeInt32BE(records.length, Offsets.recordCount);
  payload.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch.subarray(Offsets.attributes)), Offsets.crc);
  return batch;
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
