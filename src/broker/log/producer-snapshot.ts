/*
 * Producer-state snapshot files `<20-digit offset>.snapshot` in a partition directory: the state
 * of every producer of the partition after all batches below `offset` (the offset is the file
 * name's; the file does not repeat it). Written at segment roll and at clean shutdown (which files
 * are kept: writeSnapshot). At start the newest usable one is loaded and only the log after its
 * offset is scanned (txn/partition-state-loader.ts).
 *
 * Kafka's layout, version 1 (apache/kafka storage/src/main/java/org/apache/kafka/storage/
 * internals/log/ProducerStateManager.java, PID_SNAPSHOT_MAP_SCHEMA and
 * PRODUCER_SNAPSHOT_ENTRY_SCHEMA), big-endian:
 *
 *   header   0  int16  version = 1
 *            2  uint32 CRC-32C of every byte from offset 6 to the end
 *            6  int32  entry count
 *   entry   +0  int64  producerId
 *  (46 B)   +8  int16  epoch
 *          +10  int32  lastSequence          last sequence of the producer's last batch (-1: none)
 *          +14  int64  lastOffset            last offset of that batch (-1: no batch)
 *          +22  int32  offsetDelta           lastOffset − the batch's first offset (0: no batch)
 *          +26  int64  timestamp             max timestamp of the producer's last append
 *          +34  int32  coordinatorEpoch      of the producer's last transaction marker (-1: none)
 *          +38  int64  currentTxnFirstOffset first offset of its open transaction (-1: none)
 *
 * As in Kafka only the producer's LAST batch is stored, although up to five are kept in memory
 * (producer-state.ts): after a restart a retry of that batch is still a duplicate, while a retry
 * of an older one gets OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka's checkSequence), unless the log after
 * the snapshot (scanned at load) holds it again.
 *
 * Tributary's own use of the fields: an entry whose epoch is -1 has no idempotence state here,
 * only an open transaction or a marker's coordinator epoch (txn/partition-snapshot.ts).
 *
 * Files are written to a temporary name and renamed, without fsync: a snapshot is a cache of the
 * log. One that is torn, fails its CRC or lies beyond the log end (truncation) is deleted at load
 * and an older one, or a full scan, is used instead. Snapshots in Tributary's earlier layout are
 * still read (producer-snapshot-legacy.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '../../util/crc32c.ts';
import { listOffsetFiles } from './log-segment.ts';
import { decodeLegacySnapshot } from './producer-snapshot-legacy.ts';

export const SNAPSHOT_SUFFIX = '.snapshot';
export const SNAPSHOT_VERSION = 1;
/** Bytes before the first entry; the CRC covers everything from CRC_FROM on. */
const HEADER_SIZE = 10;
const CRC_FROM = 6;
export const SNAPSHOT_ENTRY_SIZE = 46;
/** Snapshots kept at or below the active segment's base (the last two rolls), besides the newest. */
export const SNAPSHOTS_KEPT = 2;

/** One producer, as Kafka's ProducerStateEntry is written (see the layout above). */
export interface SnapshotEntry {
  producerId: bigint;
  epoch: number;
  lastSequence: number;
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
}

export function snapshotPath(dir: string, offset: number): string {
  return path.join(dir, String(offset).padStart(20, '0') + SNAPSHOT_SUFFIX);
}

export function encodeSnapshot(entries: readonly SnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE + entries.length * SNAPSHOT_ENTRY_SIZE);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, 6);
  let pos = HEADER_SIZE;
  for (const e of entries) {
    buf.writeBigInt64BE(e.producerId, pos);
    buf.writeInt16BE(e.epoch, pos + 8);
    buf.writeInt32BE(e.lastSequence, pos + 10);
    buf.writeBigInt64BE(BigInt(e.lastOffset), pos + 14);
    buf.writeInt32BE(e.offsetDelta, pos + 22);
    buf.writeBigInt64BE(BigInt(e.timestamp), pos + 26);
    buf.writeInt32BE(e.coordinatorEpoch, pos + 34);
    buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), pos + 38);
    pos += SNAPSHOT_ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_FROM)), 2);
  return buf;
}

/** Decodes a snapshot in Kafka's layout; throws with the reason when it is torn or corrupt. */
export function decodeSnapshot(buf: Buffer): SnapshotEntry[] {
  if (buf.length < HEADER_SIZE) throw new Error(`${buf.length} bytes, shorter than the ${HEADER_SIZE}-byte header`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new Error(`unknown snapshot version ${version}, expected ${SNAPSHOT_VERSION}`);
  const crc = crc32c(buf.subarray(CRC_FROM));
  if (crc !== buf.readUInt32BE(2)) throw new Error(`CRC mismatch (stored ${buf.readUInt32BE(2)}, computed ${crc})`);
  const count = buf.readInt32BE(6);
  if (count < 0) throw new Error(`entry count ${count}`);
  const expected = HEADER_SIZE + count * SNAPSHOT_ENTRY_SIZE;
  if (buf.length !== expected) throw new Error(`${count} entries need ${expected} bytes, the file has ${buf.length}`);
  const out: SnapshotEntry[] = [];
  for (let pos = HEADER_SIZE; pos < buf.length; pos += SNAPSHOT_ENTRY_SIZE) {
    out.push({
      producerId: buf.readBigInt64BE(pos),
      epoch: buf.readInt16BE(pos + 8),
      lastSequence: buf.readInt32BE(pos + 10),
      lastOffset: Number(buf.readBigInt64BE(pos + 14)),
      offsetDelta: buf.readInt32BE(pos + 22),
      timestamp: Number(buf.readBigInt64BE(pos + 26)),
      coordinatorEpoch: buf.readInt32BE(pos + 34),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(pos + 38)),
    });
  }
  return out;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export function listSnapshotOffsets(dir: string): number[] {
  return listOffsetFiles(dir, SNAPSHOT_SUFFIX);
}

/**
 * Reads the snapshot at `offset`: Kafka's layout, else Tributary's earlier one (kept readable so
 * an upgraded broker does not rescan its logs). Throws the Kafka decoder's reason when neither fits.
 */
export function readSnapshot(dir: string, offset: number): SnapshotEntry[] {
  const buf = fs.readFileSync(snapshotPath(dir, offset));
  try {
    return decodeSnapshot(buf);
  } catch (err) {
    const legacy = decodeLegacySnapshot(buf, offset);
    if (legacy !== null) return legacy;
    throw err;
  }
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
export function writeSnapshot(dir: string, offset: number, entries: readonly SnapshotEntry[], activeBase: number): void {
  const file = snapshotPath(dir, offset);
  fs.writeFileSync(file + '.tmp', encodeSnapshot(entries));
  fs.renameSync(file + '.tmp', file);
  const offsets = listSnapshotOffsets(dir);
  const keep = new Set([offsets.at(-1), ...offsets.filter((o) => o <= activeBase).slice(-SNAPSHOTS_KEPT)]);
  for (const old of offsets) if (!keep.has(old)) deleteSnapshot(dir, old);
}
