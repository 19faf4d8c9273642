/*
 * SegmentBacking: what the window and session bytes stores keep their entries in — a map from
 * (segment id, key bytes, time, sub) to value bytes, with the commit/restore lifecycle of a
 * bytes store (bytes-store.ts). Two implementations:
 *
 *   MemorySegmentBacking   per segment, a hash map key → row of (time, sub, value) sorted by
 *                          (time, sub), plus the segment's keys in byte order for key ranges. No
 *                          composite keys are built on the hot path (memory-segment-backing.ts).
 *   KvSegmentBacking       segment-prefixed composite keys in a BytesKeyValueStore (LevelDB or
 *                          memory), the byte layout of window-key-schema.ts (kv-segment-backing.ts).
 *
 * The two stores map their entries onto the tuple:
 *   window store   time = window start, sub = seqnum (0, or 1.. with retainDuplicates)
 *   session store  time = session end,  sub = session start
 * and segment = floor(time / segmentInterval) (segments.ts).
 *
 * Contract both implementations keep (the stores rely on it; tests hold them to it):
 *  - collect() appends one segment's entries with keyFrom <= key <= keyTo (bytes, unsigned,
 *    lexicographic; undefined = unbounded) and lo <= time <= hi, ordered by (key bytes, time,
 *    sub) — exactly, also for keys that extend one another ("a" and "a\0").
 *  - A put of null removes the entry; an empty row or segment is not kept.
 *  - Results are copies (arrays of entries), so callers may write while walking them.
 */
import type { RestoreRecord } from '../bytes-store.ts';
import type { StoreContext } from '../store-types.ts';

export interface SegmentEntry {
  key: Buffer;
  time: number;
  sub: number;
  value: Buffer;
}

/** How a store's changelog keys map to (key, time, sub) and back (window-key-schema.ts). */
export interface EntryKeySchema {
  /** Bytes after the key in a changelog key. */
  readonly suffixBytes: number;
  encode(key: Buffer, time: number, sub: number): Buffer;
  /** Writes the suffix of (time, sub) at `offset` of `out`. */
  writeSuffix(out: Buffer, offset: number, time: number, sub: number): void;
  /** The largest possible suffix for `time` (upper bound of a time range). */
  writeMaxSuffix(out: Buffer, offset: number, time: number): void;
  timeAt(bytes: Buffer, offset: number): number;
  subAt(bytes: Buffer, offset: number): number;
}

export interface SegmentBacking {
  readonly name: string;
  readonly persistent: boolean;
  init(context: StoreContext): Promise<void>;
  isOpen(): boolean;
  /** Segment ids holding entries (ascending), and the largest time in the newest one (-1 if none). */
  loadSegments(): { ids: number[]; maxTime: number };
  get(segment: number, key: Buffer, time: number, sub: number): Buffer | undefined;
  put(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void;
  /** See the file comment. */
  collect(segment: number, keyFrom: Buffer | undefined, keyTo: Buffer | undefined, lo: number, hi: number, out: SegmentEntry[]): void;
  /** Removes every entry of a segment (directly, not through any changelog). */
  dropSegment(segment: number): void;
  approximateNumEntries(): number;
  flushCache(): void;
  commit(changelogOffset?: number): Promise<void>;
  flush(): Promise<void>;
  committedChangelogOffset(): number | undefined;
  /** Records that the changelog has been applied up to `records` (their entries were put already). */
  restored(records: ReadonlyArray<RestoreRecord>): Promise<void>;
  close(): Promise<void>;
}

/** Orders entries by (key bytes, time, sub) — collect()'s order within a segment. */
export function compareKeyTimeSub(a: SegmentEntry, b: SegmentEntry): number {
  return Buffer.compare(a.key, b.key) || a.time - b.time || a.sub - b.sub;
}
