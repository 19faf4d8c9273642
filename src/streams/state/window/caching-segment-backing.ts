/*
 * CachingSegmentBacking: the record cache of window and session stores — Kafka Streams'
 * CachingWindowStore / CachingSessionStore — as a SegmentBacking in front of the real one, with
 * its entries charged to the stream thread's ThreadCache (cache/thread-cache.ts). Puts are held
 * here and coalesced (one changelog record and one write below per (key, time, sub) per flush,
 * whatever the number of updates in between) until commit or eviction.
 *
 * State per entry (segment, key, time, sub):
 *   clean   value equals the layer below (after a flush)
 *   dirty   written since the last flush; value TOMBSTONE = a pending removal, which hides the
 *           entry from reads until it is flushed
 * Layout, hashed only — the per-record path (get + put of a few windows of one key) does no
 * ordered insert and builds no string id:
 *   segments  Map<segment id, CacheSegment>             (plus the last segment used, cached)
 *   CacheSegment.rows  Map<HashKey, CacheRow>           HashKey of byte-key-map.ts: a 4-byte key
 *                                                       is an int32, no string built
 *   CacheRow           the entries of one key in one segment, a doubly linked list (`head`,
 *                      prevInRow/nextInRow) in DESCENDING (time, sub) order: the per-record path
 *                      touches the newest windows of a key, so a lookup stops at the first entry
 *                      older than the one it seeks (a new window: at the head), an insert in time
 *                      order links at the head, and a row costs one small object (no Map per row:
 *                      GC was 30% of this path's time). A row can hold many entries (a 60 s
 *                      segment of 1 s windows), so an unordered list would be scanned whole on
 *                      every miss.
 *   CacheSegment.dirty the number of dirty entries of the segment, so dropSegment() knows
 *                      without a scan whether it must flush first, then drops the segment's
 *                      entries in bulk (no per-entry map deletes)
 * Order is built only for reads that need it: collect() sorts the matching entries of a row by
 * (time, sub), and a key-range collect sorts the segment's rows by key bytes once (`sorted`), then
 * keeps that array sorted on row insert/removal (as MemorySegmentBacking does) — point-only use
 * (aggregations) never builds it. An update of a cached entry mutates it in place (no allocation).
 * Invariants: no empty row or segment is kept; an entry is reachable from `segments` iff `live`;
 * `count` is the number of live entries; a live entry's value null = pending removal (TOMBSTONE
 * of the contract above), only ever on a dirty entry or one the running flush is about to drop.
 *
 * flushCache() (commit steps 1–2), dirty entries in order of their latest write:
 *   1. old = the layer below's value (for removals always; for puts when a listener wants it)
 *   2. removal of an entry that is not below: dropped, nothing written or logged
 *   3. write the value below, then `onFlush(key, time, sub, value, old, timestamp)` — the store
 *      logs it to the changelog there, stamped with the timestamp of the write that made it dirty
 *      (as Kafka's flush stamps the cached entry's record context), and forwards it if it has a
 *      flush listener
 * then flushCache() below (LevelDB seals its batch). Writes made during a flush (by a listener)
 * become new dirty entries for the next flush. Eviction of a dirty entry flushes every dirty entry
 * of this store first (once: every entry is clean afterwards, so the evictions that follow while the
 * cache is full remove clean entries without flushing, until they reach entries written after that
 * flush — a flush per cache-full of new entries, as Kafka's NamedCache.evict); dropping a segment (retention) flushes first as well, so an update held
 * here is never lost to expiry without being logged and forwarded.
 *
 * Over an in-memory store (inner.persistent false) a flushed entry leaves the cache at once
 * instead of staying as a clean copy: the store below is the same kind of heap map, so a clean
 * copy saves no read, and it doubled the live heap the garbage collector walks (the cache held
 * 10 MiB of entries the store also held). The cache then holds only dirty entries, so eviction
 * still flushes once per cache-full of new writes, as above. Over LevelDB clean entries stay
 * (they save reads), as in Kafka.
 *
 * Reads: get() answers from the cache, else from below (a miss does not fill the cache, as in
 * Kafka's window cache); collect() merges the cache's entries with the layer below's, the cache
 * winning on equal (key, time, sub) and tombstones hiding entries. Restored records bypass the
 * cache (putRestored). close() discards unflushed entries, as a crash would.
 */
