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
 * Layout: `index`, a MemorySegmentBacking (the heap layout, values by reference), holds every
 * cached entry's value, TOMBSTONE included — so collect() gets the cache's entries in the
 * contract's (key bytes, time, sub) order without a structure of its own; `entries` maps a
 * composite id to the entry object (dirty list links, thread-cache links), `bySegment` lists the
 * entries of each segment for dropSegment().
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
 * of this store first; dropping a segment (retention) flushes first as well, so an update held
 * here is never lost to expiry without being logged and forwarded.
 *
 * Reads: get() answers from the cache, else from below (a miss does not fill the cache, as in
 * Kafka's window cache); collect() merges the cache's entries with the layer below's, the cache
 * winning on equal (key, time, sub) and tombstones hiding entries. Restored records bypass the
 * cache (putRestored). close() discards unflushed entries, as a crash would.
 */
import type { RestoreRecord } from '../bytes-store.ts';
import type { StoreContext } from '../store-types.ts';
import { DEFAULT_CACHE_MAX_BYTES, ENTRY_OVERHEAD, ThreadCache, ThreadCacheEntry, type CacheOwner } from '../cache/thread-cache.ts';
import { MemorySegmentBacking } from './memory-segment-backing.ts';
import { compareKeyTimeSub, type SegmentBacking, type SegmentEntry } from './segment-backing.ts';

/** The index's value for a pending removal (compared by identity; never written below). */
const TOMBSTONE = Buffer.alloc(0);

/** Called for each flushed entry, after it was written below. */
export type SegmentFlushHook = (key: Buffer, time: number, sub: number, value: Buffer | null, old: Buffer | null, timestamp: number) => void;

class WindowCacheEntry extends ThreadCacheEntry {
  dirty = true;
  prevDirty: WindowCacheEntry | null = null;
  nextDirty: WindowCacheEntry | null = null;

  constructor(
    owner: CacheOwner,
    readonly id: string,
    readonly segment: number,
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
  readonly #index: MemorySegmentBacking;
  readonly #cache: ThreadCache;
  #entries = new Map<string, WindowCacheEntry>();
  #bySegment = new Map<number, Set<WindowCacheEntry>>();
  #dirtyHead: WindowCacheEntry | null = null;
  #dirtyTail: WindowCacheEntry | null = null;
  #clock: () => number = () => 0;
  /** Set by the store: logs (and forwards) a flushed entry. */
  onFlush: SegmentFlushHook | undefined;
  /** Whether onFlush needs old values for puts (removals always read them). */
  sendOldValues = false;

  /** `cache`: the stream thread's cache, or a size in bytes for a cache of this store's own. */
  constructor(
    readonly inner: SegmentBacking,
    cache: ThreadCache | number = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.#index = new MemorySegmentBacking(inner.name);
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
    await this.#index.init(context);
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
    return this.#entries.size;
  }

  get(segment: number, key: Buffer, time: number, sub: number): Buffer | undefined {
    const cached = this.#index.get(segment, key, time, sub);
    if (cached === undefined) return this.inner.get(segment, key, time, sub);
    const entry = this.#entries.get(idOf(segment, key, time, sub));
    if (entry !== undefined) this.#cache.touch(entry);
    return cached === TOMBSTONE ? undefined : cached;
  }

  put(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void {
    const id = idOf(segment, key, time, sub);
    const timestamp = this.#clock();
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = new WindowCacheEntry(this, id, segment, key, time, sub, value, timestamp);
      this.#entries.set(id, entry);
      let set = this.#bySegment.get(segment);
      if (set === undefined) this.#bySegment.set(segment, (set = new Set()));
      set.add(entry);
      this.#cache.add(entry);
    } else {
      entry.value = value;
      entry.timestamp = timestamp;
      this.#cache.resize(entry, sizeOf(key, value));
      this.#cache.touch(entry);
      if (entry.dirty) this.#unlinkDirty(entry);
      entry.dirty = true;
    }
    this.#index.put(segment, entry.key, time, sub, value ?? TOMBSTONE);
    this.#appendDirty(entry);
    this.#cache.maybeEvict();
  }

  /** A restored changelog record: written below directly, replacing any cached entry. */
  putRestored(segment: number, key: Buffer, time: number, sub: number, value: Buffer | null): void {
    const entry = this.#entries.get(idOf(segment, key, time, sub));
    if (entry !== undefined) this.#remove(entry);
    this.inner.put(segment, key, time, sub, value);
  }

  collect(segment: number, keyFrom: Buffer | undefined, keyTo: Buffer | undefined, lo: number, hi: number, out: SegmentEntry[]): void {
    if (!this.#bySegment.has(segment)) {
      this.inner.collect(segment, keyFrom, keyTo, lo, hi, out);
      return;
    }
    const cached: SegmentEntry[] = [];
    this.#index.collect(segment, keyFrom, keyTo, lo, hi, cached);
    const below: SegmentEntry[] = [];
    this.inner.collect(segment, keyFrom, keyTo, lo, hi, below);
    // Merge two (key, time, sub)-ordered lists; the cache wins on equal positions.
    let i = 0;
    let j = 0;
    while (i < cached.length || j < below.length) {
      const c = cached[i];
      const b = below[j];
      const order = c === undefined ? 1 : b === undefined ? -1 : compareKeyTimeSub(c, b);
      if (order <= 0) {
        i++;
        if (order === 0) j++;
        if (c!.value !== TOMBSTONE) out.push(c!);
      } else {
        j++;
        out.push(b!);
      }
    }
  }

  dropSegment(segment: number): void {
    const set = this.#bySegment.get(segment);
    if (set !== undefined) {
      for (const e of set) {
        if (e.dirty) {
          this.#flushDirty();
          break;
        }
      }
      for (const e of [...(this.#bySegment.get(segment) ?? [])]) this.#remove(e);
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
    for (const entry of this.#entries.values()) this.#cache.remove(entry);
    this.#entries = new Map();
    this.#bySegment = new Map();
    this.#dirtyHead = this.#dirtyTail = null;
    await this.#index.close();
    await this.inner.close();
  }

  /** Called by the thread cache for this store's least recently used entry (thread-cache.ts). */
  evict(entry: ThreadCacheEntry): void {
    const own = entry as WindowCacheEntry;
    if (own.dirty) this.#flushDirty();
    if (own.dirty) return; // rewritten by a flush listener: kept for the next flush
    this.#remove(own);
  }

  /** Steps 1–3 of the header for every dirty entry. */
  #flushDirty(): void {
    if (this.#dirtyHead === null) return;
    const batch: Array<{ entry: WindowCacheEntry; value: Buffer | null; timestamp: number }> = [];
    for (let e: WindowCacheEntry | null = this.#dirtyHead; e !== null; ) {
      const next: WindowCacheEntry | null = e.nextDirty;
      e.dirty = false;
      e.prevDirty = e.nextDirty = null;
      batch.push({ entry: e, value: e.value, timestamp: e.timestamp });
      e = next;
    }
    this.#dirtyHead = this.#dirtyTail = null;
    let n = 0;
    try {
      for (; n < batch.length; n++) {
        const { entry: e, value, timestamp } = batch[n]!;
        const wantOld = value === null || (this.sendOldValues && this.onFlush !== undefined);
        const old = wantOld ? (this.inner.get(e.segment, e.key, e.time, e.sub) ?? null) : null;
        if (!(value === null && old === null)) {
          this.inner.put(e.segment, e.key, e.time, e.sub, value);
          this.onFlush?.(e.key, e.time, e.sub, value, this.sendOldValues ? old : null, timestamp);
        }
        if (value === null && !e.dirty) this.#remove(e);
      }
    } catch (err) {
      // Entries not yet written down become dirty again, so a later flush retries them.
      for (const { entry: e, value, timestamp } of batch.slice(n)) {
        if (e.dirty || !e.cached) continue;
        e.value = value;
        e.timestamp = timestamp;
        e.dirty = true;
        this.#appendDirty(e);
      }
      throw err;
    }
  }

  #remove(entry: WindowCacheEntry): void {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#entries.delete(entry.id);
    const set = this.#bySegment.get(entry.segment);
    set?.delete(entry);
    if (set !== undefined && set.size === 0) this.#bySegment.delete(entry.segment);
    if (entry.dirty) {
      this.#unlinkDirty(entry);
      entry.dirty = false;
    }
    this.#cache.remove(entry);
    this.#index.put(entry.segment, entry.key, entry.time, entry.sub, null);
  }

  #appendDirty(entry: WindowCacheEntry): void {
    entry.prevDirty = this.#dirtyTail;
    entry.nextDirty = null;
    if (this.#dirtyTail === null) this.#dirtyHead = entry;
    else this.#dirtyTail.nextDirty = entry;
    this.#dirtyTail = entry;
  }

  #unlinkDirty(entry: WindowCacheEntry): void {
    const prev = entry.prevDirty;
    const next = entry.nextDirty;
    if (prev === null) this.#dirtyHead = next;
    else prev.nextDirty = next;
    if (next === null) this.#dirtyTail = prev;
    else next.prevDirty = prev;
    entry.prevDirty = entry.nextDirty = null;
  }
}

function idOf(segment: number, key: Buffer, time: number, sub: number): string {
  return `${segment}:${time}:${sub}:${key.toString('latin1')}`;
}

function sizeOf(key: Buffer, value: Buffer | null): number {
  return key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD + 16;
}
