/*
 * The one record batch v2 encoder: the producer's hot path, the broker's control and offset
 * batches, and every test that builds batches go through `buildRecordBatch` here.
 *
 * Every record's size is computed first, so each key, value and header is copied exactly once,
 * into its final place:
 *   uncompressed  one exact-size allocation: 61-byte header, then the records
 *   compressed    the records section written exactly sized, compressed, then placed behind the
 *                 header (everything after recordCount is one compressed blob)
 * Record layout as record.ts (DefaultRecord): varint length, int8 attributes (0), varlong
 * timestampDelta, varint offsetDelta, varint key length (-1 null) + key, varint value length
 * (-1 null) + value, varint header count, per header varint key length + UTF-8 key, varint value
 * length (-1 null) + value. Header layout as batch-header.ts; CRC-32C over [attributes, end).
 *
 * Headers come as the codec's list ({ key, value }[]) or as the client's object (name → value);
 * a record without headers costs one check, nothing more.
 */
import { compress, type CompressionCodec } from './compression.ts';
import type { RecordHeader } from './record.ts';
import { Attributes, BATCH_HEADER_SIZE, LOG_OVERHEAD, MAGIC_V2, Offsets } from './batch-header.ts';
import { crc32c } from '../../util/crc32c.ts';
import { sizeOfVarint, sizeOfVarlongNumber, writeVarintAt, writeVarlongNumberAt } from '../../util/varint.ts';

export type HeadersInput = readonly RecordHeader[] | Readonly<Record<string, Buffer>>;

export interface RecordInput {
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: HeadersInput;
  /** Epoch milliseconds; defaults to the batch's `timestamp` option or Date.now(). */
  readonly timestamp?: number;
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

const NO_HEADERS: readonly RecordHeader[] = [];

/** The record's headers as a list (a header object is turned into one only when non-empty). */
function headerList(h: HeadersInput | undefined): readonly RecordHeader[] {
  if (h === undefined) return NO_HEADERS;
  if (Array.isArray(h)) return h as readonly RecordHeader[];
  let list: RecordHeader[] | undefined;
  const obj = h as Readonly<Record<string, Buffer>>;
  for (const key in obj) (list ??= []).push({ key, value: obj[key] ?? null });
  return list ?? NO_HEADERS;
}

function sizeOfBytes(b: Buffer | null | undefined): number {
  return b === null || b === undefined ? 1 : sizeOfVarint(b.length) + b.length;
}

function writeBytesAt(buf: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b === null || b === undefined) return writeVarintAt(buf, pos, -1);
  pos = writeVarintAt(buf, pos, b.length);
  // TypedArray#set is V8's own memmove; Buffer#copy goes through Node's argument checks and binding.
  buf.set(b, pos);
  return pos + b.length;
}

/** Bytes of one record after its length varint. */
function bodySize(r: RecordInput, headers: readonly RecordHeader[], timestampDelta: number, offsetDelta: number): number {
  let size = 1 + sizeOfVarlongNumber(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(r.key) + sizeOfBytes(r.value);
  size += sizeOfVarint(headers.length);
  for (const h of headers) {
    const kl = Buffer.byteLength(h.key, 'utf8');
    size += sizeOfVarint(kl) + kl + sizeOfBytes(h.value);
  }
  return size;
}

/** Builds one record batch v2 with a valid CRC. Throws on an empty record list. */
export function buildRecordBatch(records: readonly RecordInput[], options: BatchOptions = {}): Buffer {
  const n = records.length;
  if (n === 0) throw new RangeError('buildRecordBatch: a record batch needs at least one record');
  const codec = options.compression ?? 0;
  const defaultTs = options.timestamp ?? Date.now();
  const baseTimestamp = records[0]!.timestamp ?? defaultTs;

  // Pass 1: sizes (and the max timestamp).
  const sizes = new Array<number>(n);
  let headerLists: (readonly RecordHeader[])[] | undefined; // only when some record has headers
  let recordsBytes = 0;
  let maxTimestamp = -1;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const ts = r.timestamp ?? defaultTs;
    if (ts > maxTimestamp) maxTimestamp = ts;
    const h = headerList(r.headers);
    if (h.length > 0) (headerLists ??= new Array<readonly RecordHeader[]>(n))[i] = h;
    const s = (sizes[i] = bodySize(r, h, ts - baseTimestamp, i));
    recordsBytes += sizeOfVarint(s) + s;
  }

  // Pass 2: the records, straight into the batch when uncompressed.
  const direct = codec === 0;
  const target = Buffer.allocUnsafe(direct ? BATCH_HEADER_SIZE + recordsBytes : recordsBytes);
  let pos = direct ? BATCH_HEADER_SIZE : 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    pos = writeVarintAt(target, pos, sizes[i]!);
    target[pos++] = 0;
    pos = writeVarlongNumberAt(target, pos, (r.timestamp ?? defaultTs) - baseTimestamp);
    pos = writeVarintAt(target, pos, i);
    pos = writeBytesAt(target, pos, r.key);
    pos = writeBytesAt(target, pos, r.value);
    const h = headerLists?.[i] ?? NO_HEADERS;
    pos = writeVarintAt(target, pos, h.length);
    for (const { key, value } of h) {
      const kl = Buffer.byteLength(key, 'utf8');
      pos = writeVarintAt(target, pos, kl);
      pos += target.write(key, pos, kl, 'utf8');
      pos = writeBytesAt(target, pos, value);
    }
  }
  if (pos !== target.length) throw new Error(`buildRecordBatch: wrote ${pos} bytes, computed ${target.length}`);

  let batch = target;
  if (!direct) {
    const payload = compress(codec, target);
    batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
    payload.copy(batch, BATCH_HEADER_SIZE);
  }

  let attributes = codec & Attributes.compressionMask;
  if (options.logAppendTime) attributes |= Attributes.timestampTypeLogAppend;
  if (options.transactional) attributes |= Attributes.transactional;
  if (options.control) attributes |= Attributes.control;
  batch.writeBigInt64BE(BigInt(options.baseOffset ?? 0), Offsets.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, Offsets.batchLength);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, Offsets.partitionLeaderEpoch);
  batch.writeInt8(MAGIC_V2, Offsets.magic);
  batch.writeInt16BE(attributes, Offsets.attributes);
  batch.writeInt32BE(n - 1, Offsets.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(baseTimestamp), Offsets.baseTimestamp);
  batch.writeBigInt64BE(BigInt(maxTimestamp), Offsets.maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? -1n, Offsets.producerId);
  batch.writeInt16BE(options.producerEpoch ?? -1, Offsets.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? -1, Offsets.baseSequence);
  batch.writeInt32BE(n, Offsets.recordCount);
  batch.writeUInt32BE(crc32c(batch.subarray(Offsets.attributes)), Offsets.crc);
  return batch;
}