import type { RestoreRecord } from '../bytes-store.ts';
import type { StoreContext } from '../store-types.ts';
import { hashKey, type HashKey } from '../byte-key-map.ts';
import { DEFAULT_CACHE_MAX_BYTES, ENTRY_OVERHEAD, ThreadCache, ThreadCacheEntry, type CacheOwner } from '../cache/thread-cache.ts';
import { insertSorted, removeSorted, rowIndex } from './memory-segment-backing.ts';
import type { SegmentBacking, SegmentEntry } from './segment-backing.ts';
import { EMPTY_HEADERS, type RecordHeaders } from '../../processor/record.ts';

/** Called for each flushed entry, after it was written below. */
export type SegmentFlushHook = (key: Buffer, time: number, sub: number, value: Buffer | null, old: Buffer | null, timestamp: number, headers: RecordHeaders) => void;

interface CacheRow {
  readonly key: Buffer;
  readonly hk: HashKey;
  readonly seg: CacheSegment;
  head: WindowCacheEntry | null;
}

interface CacheSegment {
  readonly id: number;
  readonly rows: Map<HashKey, CacheRow>;
  /** The rows by key bytes, once a key-range collect asked (see header). */
  sorted: CacheRow[] | undefined;
  /** Dirty entries of this segment (entries linked in the dirty list). */
  dirty: number;
}

class WindowCacheEntry extends ThreadCacheEntry {
  dirty = true;
  live = true;
  prevDirty: WindowCacheEntry | null = null;
  nextDirty: WindowCacheEntry | null = null;
  prevInRow: WindowCacheEntry | null = null;
  nextInRow: WindowCacheEntry | null = null;
  /** The headers of the record that last wrote this entry; forwarded with it at flush. */
  headers: RecordHeaders = EMPTY_HEADERS;

  constructor(
    owner: CacheOwner,
    readonly segment: number,
    readonly row: CacheRow,
    readonly key: Buffer,
    readonly time: number,
    readonly sub: number,
    public value: Buffer | null,
    public timestamp: number,
  ) {
    super(owner, sizeOf(key, value));
  }
}

export class CachingSegmentBacking implements SegmentBacking, CacheOwner {
  readonly #cache: ThreadCache;
  #segments = new Map<number, CacheSegment>();
  #lastId = Number.NaN;
  #last: CacheSegment | undefined;
  #count = 0;
  #dirtyHead: WindowCacheEntry | null = null;
  #dirtyTail: WindowCacheEntry | null = null;
  #clock: () => number = () => 0;
  #headersNow: () => RecordHeaders = () => EMPTY_HEADERS;
  /** Set by the store: logs (and forwards) a flushed entry. */
  onFlush: SegmentFlushHook | undefined;
  /** Whether onFlush needs old values for puts (removals always read them). */
  sendOldValues = false;

