/*
 * A sparse, fixed-width, append-only index file of one segment: the machinery shared by the
 * offset index (`.index`) and the time index (`.timeindex`). Each kind supplies its entry codec
 * (width, byte layout, typed-array columns, per-entry validity); this class owns everything else:
 * the in-memory columns, growth, the strictly-increasing invariant, binary search, appending new
 * entries to the file, rewriting it, and loading it back.
 *
 * File layout: a flat array of `codec.entrySize`-byte entries, no header; each entry is one
 * (key, value) pair whose byte layout the codec documents.
 *
 * Invariants: keys and values are both strictly increasing across entries; `append` silently
 * ignores an entry that would break this. Memory is the source of truth while the segment is open;
 * entries [0, written) are already in the file and `flush()` appends the rest. A file whose size
 * is not a multiple of the entry size, whose entries are not increasing, or that the codec rejects
 * is refused by `readFile` (the caller then rebuilds the index from the log).
 */
import fs from 'node:fs';
import { fsyncPath } from './fs-sync.ts';

type Column = Int32Array | Float64Array;
type ColumnConstructor = Int32ArrayConstructor | Float64ArrayConstructor;

/** How one kind of index stores its entries. */
export interface SparseIndexCodec {
  readonly entrySize: number;
  /** Typed array for the key column (the searched one) and for the value column. */
  readonly keyColumn: ColumnConstructor;
  readonly valueColumn: ColumnConstructor;
  readKey(bytes: Buffer, at: number): number;
  readValue(bytes: Buffer, at: number): number;
  write(buf: Buffer, at: number, key: number, value: number): void;
  /** Whether a loaded entry is acceptable on its own (range checks); order is checked here. */
  isValid(key: number, value: number): boolean;
}

/** Entries decoded from an index file. */
export interface LoadedEntries {
  readonly keys: Column;
  readonly values: Column;
  readonly count: number;
}

export abstract class SparseIndex {
  private keys: Column;
  private values: Column;
  private count = 0;
  /** Entries [0, written) are already in the file. */
  private written = 0;

  protected constructor(
    readonly path: string,
    private readonly codec: SparseIndexCodec,
    loaded: LoadedEntries | null,
  ) {
    if (loaded === null) {
      this.keys = new codec.keyColumn(16);
      this.values = new codec.valueColumn(16);
    } else {
      this.keys = loaded.keys;
      this.values = loaded.values;
      this.count = loaded.count;
      this.written = loaded.count;
    }
  }

  /** Truncates (or creates) the file at `path` so a new empty index can own it. */
  protected static truncateFile(path: string): void {
    fs.writeFileSync(path, Buffer.alloc(0));
  }

  /** Reads and validates the file at `path`; null when missing or malformed. */
  protected static readFile(path: string, codec: SparseIndexCodec): LoadedEntries | null {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path);
    } catch {
      return null;
    }
    if (bytes.length % codec.entrySize !== 0) return null;
    const n = bytes.length / codec.entrySize;
    const keys = new codec.keyColumn(Math.max(16, n));
    const values = new codec.valueColumn(Math.max(16, n));
    for (let i = 0; i < n; i++) {
      const k = codec.readKey(bytes, i * codec.entrySize);
      const v = codec.readValue(bytes, i * codec.entrySize);
      if (!codec.isValid(k, v)) return null;
      if (i > 0 && (k <= keys[i - 1]! || v <= values[i - 1]!)) return null;
      keys[i] = k;
      values[i] = v;
    }
    return { keys, values, count: n };
  }

  get entries(): number {
    return this.count;
  }

  protected lastKey(): number | undefined {
    return this.count === 0 ? undefined : this.keys[this.count - 1]!;
  }

  protected lastValue(): number | undefined {
    return this.count === 0 ? undefined : this.values[this.count - 1]!;
  }

  /** Adds an entry; ignored unless both fields exceed the last entry (keeps the invariant). */
  protected appendEntry(key: number, value: number): void {
    if (this.count > 0 && (key <= this.keys[this.count - 1]! || value <= this.values[this.count - 1]!)) return;
    if (this.count === this.keys.length) {
      const k = new this.codec.keyColumn(this.keys.length * 2);
      k.set(this.keys);
      this.keys = k;
      const v = new this.codec.valueColumn(this.values.length * 2);
      v.set(this.values);
      this.values = v;
    }
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }

  /**
   * Value of the greatest entry whose key is ≤ `target` (`inclusive`) or < `target` (not
   * inclusive); undefined when there is none.
   */
  protected floorValue(target: number, inclusive: boolean): number | undefined {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keys[mid]!;
      if (inclusive ? key <= target : key < target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? undefined : this.values[found]!;
  }

  /** Writes entries not yet in the file (append at the end of the file); true when it wrote any. */
  flush(): boolean {
    if (this.written === this.count) return false;
    const size = this.codec.entrySize;
    const buf = Buffer.allocUnsafe((this.count - this.written) * size);
    for (let i = this.written, o = 0; i < this.count; i++, o += size) {
      this.codec.write(buf, o, this.keys[i]!, this.values[i]!);
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
