/*
 * Record batch v2 (magic 2) header: the fixed 61-byte prefix of every batch, as Kafka's
 * DefaultRecordBatch lays it out. Big-endian throughout; offsets are byte positions in the batch.
 *
 *   off size field                 notes
 *     0   8  baseOffset int64       assigned by the broker; not covered by the CRC
 *     8   4  batchLength int32      bytes after this field: total size = 12 + batchLength
 *    12   4  partitionLeaderEpoch   set by the broker; not covered by the CRC
 *    16   1  magic int8 = 2
 *    17   4  crc uint32             CRC-32C over [21, end)
 *    21   2  attributes int16       bits 0-2 codec, 3 timestampType, 4 transactional, 5 control,
 *                                   6 hasDeleteHorizonMs
 *    23   4  lastOffsetDelta int32
 *    27   8  baseTimestamp int64
 *    35   8  maxTimestamp int64
 *    43   8  producerId int64
 *    51   2  producerEpoch int16
 *    53   4  baseSequence int32
 *    57   4  recordCount int32
 *    61   …  records (compressed as one blob when the codec is not 0)
 *
 * Because bytes 0-7 and 12-15 are outside the CRC, the broker stores and serves batches as opaque
 * bytes and only patches those two fields. This module is the single source of truth for the
 * layout; the log and the record codec both read it through these helpers.
 *
 * Offsets and timestamps are returned as JavaScript numbers: log offsets and epoch-millisecond
 * timestamps stay far below 2^53. Producer ids are full int64 and are returned as bigint.
 */
import { crc32c } from '../../util/crc32c.ts';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's payload: baseOffset (8) + batchLength (4). */
export const LOG_OVERHEAD = 12;
export const MAGIC_V2 = 2;

export const Offsets = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const Attributes = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
  hasDeleteHorizon: 0x40,
} as const;

export interface BatchHeader {
  baseOffset: number;
  /** Total size of the batch in bytes (12 + batchLength). */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads the header of the batch that starts at `pos`. The caller guarantees 61 bytes exist. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(pos + Offsets.baseOffset)),
    sizeInBytes: LOG_OVERHEAD + buf.readInt32BE(pos + Offsets.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(pos + Offsets.partitionLeaderEpoch),
    magic: buf.readInt8(pos + Offsets.magic),
    crc: buf.readUInt32BE(pos + Offsets.crc),
    attributes: buf.readInt16BE(pos + Offsets.attributes),
    lastOffsetDelta: buf.readInt32BE(pos + Offsets.lastOffsetDelta),
    baseTimestamp: Number(buf.readBigInt64BE(pos + Offsets.baseTimestamp)),
    maxTimestamp: Number(buf.readBigInt64BE(pos + Offsets.maxTimestamp)),
    producerId: buf.readBigInt64BE(pos + Offsets.producerId),
    producerEpoch: buf.readInt16BE(pos + Offsets.producerEpoch),
    baseSequence: buf.readInt32BE(pos + Offsets.baseSequence),
    recordCount: buf.readInt32BE(pos + Offsets.recordCount),
  };
}

/** Total size of the batch at `pos`, or -1 when fewer than 12 bytes remain to tell. */
export function batchSizeAt(buf: Buffer, pos = 0): number {
  if (buf.length - pos < LOG_OVERHEAD) return -1;
  return LOG_OVERHEAD + buf.readInt32BE(pos + Offsets.batchLength);
}

/** CRC-32C of the batch body [21, end) equals the stored crc. */
export function hasValidCrc(batch: Buffer): boolean {
  if (batch.length < BATCH_HEADER_SIZE) return false;
  return crc32c(batch.subarray(Offsets.attributes)) === batch.readUInt32BE(Offsets.crc);
}

/** Writes baseOffset in place (outside the CRC, so the batch stays valid). */
export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), Offsets.baseOffset);
}

/** Writes partitionLeaderEpoch in place (outside the CRC). */
export function setPartitionLeaderEpoch(batch: Buffer, epoch: number): void {
  batch.writeInt32BE(epoch, Offsets.partitionLeaderEpoch);
}

/** Recomputes and stores the CRC after a change to bytes the CRC covers. */
export function updateCrc(batch: Buffer): void {
  batch.writeUInt32BE(crc32c(batch.subarray(Offsets.attributes)), Offsets.crc);
}

export function compressionOf(attributes: number): number {
  return attributes & Attributes.compressionMask;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & Attributes.control) !== 0;
}

export function isTransactionalBatch(attributes: number): boolean {
  return (attributes & Attributes.transactional) !== 0;
}

/**
 * The batch at `pos` has a producer id (≥ 0, Kafka's `hasProducerId`) or is transactional: only
 * such batches touch producer state (idempotence, transactions). Reads two header fields, no
 * allocation, so the produce path can skip the producer-state hooks for a plain producer's batch.
 */
export function carriesProducerState(buf: Buffer, pos = 0): boolean {
  // producerId is an int64: its sign is the sign of its high 32 bits.
  return buf.readInt32BE(pos + Offsets.producerId) >= 0 || isTransactionalBatch(buf.readInt16BE(pos + Offsets.attributes));
}
