/*
 * Byte layouts of a versioned store's rows inside its backing bytes store (one LevelDB database
 * or one in-memory map per store per task), after Kafka Streams' RocksDBVersionedStore: a
 * "latest value" row per key plus history rows grouped into segments by validTo, all logical
 * rows of one physical store, so one batch writes them (and the changelog offset) atomically.
 *
 * Row keys (big-endian):
 *   0x00 ‖ key                        latest row: the newest version when it has a value
 *   0x01 ‖ uint64 segmentId ‖ key      history row: the key's versions whose validTo lies in
 *                                      [segmentId × interval, (segmentId + 1) × interval)
 *   0x02 ‖ "observed-stream-time"      int64: the store's observed stream time
 * Segment ids are non-negative (timestamps are), so byte order is segment order.
 *
 * Latest row value:   int64 timestamp ‖ value bytes                (Kafka's LatestValueFormatter)
 * History row value:  int64 nextTimestamp ‖ version*, oldest first
 *                     version = int64 validFrom ‖ int32 length (-1 = tombstone) ‖ bytes
 * Invariants: a row holds consecutive versions of its key; the validTo of each version is the
 * validFrom of the next one, and that of the row's last version is nextTimestamp. A tombstone
 * that is the key's latest version has no later version to end it: it is stored in the row of
 * the segment of its own timestamp with nextTimestamp = its validFrom (Kafka's "degenerate"
 * segment value) — the only case where validTo = validFrom.
 */

export const LATEST_PREFIX = 0x00;
export const SEGMENT_PREFIX = 0x01;
export const OBSERVED_TIME_KEY = Buffer.concat([Buffer.from([0x02]), Buffer.from('observed-stream-time')]);

/** One version as stored: value null = tombstone. */
export interface StoredVersion {
  readonly timestamp: number;
  readonly value: Buffer | null;
}

export function latestKey(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + key.length);
  out[0] = LATEST_PREFIX;
  key.copy(out, 1);
  return out;
}

export function segmentKey(segmentId: number, key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(9 + key.length);
  out[0] = SEGMENT_PREFIX;
  out.writeBigUInt64BE(BigInt(segmentId), 1);
  key.copy(out, 9);
  return out;
}

/** The first key of segment `segmentId` (every row of a lower segment sorts before it). */
export function segmentStart(segmentId: number): Buffer {
  return segmentKey(segmentId, Buffer.alloc(0));
}

export function encodeLatest(timestamp: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + value.length);
  out.writeBigInt64BE(BigInt(timestamp), 0);
  value.copy(out, 8);
  return out;
}

export function decodeLatest(row: Buffer): StoredVersion {
  if (row.length < 8) throw new Error(`versioned store: a latest-value row is ${row.length} bytes; it needs an 8-byte timestamp`);
  return { timestamp: Number(row.readBigInt64BE(0)), value: row.subarray(8) };
}

export interface HistoryRow {
  /** validTo of the last version (= its timestamp for a latest tombstone). */
  readonly nextTimestamp: number;
  /** Oldest first. */
  readonly versions: StoredVersion[];
}

export function encodeHistory(row: HistoryRow): Buffer {
  let size = 8;
  for (const v of row.versions) size += 12 + (v.value === null ? 0 : v.value.length);
  const out = Buffer.allocUnsafe(size);
  out.writeBigInt64BE(BigInt(row.nextTimestamp), 0);
  let pos = 8;
  for (const v of row.versions) {
    out.writeBigInt64BE(BigInt(v.timestamp), pos);
    out.writeInt32BE(v.value === null ? -1 : v.value.length, pos + 8);
    pos += 12;
    if (v.value !== null) pos += v.value.copy(out, pos);
  }
  return out;
}

export function decodeHistory(row: Buffer): HistoryRow {
  const bad = (why: string) => new Error(`versioned store: corrupt history row (${row.length} bytes): ${why}`);
  if (row.length < 8) throw bad('no next timestamp');
  const nextTimestamp = Number(row.readBigInt64BE(0));
  const versions: StoredVersion[] = [];
  let pos = 8;
  while (pos < row.length) {
    if (pos + 12 > row.length) throw bad(`truncated version header at byte ${pos}`);
    const timestamp = Number(row.readBigInt64BE(pos));
    const len = row.readInt32BE(pos + 8);
    pos += 12;
    if (len < -1 || pos + Math.max(len, 0) > row.length) throw bad(`value length ${len} at byte ${pos - 4}`);
    versions.push({ timestamp, value: len === -1 ? null : row.subarray(pos, pos + len) });
    pos += Math.max(len, 0);
  }
  return { nextTimestamp, versions };
}

export function encodeTime(t: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeBigInt64BE(BigInt(t), 0);
  return out;
}

export function decodeTime(b: Buffer): number {
  return Number(b.readBigInt64BE(0));
}
