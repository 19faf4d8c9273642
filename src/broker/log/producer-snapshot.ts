/*
 * Producer-state snapshot files `<20-digit offset>.snapshot` in a partition directory: the state
 * of every producer of the partition after all batches below `offset` (Kafka's
 * ProducerStateManager snapshots, apache/kafka storage/.../log/ProducerStateManager.java). Written
 * at segment roll and at clean shutdown (which files are kept: writeSnapshot). At start the newest usable one
 * is loaded and only the log after its offset is scanned (txn/partition-state-loader.ts).
 *
 * Our own layout (Kafka's keeps only the last batch per producer; ours keeps the last five, the
 * whole idempotence window, so a retried batch is still a duplicate after a restart). Big-endian:
 *
 *   header   0  int16  version = 1
 *            2  uint32 CRC-32C of every byte from offset 6 to the end
 *            6  int64  snapshot offset (must equal the file name's)
 *           14  int32  producer count
 *   producer    int64  producerId
 *               int16  epoch (-1: no idempotence state, only an open transaction)
 *               int32  coordinator epoch of the producer's last marker (-1: none)
 *               int64  first offset of the open transaction here (-1: none)
 *               int8   batch count (0..5), oldest first, each:
 *                        int32 firstSeq | int32 lastSeq | int64 baseOffset | int64 lastOffset |
 *                        int64 maxTimestamp                                  (36 bytes)
 *
 * Files are written to a temporary name and renamed, without fsync: a snapshot is a cache of the
 * log. One that is torn, fails its CRC or lies beyond the log end (truncation) is deleted at load
 * and an older one, or a full scan, is used instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '../../util/crc32c.ts';
import { listOffsetFiles } from './log-segment.ts';

export const SNAPSHOT_SUFFIX = '.snapshot';
const SNAPSHOT_VERSION = 1;
const HEADER_SIZE = 18;
const PRODUCER_FIXED = 8 + 2 + 4 + 8 + 1;
const BATCH_SIZE = 36;
const MAX_BATCHES = 5;
/** Snapshots kept at or below the active segment's base (the last two rolls), besides the newest. */
export const SNAPSHOTS_KEPT = 2;

export interface SnapshotBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface SnapshotProducer {
  producerId: bigint;
  epoch: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
  batches: SnapshotBatch[];
}

export function snapshotPath(dir: string, offset: number): string {
  return path.join(dir, String(offset).padStart(20, '0') + SNAPSHOT_SUFFIX);
}

export function encodeSnapshot(offset: number, producers: readonly SnapshotProducer[]): Buffer {
  let size = HEADER_SIZE;
  for (const p of producers) {
    if (p.batches.length > MAX_BATCHES) throw new Error(`producer ${p.producerId} has ${p.batches.length} batches, at most ${MAX_BATCHES} fit a snapshot`);
    size += PRODUCER_FIXED + p.batches.length * BATCH_SIZE;
  }
  const buf = Buffer.alloc(size);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeBigInt64BE(BigInt(offset), 6);
  buf.writeInt32BE(producers.length, 14);
  let pos = HEADER_SIZE;
  for (const p of producers) {
    buf.writeBigInt64BE(p.producerId, pos);
    buf.writeInt16BE(p.epoch, pos + 8);
    buf.writeInt32BE(p.coordinatorEpoch, pos + 10);
    buf.writeBigInt64BE(BigInt(p.currentTxnFirstOffset), pos + 14);
    buf.writeInt8(p.batches.length, pos + 22);
    pos += PRODUCER_FIXED;
    for (const b of p.batches) {
      buf.writeInt32BE(b.firstSeq, pos);
      buf.writeInt32BE(b.lastSeq, pos + 4);
      buf.writeBigInt64BE(BigInt(b.baseOffset), pos + 8);
      buf.writeBigInt64BE(BigInt(b.lastOffset), pos + 16);
      buf.writeBigInt64BE(BigInt(b.timestamp), pos + 24);
      pos += BATCH_SIZE;
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(6)), 2);
  return buf;
}

