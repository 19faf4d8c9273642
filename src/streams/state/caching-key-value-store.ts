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
 * Size bound: each entry counts key + value bytes + ENTRY_OVERHEAD. When the total exceeds
 * maxBytes, the least recently used entries are evicted; evicting a dirty entry first flushes
 * every dirty entry (as Kafka Streams' NamedCache does), so eviction never loses a write.
 * maxBytes = Infinity never evicts.
 *
 * Ranges merge a sorted view of the cache (a B+ tree, tombstones included) with the range of the
 * layer below; the cache wins on equal keys.
 *
 * close() discards un-flushed entries: uncommitted work is reprocessed from the input after a
 * restart, exactly like a crash. The runtime flushes (commits) before a clean close.
 */
import type { StoreContext, KeyValueIterator } from './store-types.ts';
import type { BytesKeyValueStore, BinaryScan, RestoreRecord } from './bytes-store.ts';
import { prefixScan, rangeScan, requireKey, scanTree } from './bytes-store.ts';
import { MergedKeyValueIterator, emptyIterator } from './kv-iterators.ts';
import type { MergeSource } from './kv-iterators.ts';
import { BTree, toBinaryKey } from './sorted-map.ts';
import { WrappedBytesStore } from './wrapped-bytes-store.ts';

/** Bytes charged per entry beyond key and value (object, map slots, tree slot). */
export const ENTRY_OVERHEAD = 64;

/** Default cache bound per store: Kafka Streams' default statestore.cache.max.bytes (10 MiB). */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

export type BytesFlushListener = (key: Buffer, newValue: Buffer | null, oldValue: Buffer | null, timestamp: number) => void;

interface CacheEntry {
  readonly binary: string;
  readonly key: Buffer;
  value: Buffer | null;
  dirty: boolean;
  timestamp: number;
  size: number;
}

/** A dirty entry as it was when a flush took it (the entry may change during the flush). */
interface FlushedEntry {
  entry: CacheEntry;
  value: Buffer | null;
  timestamp: number;
}

export class CachingKeyValueStore extends WrappedBytesStore {
  /** All entries, least recently used first (Map keeps insertion order; a touch re-inserts). */
  private entries = new Map<string, CacheEntry>();
  /** The same entries sorted by key, for ranges. */
  private readonly sorted = new BTree<string, CacheEntry>();
  /** Dirty entries in order of latest write. */
  private dirty = new Map<string, CacheEntry>();
  private bytes = 0;
  private listener: BytesFlushListener | undefined;
  private sendOldValues = true;
  private clock: () => number = () => 0;
  private flushingTimestamp: number | undefined;
  private evicting = false;

  constructor(
    inner: BytesKeyValueStore,
    private readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES,
  ) {
    super(inner);
    if (!(maxBytes > 0)) throw new RangeError(`store "${inner.name}": cache maxBytes must be > 0, got ${maxBytes}`);
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

  /** Bytes currently charged to the cache (see header). */
  cachedBytes(): number {
    return this.bytes;
  }

  override async init(context: StoreContext): Promise<void> {
    this.clock = () => context.currentTimestamp();
    await this.inner.init({
      ...context,
      currentTimestamp: () => this.flushingTimestamp ?? context.currentTimestamp(),
    });
  }

  override get(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const binary = toBinaryKey(key);
    const entry = this.entries.get(binary);
    if (entry !== undefined) {
      this.entries.delete(binary);
      this.entries.set(binary, entry);
      return entry.value ?? undefined;
    }
    const value = this.inner.get(key);
    if (value !== undefined) {
      this.insert({ binary, key, value, dirty: false, timestamp: 0, size: sizeOf(key, value) });
      this.maybeEvict();
    }
    return value;
  }

  override put(key: Buffer, value: Buffer | null): void {
    requireKey(this.name, key);
    const binary = toBinaryKey(key);
    const timestamp = this.clock();
    const entry = this.entries.get(binary);
    if (entry === undefined) {
      const created: CacheEntry = { binary, key, value, dirty: true, timestamp, size: sizeOf(key, value) };
      this.insert(created);
      this.dirty.set(binary, created);
    } else {
      const size = sizeOf(key, value);
      this.bytes += size - entry.size;
      entry.size = size;
      entry.value = value;
      entry.dirty = true;
      entry.timestamp = timestamp;
      this.entries.delete(binary);
      this.entries.set(binary, entry);
      this.dirty.delete(binary);
      this.dirty.set(binary, entry);
    }
    this.maybeEvict();
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
    const pull = scanTree(this.sorted, scan, (_binary, entry) => ({ key: entry.key, value: entry.value }));
    const source: MergeSource = { next: pull, close: () => {} };
    return new MergedKeyValueIterator(source, below, scan.reverse);
  }

  override flushCache(): void {
    if (this.dirty.size > 0) {
      const batch = [...this.dirty.values()].map((entry) => {
        entry.dirty = false;
        return { entry, value: entry.value, timestamp: entry.timestamp };
      });
      this.dirty = new Map();
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
    const { entry, value, timestamp } = flushed;
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
    this.listener?.(entry.key, value, this.sendOldValues ? old : null, timestamp);
  }

  /** Marks a flushed-but-not-written entry dirty again, unless it was rewritten or dropped since. */
  private redirty({ entry, value, timestamp }: FlushedEntry): void {
    if (entry.dirty || this.entries.get(entry.binary) !== entry) return;
    entry.value = value;
    entry.timestamp = timestamp;
    entry.dirty = true;
    this.dirty.set(entry.binary, entry);
  }

  override async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const record of records) {
      const entry = this.entries.get(toBinaryKey(record.key));
      if (entry !== undefined) this.remove(entry);
    }
    await this.inner.restore(records);
  }

  override async close(): Promise<void> {
    this.entries = new Map();
    this.sorted.clear();
    this.dirty = new Map();
    this.bytes = 0;
    await this.inner.close();
  }

  private insert(entry: CacheEntry): void {
    this.entries.set(entry.binary, entry);
    this.sorted.set(entry.binary, entry);
    this.bytes += entry.size;
  }

  private remove(entry: CacheEntry): void {
    if (this.entries.get(entry.binary) !== entry) return;
    this.entries.delete(entry.binary);
    this.sorted.delete(entry.binary);
    this.dirty.delete(entry.binary);
    this.bytes -= entry.size;
  }

  /** A flushed delete needs no cache entry: the layer below now answers "absent" itself. */
  private dropIfCleanTombstone(entry: CacheEntry): void {
    if (!entry.dirty && entry.value === null) this.remove(entry);
  }

  private maybeEvict(): void {
    if (this.bytes <= this.maxBytes || this.evicting) return;
    this.evicting = true;
    try {
      while (this.bytes > this.maxBytes) {
        const eldest = this.entries.values().next();
        if (eldest.done === true) break;
        const entry = eldest.value;
        if (entry.dirty) this.flushCache();
        // Re-written by the flush listener: keep it (dirty) for the next flush, over budget.
        if (entry.dirty) break;
        this.remove(entry);
      }
    } finally {
      this.evicting = false;
    }
  }
}

function sizeOf(key: Buffer, value: Buffer | null): number {
  return key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD;
}
