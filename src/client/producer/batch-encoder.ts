/*
 * Uncompressed record batch v2 in one exact-size allocation: the producer's hot path.
 * (Compressed batches go through the codec's buildRecordBatch; both write the same bytes for the
 * same records, property-tested in test/client/producer/producer.test.ts.)
 * buildRecordBatch (protocol/records) writes through a growing Writer and then copies the body
 * behind the header; here every record's size is computed first, so each key and value is copied
 * exactly once, into the final buffer. Layout as protocol/records/batch-header.ts: 61-byte header,
 * then per record: varint length, int8 attributes, varlong timestampDelta, varint offsetDelta,
 * varint key length (-1 null) + key, varint value length + value, varint header count, and per
 * header varint key length + UTF-8 key, varint value length (-1 null) + value. CRC-32C over
 * [attributes, end).
 */
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, MAGIC_V2, Offsets } from '../../protocol/records/batch-header.ts';
import { crc32c } from '../../util/crc32c.ts';
import { sizeOfVarint, sizeOfVarlongNumber, writeVarintAt, writeVarlongNumberAt } from '../../util/varint.ts';

/** A record as the batch encoder reads it (types.ts ProducerRecord is one). */
export interface BatchRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch ms (CreateTime). */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Bytes of one header-less record body after its length varint, given its deltas. */
function bodySize(r: BatchRecord, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + sizeOfVarlongNumber(timestampDelta) + sizeOfVarint(offsetDelta);
  size += r.key === null ? 1 : sizeOfVarint(r.key.length) + r.key.length;
  size += r.value === null ? 1 : sizeOfVarint(r.value.length) + r.value.length;
  if (!hasKeys(r.headers)) return size + 1;
  const keys = Object.keys(r.headers);
  size += sizeOfVarint(keys.length);
  for (const k of keys) {
    const kl = Buffer.byteLength(k, 'utf8');
    const v = r.headers[k];
    size += sizeOfVarint(kl) + kl + (v === undefined ? 1 : sizeOfVarint(v.length) + v.length);
  }
  return size;
}

function writeBytesAt(buf: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b === null || b === undefined) return writeVarintAt(buf, pos, -1);
  pos = writeVarintAt(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

/** Producer id, epoch and base sequence of an idempotent batch (all -1 when not idempotent). */
export interface BatchProducerFields {
  readonly producerId: bigint;
  readonly epoch: number;
  readonly baseSequence: number;
}

/** Encodes `records` (at least one) as one uncompressed record batch v2. */
export function encodeBatch(records: readonly BatchRecord[], producer?: BatchProducerFields): Buffer {
  const n = records.length;
  if (n === 0) throw new RangeError('encodeBatch: a record batch needs at least one record');
  const baseTimestamp = records[0]!.timestamp;
  const sizes = new Array<number>(n);
  let total = BATCH_HEADER_SIZE;
  let maxTimestamp = baseTimestamp;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const s = bodySize(r, r.timestamp - baseTimestamp, i);
    sizes[i] = s;
    total += sizeOfVarint(s) + s;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = BATCH_HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    pos = writeVarintAt(buf, pos, sizes[i]!);
    buf[pos++] = 0;
    pos = writeVarlongNumberAt(buf, pos, r.timestamp - baseTimestamp);
    pos = writeVarintAt(buf, pos, i);
    pos = writeBytesAt(buf, pos, r.key);
    pos = writeBytesAt(buf, pos, r.value);
    if (!hasKeys(r.headers)) {
      buf[pos++] = 0;
      continue;
    }
    const keys = Object.keys(r.headers);
    pos = writeVarintAt(buf, pos, keys.length);
    for (const k of keys) {
      const kl = Buffer.byteLength(k, 'utf8');
      pos = writeVarintAt(buf, pos, kl);
      pos += buf.write(k, pos, kl, 'utf8');
      pos = writeBytesAt(buf, pos, r.headers[k]);
    }
  }
  if (pos !== total) throw new Error(`encodeBatch: wrote ${pos} bytes, computed ${total}`);
  buf.writeBigInt64BE(0n, Offsets.baseOffset);
  buf.writeInt32BE(total - LOG_OVERHEAD, Offsets.batchLength);
  buf.writeInt32BE(-1, Offsets.partitionLeaderEpoch);
  buf.writeInt8(MAGIC_V2, Offsets.magic);
  buf.writeInt16BE(0, Offsets.attributes);
  buf.writeInt32BE(n - 1, Offsets.lastOffsetDelta);
  buf.writeBigInt64BE(BigInt(baseTimestamp), Offsets.baseTimestamp);
  buf.writeBigInt64BE(BigInt(maxTimestamp), Offsets.maxTimestamp);
  buf.writeBigInt64BE(producer?.producerId ?? -1n, Offsets.producerId);
  buf.writeInt16BE(producer?.epoch ?? -1, Offsets.producerEpoch);
  buf.writeInt32BE(producer?.baseSequence ?? -1, Offsets.baseSequence);
  buf.writeInt32BE(n, Offsets.recordCount);
  buf.writeUInt32BE(crc32c(buf.subarray(Offsets.attributes)), Offsets.crc);
  return buf;
}

/** Estimated bytes of a record in a batch (payload plus varint/attribute overhead), for cutting requests. */
export function estimatedRecordSize(r: BatchRecord): number {
  let n = 24 + (r.key === null ? 0 : r.key.length) + (r.value === null ? 0 : r.value.length);
  if (hasKeys(r.headers)) for (const k in r.headers) n += 8 + k.length + (r.headers[k]?.length ?? 0);
  return n;
}
