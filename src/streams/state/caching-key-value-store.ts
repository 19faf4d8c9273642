/*
 * CachingKeyValueStore: a write-back cache of key/value bytes in front of the changelogging and
 * backing layers — the reason the per-record path never touches disk and the changelog receives
 * one record per key per commit instead of one per update.
 *
 * State per key (one CacheEntry):
 *   clean     value equals the layer below (filled by a read miss, or by a flush)
 *   dirty     written since the last flush; value null = a pending delete (a tombstone that
 *             hides the key from reads and ranges until it is flushed)
 *
 * flushCache() (commit steps 1–2), for each dirty entry in order of its latest write:
 *   1. read the old value from the layer below (for puts only when a listener wants old values),
 *   2. write the new value down (the changelogging layer sends it to the changelog, stamped
 *      with the entry's own timestamp: this layer overrides the context clock while flushing),
 *   3. call the flush listener (key, newValue, oldValue, timestamp) — the DSL emits table
 *      updates with old values from it, as Kafka Streams' TimestampedCache flush does.
 * An entry whose new and old values are both null (created and deleted between flushes) is
 * dropped without writing or forwarding anything. Writes made by the listener during a flush
 * land in the cache as new dirty entries and go out with the next flush. If the listener or a
 * write below throws, the entries not yet written down stay dirty and the error propagates.
 *
 * Size bound: each entry counts key + value bytes + ENTRY_OVERHEAD against the stream thread's
 * ThreadCache (cache/thread-cache.ts), whose one budget and one LRU list span every caching
 * store of the thread (Kafka's statestore.cache.max.bytes). When the thread's total exceeds the
 * budget, the least recently used entries anywhere are evicted; evicting one of this store's
 * dirty entries first flushes every dirty entry of this store (as Kafka Streams' NamedCache
 * does), so eviction never loses a write. Built with a number instead of a ThreadCache, the store
 * has a cache of its own of that size (Infinity never evicts).
 *
 * Ranges merge a sorted view of the cache (tombstones included) with the range of the layer
 * below; the cache wins on equal keys.
 *
 * Layout (every per-record operation is O(1) with no allocation beyond a new entry):
 *   map     ByteKeyMap<CacheEntry> (byte-key-map.ts): one hash lookup per get/put; its sorted
 *           view (for ranges) exists only while ranges are being read
 *   LRU     the thread cache's list (thread-cache.ts); a get or put touches the entry
 *   dirty   a second intrusive list (prevDirty/nextDirty) of the dirty entries in order of
 *           latest write, dirtyHead first; a put moves the entry to dirtyTail
 * An entry is `live` while it is in the map; the LRU and dirty lists hold live entries only.
 *
 * close() discards un-flushed entries: uncommitted work is reprocessed from the input after a
 * restart, exactly like a crash. The runtime flushes (commits) before a clean close.
 */
import type { StoreContext, KeyValueIterator, StoreMetricsSink } from './store-types.ts';
import { EMPTY_HEADERS, type RecordHeaders } from '../processor/record.ts';
import type { BytesKeyValueStore, BinaryScan, RestoreRecord } from './bytes-store.ts';
import { prefixScan, rangeScan, requireKey, scanTree } from './bytes-store.ts';
import { MergedKeyValueIterator, emptyIterator } from './kv-iterators.ts';
import type { MergeSource } from './kv-iterators.ts';
import { ByteKeyMap, hashKey } from './byte-key-map.ts';
import type { HashKey } from './byte-key-map.ts';
import { WrappedBytesStore } from './wrapped-bytes-store.ts';
import { DEFAULT_CACHE_MAX_BYTES, ENTRY_OVERHEAD, ThreadCache, ThreadCacheEntry, type CacheOwner } from './cache/thread-cache.ts';

export { DEFAULT_CACHE_MAX_BYTES, ENTRY_OVERHEAD } from './cache/thread-cache.ts';

/** `headers`: those of the record whose write the entry holds (Kafka's LRUCacheEntry record context). */
export type BytesFlushListener = (key: Buffer, newValue: Buffer | null, oldValue: Buffer | null, timestamp: number, headers: RecordHeaders) => void;

class CacheEntry extends ThreadCacheEntry {
  /** In the map (and so in the LRU list; in the dirty list too when dirty). */
  live = true;
  prevDirty: CacheEntry | null = null;
  nextDirty: CacheEntry | null = null;
  /** The headers of the record that last wrote this entry; forwarded with it at flush. */
  headers: RecordHeaders = EMPTY_HEADERS;

  constructor(
    owner: CacheOwner,
    readonly hk: HashKey,
    readonly key: Buffer,
    public value: Buffer | null,
    public dirty: boolean,
    public timestamp: number,
    size: number,
  ) {
    super(owner, size);
  }
}

