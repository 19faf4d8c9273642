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
 * policy as the offset index: rebuilt after an unclean stop, rejected by `load` when malformed).
 */
import fs from 'node:fs';
import { fsyncPath } from './fs-sync.ts';

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex {
  private ts: Float64Array;
  private rel: Int32Array;
  private count = 0;
  private written = 0;

  private constructor(readonly path: string, capacity: number) {
    this.ts = new Float64Array(Math.max(16, capacity));
    this.rel = new Int32Array(Math.max(16, capacity));
  }

  static create(path: string): TimeIndex {
    fs.writeFileSync(path, Buffer.alloc(0));
    return new TimeIndex(path, 16);
  }

  /** Loads `path`; null when missing or malformed (then the caller rebuilds from the log). */
  static load(path: string): TimeIndex | null {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch {
      return null;
    }
    if (bytes.length % TIME_INDEX_ENTRY_SIZE !== 0) return null;
    const n = bytes.length / TIME_INDEX_ENTRY_SIZE;
    const idx = new TimeIndex(path, n);
    for (let i = 0; i < n; i++) {
      const t = Number(bytes.readBigInt64BE(i * 12));
      const r = bytes.readInt32BE(i * 12 + 8);
      if (r < 0) return null;
      if (i > 0 && (t <= idx.ts[i - 1]! || r <= idx.rel[i - 1]!)) return null;
      idx.ts[i] = t;
      idx.rel[i] = r;
    }
    idx.count = n;
    idx.written = n;
    return idx;
  }

  get entries(): number {
    return this.count;
  }

  /** The last entry, or null when empty. */
  last(): { timestamp: number; relativeOffset: number } | null {
    if (this.count === 0) return null;
    return { timestamp: this.ts[this.count - 1]!, relativeOffset: this.rel[this.count - 1]! };
  }

  /** Adds (timestamp, relativeOffset) when both exceed the last entry; otherwise ignored. */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    if (this.count > 0 && (timestamp <= this.ts[this.count - 1]! || relativeOffset <= this.rel[this.count - 1]!)) return;
    if (this.count === this.ts.length) {
      const t = new Float64Array(this.ts.length * 2);
      t.set(this.ts);
      this.ts = t;
      const r = new Int32Array(this.rel.length * 2);
      r.set(this.rel);
      this.rel = r;
    }
    this.ts[this.count] = timestamp;
    this.rel[this.count] = relativeOffset;
    this.count++;
  }

  /** Relative offset of the greatest entry with timestamp < `target`, or -1 (scan from start). */
  lookupBefore(target: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? -1 : this.rel[found]!;
  }

  /** Returns true when it wrote anything. */
  flush(): boolean {
    if (this.written === this.count) return false;
    const buf = Buffer.allocUnsafe((this.count - this.written) * TIME_INDEX_ENTRY_SIZE);
    for (let i = this.written, o = 0; i < this.count; i++, o += 12) {
      buf.writeBigInt64BE(BigInt(this.ts[i]!), o);
      buf.writeInt32BE(this.rel[i]!, o + 8);
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

  writeAll(fsync: boolean): void {
    this.written = 0;
    fs.writeFileSync(this.path, Buffer.alloc(0));
    this.flush();
    if (fsync) fsyncPath(this.path);
  }
}
