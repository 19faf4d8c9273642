/*
 * Sparse offset index of one segment (`<base>.index`): maps offsets to file positions so a read
 * starts scanning near its target instead of at position 0.
 *
 * File layout: a flat array of 8-byte entries, big-endian, no header.
 *   off size field
 *     0   4  relativeOffset int32   baseOffset of a batch − the segment's base offset
 *     4   4  position int32         byte position of that batch in the `.log` file
 *
 * Invariants: entries are strictly increasing in both fields; an entry is added for the first
 * batch that starts at least `index.interval.bytes` after the previous entry's batch (so the
 * index holds about one entry per 4 KiB of log). Lookup returns the position of the greatest
 * entry ≤ target, or 0, which is always a batch boundary at or before the target's batch.
 *
 * The entries live in memory (the source of truth while the segment is open); new entries are
 * written to the file in `flush()` (called on every fsync pass, roll and close). After an unclean
 * stop the file may lag or be torn, which is why recovery rebuilds indexes from the log; a file
 * whose size is not a multiple of 8 or whose entries are not increasing is rejected by `load`.
 * The storage, search and file handling are shared with the time index (sparse-index.ts).
 */
import { SparseIndex } from './sparse-index.ts';
import type { SparseIndexCodec } from './sparse-index.ts';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

/** key = relativeOffset, value = position. */
const CODEC: SparseIndexCodec = {
  entrySize: OFFSET_INDEX_ENTRY_SIZE,
  keyColumn: Int32Array,
  valueColumn: Int32Array,
  readKey: (bytes, at) => bytes.readInt32BE(at),
  readValue: (bytes, at) => bytes.readInt32BE(at + 4),
  write: (buf, at, relativeOffset, position) => {
    buf.writeInt32BE(relativeOffset, at);
    buf.writeInt32BE(position, at + 4);
  },
  isValid: (relativeOffset, position) => relativeOffset >= 0 && position >= 0,
};

export class OffsetIndex extends SparseIndex {
  /** A new empty index; truncates any existing file at `path`. */
  static create(path: string): OffsetIndex {
    SparseIndex.truncateFile(path);
    return new OffsetIndex(path, CODEC, null);
  }

  /**
   * Loads `path`. Returns null when the file is missing or malformed (wrong size, entries not
   * increasing, a position at or beyond `logSize`): the caller then rebuilds it from the log.
   */
  static load(path: string, logSize: number): OffsetIndex | null {
    const loaded = SparseIndex.readFile(path, {
      ...CODEC,
      isValid: (relativeOffset, position) => CODEC.isValid(relativeOffset, position) && position < logSize,
    });
    return loaded === null ? null : new OffsetIndex(path, CODEC, loaded);
  }

  lastPosition(): number {
    return this.lastValue() ?? 0;
  }

  lastRelativeOffset(): number {
    return this.lastKey() ?? -1;
  }

  /** Adds an entry; ignored unless both fields exceed the last entry (keeps the invariant). */
  append(relativeOffset: number, position: number): void {
    this.appendEntry(relativeOffset, position);
  }

  /** Position of the greatest entry whose relative offset ≤ `relativeOffset`, else 0. */
  lookup(relativeOffset: number): number {
    return this.floorValue(relativeOffset, true) ?? 0;
  }
}
