/*
 * WindowBytesStore: the bytes-level window store — values by (key, window start), with
 * retention and segment expiry (segments.ts) over a memory or LevelDB backing store — Kafka
 * Streams' RocksDBWindowStore / InMemoryWindowStore. MeteredWindowStore puts serdes on top.
 *
 * Operations and order of results:
 *   put(key, value | null, start)    null deletes; with retainDuplicates every put is a new
 *                                    entry (seqnum 1, 2, …) and a null put is ignored, as in
 *                                    Kafka (stream-stream joins keep every record this way)
 *   fetch(key, start)                the value at exactly that window start (first duplicate)
 *   fetchRange(key, from, to)        entries of one key with from <= start <= to, ascending
 *                                    start (then seqnum); `backward` reverses
 *   fetchAll(from, to) / all()       every key, ascending (start, key bytes, seqnum) — the
 *                                    order of Kafka's in-memory and time-ordered window stores,
 *                                    which emit-on-window-close relies on; `backward` reverses
 * Results are materialised per call from the searched segments (bounded by the time range), so
 * a caller may write to the store while walking them.
 */
import type { BytesKeyValueStore } from '../bytes-store.ts';
import { SegmentedStoreBase, type SegmentedStoreOptions } from './segmented-store-base.ts';
import { SEGMENT_PREFIX_BYTES, decodeWindowKey, readInt64, segmentPrefix, windowKey, withSegment } from './window-key-schema.ts';

export interface WindowEntryBytes {
  key: Buffer;
  windowStart: number;
  seqnum: number;
  value: Buffer;
}

export interface WindowBytesStoreOptions extends SegmentedStoreOptions {
  windowSizeMs: number;
  retainDuplicates: boolean;
}

const MAX_SEQ = 0x7fffffff;

export class WindowBytesStore extends SegmentedStoreBase {
  #seqnum = 0;

  constructor(
    inner: BytesKeyValueStore,
    readonly windowOptions: WindowBytesStoreOptions,
  ) {
    super(inner, windowOptions);
  }

  get windowSizeMs(): number {
    return this.windowOptions.windowSizeMs;
  }

  get retainDuplicates(): boolean {
    return this.windowOptions.retainDuplicates;
  }

  protected timeOfChangelogKey(changelogKey: Buffer): number {
    return decodeWindowKey(changelogKey).windowStart;
  }

  /** Returns false when the window start is older than retention (the entry was not stored). */
  put(key: Buffer, value: Buffer | null, windowStart: number): boolean {
    if (this.retainDuplicates && value === null) return true;
    let seq = 0;
    if (this.retainDuplicates) {
      this.#seqnum = this.#seqnum >= MAX_SEQ ? 1 : this.#seqnum + 1;
      seq = this.#seqnum;
    }
    return this.write(windowKey(key, windowStart, seq), windowStart, value, true);
  }

  fetch(key: Buffer, windowStart: number): Buffer | undefined {
    if (windowStart < this.segments.minLiveTime()) return undefined;
    if (!this.retainDuplicates) {
      const stored = this.inner.get(withSegment(this.segments.segmentId(windowStart), windowKey(key, windowStart, 0)));
      return stored;
    }
    return this.fetchRange(key, windowStart, windowStart, false)[0]?.value;
  }

  fetchRange(key: Buffer, from: number, to: number, backward: boolean): WindowEntryBytes[] {
    const lo = Math.max(from, this.segments.minLiveTime(), 0);
    if (lo > to) return [];
    const out: WindowEntryBytes[] = [];
    for (const id of this.segments.idsBetween(lo, to)) {
      const start = withSegment(id, windowKey(key, lo, 0));
      const end = withSegment(id, windowKey(key, to, -1));
      for (const { key: backing, value } of this.inner.range(start, end)) {
        const d = decodeWindowKey(backing.subarray(SEGMENT_PREFIX_BYTES));
        if (d.windowStart < lo || d.windowStart > to || !d.key.equals(key)) continue;
        out.push({ key: d.key, windowStart: d.windowStart, seqnum: d.seqnum, value });
      }
    }
    // Within one segment, ranges of a longer key ("a" vs "a\0…") may interleave; keep time order.
    out.sort(compareTimeThenKey);
    return backward ? out.reverse() : out;
  }

  fetchAll(from: number, to: number, backward: boolean): WindowEntryBytes[] {
    const lo = Math.max(from, this.segments.minLiveTime(), 0);
    if (lo > to) return [];
    return this.#scan(this.segments.idsBetween(lo, to), lo, to, backward);
  }

  all(backward: boolean): WindowEntryBytes[] {
    return this.#scan(this.segments.allIds(), Math.max(0, this.segments.minLiveTime()), Number.MAX_SAFE_INTEGER, backward);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  #scan(ids: number[], lo: number, hi: number, backward: boolean): WindowEntryBytes[] {
    const out: WindowEntryBytes[] = [];
    for (const id of ids) {
      for (const { key: backing, value } of this.inner.prefixScanBytes(segmentPrefix(id))) {
        const start = readInt64(backing, backing.length - 12);
        if (start < lo || start > hi) continue;
        const d = decodeWindowKey(backing.subarray(SEGMENT_PREFIX_BYTES));
        out.push({ key: d.key, windowStart: d.windowStart, seqnum: d.seqnum, value });
      }
    }
    out.sort(compareTimeThenKey);
    return backward ? out.reverse() : out;
  }
}

function compareTimeThenKey(a: WindowEntryBytes, b: WindowEntryBytes): number {
  return a.windowStart - b.windowStart || Buffer.compare(a.key, b.key) || a.seqnum - b.seqnum;
}