/** Decodes a snapshot; throws with the reason when it is torn, corrupt or not for `offset`. */
export function decodeSnapshot(buf: Buffer, offset: number): SnapshotProducer[] {
  if (buf.length < HEADER_SIZE) throw new Error(`${buf.length} bytes, shorter than the ${HEADER_SIZE}-byte header`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new Error(`version ${version}, expected ${SNAPSHOT_VERSION}`);
  const crc = crc32c(buf.subarray(6));
  if (crc !== buf.readUInt32BE(2)) throw new Error(`CRC mismatch (stored ${buf.readUInt32BE(2)}, computed ${crc})`);
  const stored = Number(buf.readBigInt64BE(6));
  if (stored !== offset) throw new Error(`holds offset ${stored}, its name says ${offset}`);
  const count = buf.readInt32BE(14);
  const out: SnapshotProducer[] = [];
  let pos = HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (pos + PRODUCER_FIXED > buf.length) throw new Error(`producer ${i} of ${count} is cut off`);
    const n = buf.readInt8(pos + 22);
    if (n < 0 || n > MAX_BATCHES) throw new Error(`producer ${i} has batch count ${n}`);
    const p: SnapshotProducer = {
      producerId: buf.readBigInt64BE(pos),
      epoch: buf.readInt16BE(pos + 8),
      coordinatorEpoch: buf.readInt32BE(pos + 10),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(pos + 14)),
      batches: [],
    };
    pos += PRODUCER_FIXED;
    if (pos + n * BATCH_SIZE > buf.length) throw new Error(`producer ${i} of ${count} is cut off`);
    for (let j = 0; j < n; j++, pos += BATCH_SIZE) {
      p.batches.push({
        firstSeq: buf.readInt32BE(pos),
        lastSeq: buf.readInt32BE(pos + 4),
        baseOffset: Number(buf.readBigInt64BE(pos + 8)),
        lastOffset: Number(buf.readBigInt64BE(pos + 16)),
        timestamp: Number(buf.readBigInt64BE(pos + 24)),
      });
    }
    out.push(p);
  }
  if (pos !== buf.length) throw new Error(`${buf.length - pos} trailing bytes`);
  return out;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export function listSnapshotOffsets(dir: string): number[] {
  return listOffsetFiles(dir, SNAPSHOT_SUFFIX);
}

export function readSnapshot(dir: string, offset: number): SnapshotProducer[] {
  return decodeSnapshot(fs.readFileSync(snapshotPath(dir, offset)), offset);
}

export function deleteSnapshot(dir: string, offset: number): void {
  fs.rmSync(snapshotPath(dir, offset), { force: true });
}

/**
 * Writes the snapshot at `offset` (replacing one there), then prunes. Kept: the newest snapshot,
 * and the newest SNAPSHOTS_KEPT at or below `activeBase` (the active segment's base offset). Why
 * not simply the newest two: a clean shutdown writes one at the log end, and an unclean stop after
 * the next start re-verifies from the recovery point (a segment base), which needs a snapshot at
 * or below it: the ones taken at the last rolls. Kafka keeps one per segment; three files suffice
 * here because the recovery point trails the active segment by at most the segments not yet fsynced.
 */
export function writeSnapshot(dir: string, offset: number, producers: readonly SnapshotProducer[], activeBase: number): void {
  const file = snapshotPath(dir, offset);
  fs.writeFileSync(file + '.tmp', encodeSnapshot(offset, producers));
  fs.renameSync(file + '.tmp', file);
  const offsets = listSnapshotOffsets(dir);
  const keep = new Set([offsets.at(-1), ...offsets.filter((o) => o <= activeBase).slice(-SNAPSHOTS_KEPT)]);
  for (const old of offsets) if (!keep.has(old)) deleteSnapshot(dir, old);
}
