/*
 * Reading producer-state snapshots in Tributary's earlier layout, so a broker upgraded in place
 * loads them instead of scanning every partition from its log start. Never written any more:
 * the next snapshot of the partition (segment roll, clean shutdown) is in Kafka's layout
 * (producer-snapshot.ts), and pruning removes the old files in time.
 *
 * The earlier layout, big-endian (version 1 as well; told apart from Kafka's by its structure):
 *
 *   header   0  int16  version = 1
 *            2  uint32 CRC-32C of every byte from offset 6 to the end
 *            6  int64  snapshot offset (equal to the file name's)
 *           14  int32  producer count
 *   producer    int64  producerId
 *               int16  epoch (-1: no idempotence state, only an open transaction)
 *               int32  coordinator epoch (always -1 in that layout)
 *               int64  first offset of the open transaction (-1: none)
 *               int8   batch count (0..5), oldest first, each:
 *                        int32 firstSeq | int32 lastSeq | int64 baseOffset | int64 lastOffset |
 *                        int64 maxTimestamp                                  (36 bytes)
 *
 * Only each producer's last batch is carried over, as a Kafka-layout snapshot would hold it.
 *
 * Kafka's decoder is tried first (producer-snapshot.ts, readSnapshot). It cannot take such a file
 * for its own while the offset is below 2^32: Kafka's entry count sits where this layout has the
 * high half of the offset (then 0), so Kafka's length would have to be exactly 10 bytes, while
 * this layout has at least 18. Beyond that offset a misreading needs only the file length to equal
 * 10 + 46 × (offset / 2^32) exactly: the CRC covers the same bytes in both layouts, so it does not
 * tell them apart.
 */
import { crc32c } from '../../util/crc32c.ts';
import type { SnapshotEntry } from './producer-snapshot.ts';

const LEGACY_HEADER = 18;
const LEGACY_PRODUCER = 8 + 2 + 4 + 8 + 1;
const LEGACY_BATCH = 36;
const LEGACY_MAX_BATCHES = 5;

/** The entries of a valid earlier-layout snapshot for `offset`, or null when it is not one. */
export function decodeLegacySnapshot(buf: Buffer, offset: number): SnapshotEntry[] | null {
  if (buf.length < LEGACY_HEADER || buf.readInt16BE(0) !== 1) return null;
  if (crc32c(buf.subarray(6)) !== buf.readUInt32BE(2)) return null;
  if (Number(buf.readBigInt64BE(6)) !== offset) return null;
  const count = buf.readInt32BE(14);
  if (count < 0) return null;
  const out: SnapshotEntry[] = [];
  let pos = LEGACY_HEADER;
  for (let i = 0; i < count; i++) {
    if (pos + LEGACY_PRODUCER > buf.length) return null;
    const n = buf.readInt8(pos + 22);
    if (n < 0 || n > LEGACY_MAX_BATCHES || pos + LEGACY_PRODUCER + n * LEGACY_BATCH > buf.length) return null;
    const entry: SnapshotEntry = {
      producerId: buf.readBigInt64BE(pos),
      epoch: buf.readInt16BE(pos + 8),
      lastSequence: -1,
      lastOffset: -1,
      offsetDelta: 0,
      timestamp: -1,
      coordinatorEpoch: buf.readInt32BE(pos + 10),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(pos + 14)),
    };
    pos += LEGACY_PRODUCER + n * LEGACY_BATCH;
    if (n > 0) {
      const last = pos - LEGACY_BATCH;
      const baseOffset = Number(buf.readBigInt64BE(last + 8));
      entry.lastSequence = buf.readInt32BE(last + 4);
      entry.lastOffset = Number(buf.readBigInt64BE(last + 16));
      entry.offsetDelta = entry.lastOffset - baseOffset;
      entry.timestamp = Number(buf.readBigInt64BE(last + 24));
    }
    out.push(entry);
  }
  return pos === buf.length ? out : null;
}
