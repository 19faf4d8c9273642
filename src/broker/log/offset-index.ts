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
 */
import fs from 'node:fs';
import { fsyncPath } from './fs-sync.ts';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex {
  private rel: Int32Array;
  private pos: Int32Array;
  private count = 0;
  /** Entries [0, written) are already in the file. */
  private written = 0;

  private constructor(readonly path: string, capacity: number) {
    this.rel = new Int32Array(Math.max(16, capacity));
    this.pos = new Int32Array(Math.max(16, capacity));
  }

  /** A new empty index; truncates any existing file at `path`. */
  static create(path: string): OffsetIndex {
    fs.writeFileSync(path, Buffer.alloc(0));
    return new OffsetIndex(path, 16);
  }

  /**
   * Loads `path`. Returns null when the file is missing or malformed (wrong size, entries not
   * increasing, a position at or beyond `logSize`): the caller then rebuilds it from the log.
   */
  static load(path: string, logSize: number): OffsetIndex | null {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch {
      return null;
    }
    if (bytes.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return null;
    const n = bytes.length / OFFSET_INDEX_ENTRY_SIZE;
    const idx = new OffsetIndex(path, n);
    for (let i = 0; i < n; i++) {
      const r = bytes.readInt32BE(i * 8);
      const p = bytes.readInt32BE(i * 8 + 4);
      if (r < 0 || p < 0 || p >= logSize) return null;
      if (i > 0 && (r <= idx.rel[i - 1]! || p <= idx.pos[i - 1]!)) return null;
      idx.rel[i] = r;
      idx.pos[i] = p;
    }
    idx.count = n;
    idx.written = n;
    return idx;
  }

  get entries(): number {
    return this.count;
  }

  lastPosition(): number {
    return this.count === 0 ? 0 : this.pos[this.count - 1]!;
  }

  lastRelativeOffset(): number {
    return this.count === 0 ? -1 : this.rel[this.count - 1]!;
  }

  /** Adds an entry; ignored unless both fields exceed the last entry (keeps the invariant). */
  append(relativeOffset: number, position: number): void {
    if (this.count > 0 && (relativeOffset <= this.rel[this.count - 1]! || position <= this.pos[this.count - 1]!)) return;
    if (this.count === this.rel.length) {
      const r = new Int32Array(this.rel.length * 2);
      r.set(this.rel);
      this.rel = r;
      const p = new Int32Array(this.pos.length * 2);
      p.set(this.pos);
      this.pos = p;
    }
    this.rel[this.count] = relativeOffset;
    this.pos[this.count] = position;
    this.count++;
  }

  /** Position of the greatest entry whose relative offset ≤ `relativeOffset`, else 0. */
  lookup(relativeOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid]! <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : this.pos[found]!;
  }

  /** Writes entries not yet in the file (append at the end of the file). */
  /** Returns true when it wrote anything. */
  flush(): boolean {
    if (this.written === this.count) return false;
    const buf = Buffer.allocUnsafe((this.count - this.written) * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = this.written, o = 0; i < this.count; i++, o += 8) {
      buf.writeInt32BE(this.rel[i]!, o);
      buf.writeInt32BE(this.pos[i]!, o + 4);
    }
    const fd = fs.openSync(this.path, 'a');
    try {
      fs.writeSync(fd, buf);
    } finally {
      fs.closeSync(fd);
    }
    this.written = this.count;
    return true;
  }

  /** Rewrites the whole file from memory (after a rebuild); optionally fsyncs it. */
  writeAll(fsync: boolean): void {
    this.written = 0;
    fs.writeFileSync(this.path, Buffer.alloc(0));
    this.flush();
    if (fsync) fsyncPath(this.path);
  }
}
