/*
 * WindowBytesStore: the bytes-level window store — values by (key, window start), with
 * retention and segment expiry (segments.ts) over a SegmentBacking (heap layout or LevelDB,
 * segment-backing.ts) — Kafka Streams' RocksDBWindowStore / InMemoryWindowStore.
 * MeteredWindowStore puts serdes on top.
 *
 * Operations and order of results:
 *   put(key, value | null, start)    null deletes; with retainDuplicates every put is a new
 *                                    entry (seqnum 1, 2, …) and a null put is ignored, as in
 *                                    Kafka (stream-stream joins keep every record this way)
 *   fetch(key, start)                the value at exactly that window start (first duplicate)
 *   fetchRange(key, from, to)        entries of one key with from <= start <= to, ascending
 *                                    start (then seqnum); `backward` reverses
 *   fetchKeyRange(keyFrom, keyTo, from, to)
 *                                    entries with keyFrom <= key <= keyTo (bytes; undefined =
 *                                    unbounded) and from <= start <= to, in the order of Kafka's
 *                                    segmented (RocksDB) window store: by segment, then key
 *                                    bytes, then start, then seqnum; `backward` reverses. An
 *                                    inverted key range (keyFrom > keyTo) is empty, as in Kafka
 *   fetchAll(from, to) / all()       every key, ascending (start, key bytes, seqnum) — the
 *                                    order of Kafka's in-memory and time-ordered window stores,
 *                                    which emit-on-window-close relies on; `backward` reverses
 * Results are materialised per call from the searched segments (bounded by the time range), so
 * a caller may write to the store while walking them.
 */
import type { SegmentBacking, SegmentEntry } from './segment-backing.ts';
import { SegmentedStoreBase, type SegmentedStoreOptions } from './segmented-store-base.ts';
import { WINDOW_SCHEMA } from './window-key-schema.ts';

/** A window entry: `time` is the window start, `sub` the seqnum (0 without retainDuplicates). */
export type WindowEntryBytes = SegmentEntry;

export interface WindowBytesStoreOptions extends SegmentedStoreOptions {
  windowSizeMs: number;
  retainDuplicates: boolean;
}

const MAX_SEQ = 0x7fffffff;

export class WindowBytesStore extends SegmentedStoreBase {
  #seqnum = 0;

  constructor(
    inner: SegmentBacking,
    readonly windowOptions: WindowBytesStoreOptions,
  ) {
    super(inner, windowOptions, WINDOW_SCHEMA);
  }

  get windowSizeMs(): number {
    return this.windowOptions.windowSizeMs;
  }

  get retainDuplicates(): boolean {
    return this.windowOptions.retainDuplicates;
  }

  /** Returns false when the window start is older than retention (the entry was not stored). */
  put(key: Buffer, value: Buffer | null, windowStart: number): boolean {
    if (this.retainDuplicates && value === null) return true;
    let seq = 0;
    if (this.retainDuplicates) {
      this.#seqnum = this.#seqnum >= MAX_SEQ ? 1 : this.#seqnum + 1;
      seq = this.#seqnum;
    }
    return this.write(key, windowStart, seq, value, true);
  }

  fetch(key: Buffer, windowStart: number): Buffer | undefined {
    if (windowStart < this.segments.minLiveTime() || windowStart < 0) return undefined;
    if (!this.retainDuplicates) return this.inner.get(this.segments.segmentId(windowStart), key, windowStart, 0);
    return this.fetchRange(key, windowStart, windowStart, false)[0]?.value;
  }

  fetchRange(key: Buffer, from: number, to: number, backward: boolean): WindowEntryBytes[] {
    return this.#collect(key, key, from, to, backward);
  }

  fetchKeyRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, from: number, to: number, backward: boolean): WindowEntryBytes[] {
    if (keyFrom !== undefined && keyTo !== undefined && Buffer.compare(keyFrom, keyTo) > 0) return [];
    return this.#collect(keyFrom, keyTo, from, to, backward);
  }

  fetchAll(from: number, to: number, backward: boolean): WindowEntryBytes[] {
    return this.#byTimeThenKey(from, to, backward);
  }

  all(backward: boolean): WindowEntryBytes[] {
    return this.#byTimeThenKey(0, Number.MAX_SAFE_INTEGER, backward);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /** Live entries in the key and time ranges, by (segment, key, start, seqnum). */
  #collect(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, from: number, to: number, backward: boolean): WindowEntryBytes[] {
    const lo = Math.max(from, this.segments.minLiveTime(), 0);
    if (lo > to) return [];
    const out: SegmentEntry[] = [];
    for (const id of this.segments.idsBetween(lo, to)) this.inner.collect(id, keyFrom, keyTo, lo, to, out);
    return backward ? out.reverse() : out;
  }

  /** Every key's live entries with from <= start <= to, by (start, key bytes, seqnum). */
  #byTimeThenKey(from: number, to: number, backward: boolean): WindowEntryBytes[] {
    const lo = Math.max(from, this.segments.minLiveTime(), 0);
    if (lo > to) return [];
    const out: SegmentEntry[] = [];
    for (const id of this.segments.idsBetween(lo, to)) this.inner.collect(id, undefined, undefined, lo, to, out);
    out.sort(compareTimeThenKey);
    return backward ? out.reverse() : out;
  }
}

function compareTimeThenKey(a: SegmentEntry, b: SegmentEntry): number {
  return a.time - b.time || Buffer.compare(a.key, b.key) || a.sub - b.sub;
}