  /** `cache`: the stream thread's cache, or a size in bytes for a cache of this store's own. */
  constructor(
    readonly inner: SegmentBacking,
    cache: ThreadCache | number = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.#cache = typeof cache === 'number' ? new ThreadCache(cache) : cache;
  }

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }

  async init(context: StoreContext): Promise<void> {
    this.#clock = () => context.currentTimestamp();
    this.#headersNow = () => context.currentHeaders?.() ?? EMPTY_HEADERS;
    await this.inner.init(context);
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  loadSegments(): { ids: number[]; maxTime: number } {
    return this.inner.loadSegments();
  }

  /** Entries this store holds in the thread cache. */
  cachedEntries(): number {
    return this.#count;
  }

  get(segment: number, key: Buffer, time: number, sub: number): Buffer | undefined {
    const entry = this.#find(segment, key, time, sub);
    if (entry === null) return this.inner.get(segment, key, time, sub);
    this.#cache.touch(entry);
    return entry.value ?? undefined;
  }

  put(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void {
    const timestamp = this.#clock();
    let seg = this.#segment(segment);
    let row: CacheRow | undefined;
    let entry: WindowCacheEntry | null = null;
    const hk = hashKey(key);
    if (seg !== undefined) {
      row = seg.rows.get(hk);
      if (row !== undefined) {
        entry = row.head;
        while (entry !== null && (entry.time > time || (entry.time === time && entry.sub > sub))) entry = entry.nextInRow;
        if (entry !== null && (entry.time !== time || entry.sub !== sub)) entry = null;
      }
    }
    if (entry === null) {
      if (seg === undefined) {
        seg = { id: segment, rows: new Map(), sorted: undefined, dirty: 0 };
        this.#segments.set(segment, seg);
        this.#lastId = segment;
        this.#last = seg;
      }
      if (row === undefined) {
        row = { key, hk, seg, head: null };
        seg.rows.set(hk, row);
        if (seg.sorted !== undefined) insertSorted(seg.sorted, row);
      }
      entry = new WindowCacheEntry(this, segment, row, row.key, time, sub, value, timestamp);
      entry.headers = this.#headersNow();
      // Link before the first entry older than (time, sub) — the head, for writes in time order.
      let prev: WindowCacheEntry | null = null;
      let next = row.head;
      while (next !== null && (next.time > time || (next.time === time && next.sub > sub))) {
        prev = next;
        next = next.nextInRow;
      }
      entry.prevInRow = prev;
      entry.nextInRow = next;
      if (prev === null) row.head = entry;
      else prev.nextInRow = entry;
      if (next !== null) next.prevInRow = entry;
      this.#count++;
      this.#cache.add(entry);
    } else {
      // Update in place: the entry object, its row and its map slots stay.
      entry.value = value;
      entry.timestamp = timestamp;
      entry.headers = this.#headersNow();
      this.#cache.resize(entry, sizeOf(entry.key, value));
      this.#cache.touch(entry);
      if (entry.dirty) this.#unlinkDirty(entry);
      entry.dirty = true;
    }
    this.#appendDirty(entry);
    this.#cache.maybeEvict(this);
  }

  /** A restored changelog record: written below directly, replacing any cached entry. */
  putRestored(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void {
    const entry = this.#find(segment, key, time, sub);
    if (entry !== null) this.#remove(entry);
    this.inner.put(segment, key, time, sub, value);
  }

  collect(segment: number, keyFrom: Buffer | undefined, keyTo: Buffer | undefined, lo: number, hi: number, out: SegmentEntry[]): void {
    const seg = this.#segment(segment);
    if (seg === undefined) {
      this.inner.collect(segment, keyFrom, keyTo, lo, hi, out);
      return;
    }
    const cached: WindowCacheEntry[] = [];
    if (keyFrom !== undefined && keyTo !== undefined && keyFrom.equals(keyTo)) {
      const row = seg.rows.get(hashKey(keyFrom));
      if (row !== undefined) pushRow(row, lo, hi, cached);
    } else {
      const rows = (seg.sorted ??= [...seg.rows.values()].sort(compareRows));
      for (let i = keyFrom === undefined ? 0 : rowIndex(rows, keyFrom); i < rows.length; i++) {
        const row = rows[i]!;
        if (keyTo !== undefined && Buffer.compare(row.key, keyTo) > 0) break;
        pushRow(row, lo, hi, cached);
      }
    }
    const below: SegmentEntry[] = [];
    this.inner.collect(segment, keyFrom, keyTo, lo, hi, below);
    // Merge two (key, time, sub)-ordered lists; the cache wins on equal positions. Cached entries
    // are copied out: the caller may hold the list while later puts update the entries in place.
    let i = 0;
    let j = 0;
    while (i < cached.length || j < below.length) {
      const c = cached[i];
      const b = below[j];
      const order = c === undefined ? 1 : b === undefined ? -1 : Buffer.compare(c.key, b.key) || c.time - b.time || c.sub - b.sub;
      if (order <= 0) {
        i++;
        if (order === 0) j++;
        if (c!.value !== null) out.push({ key: c!.key, time: c!.time, sub: c!.sub, value: c!.value });
      } else {
        j++;
        out.push(b!);
      }
    }
  }

  dropSegment(segment: number): void {
    let seg = this.#segments.get(segment);
    if (seg !== undefined && seg.dirty > 0) {
      this.#flushDirty();
      seg = this.#segments.get(segment); // the flush dropped tombstones, a listener may have written
    }
    if (seg !== undefined) {
      // Bulk removal: the segment leaves the map whole, its entries leave the dirty and LRU lists.
      this.#segments.delete(segment);
      if (this.#lastId === segment) {
        this.#lastId = Number.NaN;
        this.#last = undefined;
      }
      for (const row of seg.rows.values()) {
        for (let e = row.head; e !== null; e = e.nextInRow) {
          e.live = false;
          this.#count--;
          if (e.dirty) {
            this.#unlinkDirty(e);
            e.dirty = false;
          }
          this.#cache.remove(e);
        }
      }
    }
    this.inner.dropSegment(segment);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flushCache(): void {
    this.#flushDirty();
    this.inner.flushCache();
  }

  commit(changelogOffset?: number): Promise<void> {
    return this.inner.commit(changelogOffset);
  }

  async flush(): Promise<void> {
    this.#flushDirty();
    await this.inner.flush();
  }

  committedChangelogOffset(): number | undefined {
    return this.inner.committedChangelogOffset();
  }

  restored(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    return this.inner.restored(records);
  }

  async close(): Promise<void> {
    for (const seg of this.#segments.values()) {
      for (const row of seg.rows.values()) {
        for (let e = row.head; e !== null; e = e.nextInRow) {
          e.live = false;
          this.#cache.remove(e);
        }
      }
    }
    this.#segments = new Map();
    this.#cache.release(this);
    this.#lastId = Number.NaN;
    this.#last = undefined;
    this.#count = 0;
    this.#dirtyHead = this.#dirtyTail = null;
    await this.inner.close();
  }

  /** Called by the thread cache for this store's least recently used entry (thread-cache.ts). */
  evict(entry: ThreadCacheEntry): void {
    const own = entry as WindowCacheEntry;
    if (own.dirty) this.#flushDirty();
    if (own.dirty) return; // rewritten by a flush listener: kept for the next flush
    this.#remove(own);
  }

  #segment(id: number): CacheSegment | undefined {
    if (id === this.#lastId) return this.#last;
    const seg = this.#segments.get(id);
    if (seg !== undefined) {
      this.#lastId = id;
      this.#last = seg;
    }
    return seg;
  }

  #find(segment: number, key: Buffer, time: number, sub: number): WindowCacheEntry | null {
    const row = this.#segment(segment)?.rows.get(hashKey(key));
    return row === undefined ? null : findInRow(row, time, sub);
  }

  /** Steps 1–3 of the header for every dirty entry. */
  #flushDirty(): void {
    if (this.#dirtyHead === null) return;
    // The batch is snapshotted first (value and timestamp as of now): a listener may rewrite an
    // entry during the flush, which makes it dirty again for the next flush.
    const entries: WindowCacheEntry[] = [];
    const values: Array<Buffer | null> = [];
    const timestamps: number[] = [];
    const headers: RecordHeaders[] = [];
    for (let e: WindowCacheEntry | null = this.#dirtyHead; e !== null; ) {
      const next: WindowCacheEntry | null = e.nextDirty;
      e.dirty = false;
      e.row.seg.dirty--;
      e.prevDirty = e.nextDirty = null;
      entries.push(e);
      values.push(e.value);
      timestamps.push(e.timestamp);
      headers.push(e.headers);
      e = next;
    }
    this.#dirtyHead = this.#dirtyTail = null;
    const keepClean = this.inner.persistent;
    let n = 0;
    try {
      for (; n < entries.length; n++) {
        const e = entries[n]!;
        const value = values[n]!;
        const wantOld = value === null || (this.sendOldValues && this.onFlush !== undefined);
        const old = wantOld ? (this.inner.get(e.segment, e.key, e.time, e.sub) ?? null) : null;
        if (!(value === null && old === null)) {
          this.inner.put(e.segment, e.key, e.time, e.sub, value);
          this.onFlush?.(e.key, e.time, e.sub, value, this.sendOldValues ? old : null, timestamps[n]!, headers[n]!);
        }
        if ((value === null || keepClean === false) && !e.dirty) this.#remove(e);
      }
    } catch (err) {
      // Entries not yet written down become dirty again, so a later flush retries them.
      for (; n < entries.length; n++) {
        const e = entries[n]!;
        if (e.dirty || !e.cached) continue;
        e.value = values[n]!;
        e.timestamp = timestamps[n]!;
        e.headers = headers[n]!;
        e.dirty = true;
        this.#appendDirty(e);
      }
      throw err;
    }
  }

  #remove(entry: WindowCacheEntry): void {
    if (!entry.live) return;
    entry.live = false;
    const row = entry.row;
    const prev = entry.prevInRow;
    const next = entry.nextInRow;
    if (prev === null) row.head = next;
    else prev.nextInRow = next;
    if (next !== null) next.prevInRow = prev;
    entry.prevInRow = entry.nextInRow = null;
    if (row.head === null) {
      const seg = row.seg;
      seg.rows.delete(row.hk);
      if (seg.sorted !== undefined) removeSorted(seg.sorted, row);
      if (seg.rows.size === 0 && this.#segments.get(seg.id) === seg) {
        this.#segments.delete(seg.id);
        if (this.#last === seg) {
          this.#lastId = Number.NaN;
          this.#last = undefined;
        }
      }
    }
    this.#count--;
    if (entry.dirty) {
      this.#unlinkDirty(entry);
      entry.dirty = false;
    }
    this.#cache.remove(entry);
  }

  #appendDirty(entry: WindowCacheEntry): void {
    entry.row.seg.dirty++;
    entry.prevDirty = this.#dirtyTail;
    entry.nextDirty = null;
    if (this.#dirtyTail === null) this.#dirtyHead = entry;
    else this.#dirtyTail.nextDirty = entry;
    this.#dirtyTail = entry;
  }

  #unlinkDirty(entry: WindowCacheEntry): void {
    entry.row.seg.dirty--;
    const prev = entry.prevDirty;
    const next = entry.nextDirty;
    if (prev === null) this.#dirtyHead = next;
    else prev.nextDirty = next;
    if (next === null) this.#dirtyTail = prev;
    else next.prevDirty = prev;
    entry.prevDirty = entry.nextDirty = null;
  }
}

/** Appends the row's live entries with lo <= time <= hi, in (time, sub) order. */
function pushRow(row: CacheRow, lo: number, hi: number, out: WindowCacheEntry[]): void {
  const start = out.length;
  for (let e = row.head; e !== null && e.time >= lo; e = e.nextInRow) if (e.time <= hi) out.push(e);
  // The row is in descending order; the contract wants ascending.
  for (let i = start, j = out.length - 1; i < j; i++, j--) {
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
}

/** The entry (time, sub) of a row (descending: the scan stops at the first older entry). */
function findInRow(row: CacheRow, time: number, sub: number): WindowCacheEntry | null {
  let e = row.head;
  while (e !== null && (e.time > time || (e.time === time && e.sub > sub))) e = e.nextInRow;
  return e !== null && e.time === time && e.sub === sub ? e : null;
}

function compareRows(a: CacheRow, b: CacheRow): number {
  return Buffer.compare(a.key, b.key);
}

function sizeOf(key: Buffer, value: Buffer | null): number {
  return key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD + 16;
}
