/*
 * Sparse time index of one segment (`<base>.timeindex`): narrows ListOffsets-by-timestamp to a
 * small part of the segment.
 *
 * File layout: a flat array of 12-byte entries, big-endian, no header.
 *   off size field
 *     0   8  timestamp int64        the largest batch maxTimestamp seen in the segment so far
 *     8   4  relativeOffset int32   baseOffset of the batch that carried it − segment base
 *
 * Invariants: timestamps and relative offsets are strictly increasing. An entry is added together
 * with an offset-index entry when the segment's max timestamp grew since the last entry, and once
 * more when the segment stops being active (roll/close), so the last entry of an inactive segment
 * carries its largest timestamp. Meaning of an entry (t, o): every batch up to and including the
 * one whose base offset is o has maxTimestamp ≤ t. So for a target T, all records in batches up
 * to the greatest entry with t < T are older than T, and a by-timestamp scan may start at that
 * entry's batch (the offset index gives a position at or before it).
 *
 * Memory is the source of truth while open; `flush()` appends new entries to the file (same
 * policy as the offset index: rebuilt after an unclean stop, rejected by `load` when malformed);
 * the storage, search and file handling are shared with it (sparse-index.ts).
 */
import { SparseIndex } from './sparse-index.ts';
import type { SparseIndexCodec } from './sparse-index.ts';

export const TIME_INDEX_ENTRY_SIZE = 12;

/** key = timestamp (int64 on disk, a double in memory), value = relativeOffset. */
const CODEC: SparseIndexCodec = {
  entrySize: TIME_INDEX_ENTRY_SIZE,
  keyColumn: Float64Array,
  valueColumn: Int32Array,
  readKey: (bytes, at) => Number(bytes.readBigInt64BE(at)),
  readValue: (bytes, at) => bytes.readInt32BE(at + 8),
  write: (buf, at, timestamp, relativeOffset) => {
    buf.writeBigInt64BE(BigInt(timestamp), at);
    buf.writeInt32BE(relativeOffset, at + 8);
  },
  isValid: (_timestamp, relativeOffset) => relativeOffset >= 0,
};

export class TimeIndex extends SparseIndex {
  static create(path: string): TimeIndex {
    SparseIndex.truncateFile(path);
    return new TimeIndex(path, CODEC, null);
  }

  /** Loads `path`; null when missing or malformed (then the caller rebuilds from the log). */
  static load(path: string): TimeIndex | null {
    const loaded = SparseIndex.readFile(path, CODEC);
    return loaded === null ? null : new TimeIndex(path, CODEC, loaded);
  }

  /** The last entry, or null when empty. */
  last(): { timestamp: number; relativeOffset: number } | null {
    const timestamp = this.lastKey();
    const relativeOffset = this.lastValue();
    if (timestamp === undefined || relativeOffset === undefined) return null;
    return { timestamp, relativeOffset };
  }

  /** Adds (timestamp, relativeOffset) when both exceed the last entry; otherwise ignored. */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    this.appendEntry(timestamp, relativeOffset);
  }

  /** Relative offset of the greatest entry with timestamp < `target`, or -1 (scan from start). */
  lookupBefore(target: number): number {
    return this.floorValue(target, false) ?? -1;
  }
}