/** A dirty entry as it was when a flush took it (the entry may change during the flush). */
interface FlushedEntry {
  entry: CacheEntry;
  value: Buffer | null;
  timestamp: number;
  headers: RecordHeaders;
}

export class CachingKeyValueStore extends WrappedBytesStore implements CacheOwner {
  private readonly map = new ByteKeyMap<CacheEntry>();
  private readonly view = () => this.map.sortedView();
  private readonly cache: ThreadCache;
  private dirtyHead: CacheEntry | null = null;
  private dirtyTail: CacheEntry | null = null;
  private bytes = 0;
  private listener: BytesFlushListener | undefined;
  private sendOldValues = true;
  private clock: () => number = () => 0;
  private headersNow: () => RecordHeaders = () => EMPTY_HEADERS;
  private flushingTimestamp: number | undefined;
  /** Reads answered from the cache ('cache-hit') or not ('cache-miss'): the hit-ratio metric. */
  private metrics: StoreMetricsSink = { record() {}, latency: false };

  /** `cache`: the stream thread's cache, or a size in bytes for a cache of this store's own. */
  constructor(inner: BytesKeyValueStore, cache: ThreadCache | number = DEFAULT_CACHE_MAX_BYTES) {
    super(inner);
    if (typeof cache === 'number' && !(cache > 0)) throw new RangeError(`store "${inner.name}": cache maxBytes must be > 0, got ${cache}`);
    this.cache = typeof cache === 'number' ? new ThreadCache(cache) : cache;
  }

  /**
   * Registers the listener called for each flushed entry. With `sendOldValues` false the listener
   * gets null old values and the layer below is read only for flushed deletes (to skip deleting
   * what never existed), as in Kafka Streams.
   */
  setFlushListener(listener: BytesFlushListener | undefined, sendOldValues = true): void {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
  }

  /** Bytes this store's entries currently charge to the cache (see header). */
  cachedBytes(): number {
    return this.bytes;
  }

  override async init(context: StoreContext): Promise<void> {
    this.clock = () => context.currentTimestamp();
    this.headersNow = () => context.currentHeaders?.() ?? EMPTY_HEADERS;
    this.metrics = context.metrics;
    await this.inner.init({
      ...context,
      currentTimestamp: () => this.flushingTimestamp ?? context.currentTimestamp(),
    });
  }

  override get(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const hk = hashKey(key);
    const entry = this.map.get(hk);
    if (entry !== undefined) {
      this.touch(entry);
      this.metrics.record(this.name, 'cache-hit');
      return entry.value ?? undefined;
    }
    this.metrics.record(this.name, 'cache-miss');
    const value = this.inner.get(key);
    if (value !== undefined) {
      this.insert(new CacheEntry(this, hk, key, value, false, 0, sizeOf(key, value)));
      this.cache.maybeEvict(this);
    }
    return value;
  }

  override put(key: Buffer, value: Buffer | null): void {
    requireKey(this.name, key);
    const hk = hashKey(key);
    const timestamp = this.clock();
    const entry = this.map.get(hk);
    if (entry === undefined) {
      const created = new CacheEntry(this, hk, key, value, true, timestamp, sizeOf(key, value));
      created.headers = this.headersNow();
      this.insert(created);
      this.appendDirty(created);
    } else {
      const size = sizeOf(key, value);
      this.bytes += size - entry.size;
      this.cache.resize(entry, size);
      entry.value = value;
      entry.timestamp = timestamp;
      entry.headers = this.headersNow();
      this.touch(entry);
      if (entry.dirty) this.unlinkDirty(entry);
      else entry.dirty = true;
      this.appendDirty(entry);
    }
    this.cache.maybeEvict(this);
  }

  override delete(key: Buffer): Buffer | undefined {
    const old = this.get(key);
    this.put(key, null);
    return old;
  }

  override range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    const scan = rangeScan(from, to, false);
    return scan === undefined ? emptyIterator() : this.merge(scan, this.inner.range(from, to));
  }

  override reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    const scan = rangeScan(from, to, true);
    return scan === undefined ? emptyIterator() : this.merge(scan, this.inner.reverseRange(from, to));
  }

  override prefixScanBytes(prefix: Buffer, reverse = false): KeyValueIterator<Buffer, Buffer> {
    return this.merge(prefixScan(prefix, reverse), this.inner.prefixScanBytes(prefix, reverse));
  }

  private merge(scan: BinaryScan, below: KeyValueIterator<Buffer, Buffer>): KeyValueIterator<Buffer, Buffer> {
    const pull = scanTree(this.view, scan, (_binary, entry) => ({ key: entry.key, value: entry.value }));
    const source: MergeSource = { next: pull, close: () => {} };
    return new MergedKeyValueIterator(source, below, scan.reverse);
  }

  override flushCache(): void {
    if (this.dirtyHead !== null) {
      const batch: FlushedEntry[] = [];
      for (let entry: CacheEntry | null = this.dirtyHead; entry !== null; ) {
        const next: CacheEntry | null = entry.nextDirty;
        entry.dirty = false;
        entry.prevDirty = null;
        entry.nextDirty = null;
        batch.push({ entry, value: entry.value, timestamp: entry.timestamp, headers: entry.headers });
        entry = next;
      }
      this.dirtyHead = null;
      this.dirtyTail = null;
      let next = 0;
      try {
        while (next < batch.length) this.flushEntry(batch[next++]!);
      } catch (err) {
        // Downstream processing (the listener) or a write below failed: the entries not yet
        // written down become dirty again, so a later flush retries them instead of losing them.
        for (const pending of batch.slice(next)) this.redirty(pending);
        throw err;
      }
    }
    this.inner.flushCache();
  }

  private flushEntry(flushed: FlushedEntry): void {
    const { entry, value, timestamp, headers } = flushed;
    const wantOld = value === null || (this.sendOldValues && this.listener !== undefined);
    const old = wantOld ? (this.inner.get(entry.key) ?? null) : null;
    if (value === null && old === null) {
      this.dropIfCleanTombstone(entry);
      return;
    }
    this.flushingTimestamp = timestamp;
    try {
      this.inner.put(entry.key, value);
    } catch (err) {
      this.redirty(flushed);
      throw err;
    } finally {
      this.flushingTimestamp = undefined;
    }
    this.dropIfCleanTombstone(entry);
    this.listener?.(entry.key, value, this.sendOldValues ? old : null, timestamp, headers);
  }

  /** Marks a flushed-but-not-written entry dirty again, unless it was rewritten or dropped since. */
  private redirty({ entry, value, timestamp, headers }: FlushedEntry): void {
    if (entry.dirty || !entry.live) return;
    entry.value = value;
    entry.timestamp = timestamp;
    entry.headers = headers;
    entry.dirty = true;
    this.appendDirty(entry);
  }

  override async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const record of records) {
      const entry = this.map.get(hashKey(record.key));
      if (entry !== undefined) this.remove(entry);
    }
    await this.inner.restore(records);
  }

  override async close(): Promise<void> {
    for (const entry of this.map.values()) {
      entry.live = false;
      this.cache.remove(entry);
    }
    this.map.clear();
    this.cache.release(this);
    this.dirtyHead = this.dirtyTail = null;
    this.bytes = 0;
    await this.inner.close();
  }

  private insert(entry: CacheEntry): void {
    this.map.set(entry.hk, entry);
    this.cache.add(entry);
    this.bytes += entry.size;
  }

  private remove(entry: CacheEntry): void {
    if (!entry.live) return;
    entry.live = false;
    this.map.delete(entry.hk);
    this.cache.remove(entry);
    if (entry.dirty) {
      this.unlinkDirty(entry);
      entry.dirty = false;
    }
    this.bytes -= entry.size;
  }

  /** Marks `entry` most recently used. */
  private touch(entry: CacheEntry): void {
    this.cache.touch(entry);
  }

  private appendDirty(entry: CacheEntry): void {
    entry.prevDirty = this.dirtyTail;
    entry.nextDirty = null;
    if (this.dirtyTail === null) this.dirtyHead = entry;
    else this.dirtyTail.nextDirty = entry;
    this.dirtyTail = entry;
  }

  private unlinkDirty(entry: CacheEntry): void {
    const prev = entry.prevDirty;
    const next = entry.nextDirty;
    if (prev === null) this.dirtyHead = next;
    else prev.nextDirty = next;
    if (next === null) this.dirtyTail = prev;
    else next.prevDirty = prev;
    entry.prevDirty = null;
    entry.nextDirty = null;
  }

  /** A flushed delete needs no cache entry: the layer below now answers "absent" itself. */
  private dropIfCleanTombstone(entry: CacheEntry): void {
    if (!entry.dirty && entry.value === null) this.remove(entry);
  }

  /** Called by the thread cache for this store's least recently used entry (thread-cache.ts). */
  evict(entry: ThreadCacheEntry): void {
    const own = entry as CacheEntry;
    if (own.dirty) this.flushCache();
    // Re-written by the flush listener: keep it (dirty) for the next flush, over budget.
    if (own.dirty) return;
    this.remove(own);
  }
}

function sizeOf(key: Buffer, value: Buffer | null): number {
  return key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD;
}
