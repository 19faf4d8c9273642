/*
 * TtlKeyValueBytesStore: a time-to-live for key-value stores (beyond Kafka Streams, opt-in via
 * `Materialized.as(name).withTtl(ms)` or `Stores.timestampedKeyValueStoreBuilder(…).withTtl(ms)`).
 *
 * Which clock: STREAM time, not wall-clock time. An entry is expired when
 *     streamTime >= 0  AND  streamTime - entryTimestamp >= ttlMs
 * where entryTimestamp is the timestamp stored with the value (the first 8 bytes of a
 * timestamped value, ValueAndTimestamp layout: int64 big-endian ms) — for DSL tables and
 * aggregations the timestamp of the latest update (max record timestamp, as Kafka keeps it).
 * Stream time comes from the task (StoreContext.streamTime, which includes an idle watermark).
 * Why stream time: results depend only on the input, so tests are deterministic and a replay or
 * a restore from the changelog expires exactly the same entries (the changelog carries the
 * timestamps). Why the stored timestamp: it needs no extra bytes, and survives restores.
 *
 * Position in the stack (stores.ts):
 *   Metered → TTL (this) → Caching? → ChangeLogging? → memory | LevelDB
 * Above the cache, so a cached copy of an expired entry is never returned.
 *
 * Reads: get/putIfAbsent/delete/ranges/prefix scans treat an expired entry as absent, so an
 * aggregation restarts from its initializer. approximateNumEntries counts expired-not-yet-purged
 * entries (it is approximate).
 *
 * Purge (sweep): at commit (flushCache / flush), when stream time moved at least ttlMs since the
 * last sweep (at most one scan of the store per ttl of stream time), every expired entry is
 * deleted THROUGH the stack: the cache holds a tombstone and stays coherent, and the changelog
 * gets a tombstone (so compaction drops the key and a restore does not bring it back). An
 * expired entry therefore occupies space for at most about 2 × ttl of stream time.
 *
 * Downstream is not told about expiry (no table tombstone is forwarded), with or without
 * caching, so caching keeps changing only how often updates are forwarded: the cache flush
 * listener is filtered so that (a) a flushed delete whose old value is expired or absent is not
 * forwarded, (b) an expired old value is passed as null (absent), as the uncached path sees it.
 */
import type { KeyValue, KeyValueIterator, StoreContext } from '../store-types.ts';
import type { BytesKeyValueStore } from '../bytes-store.ts';
import type { BytesFlushListener, CachingKeyValueStore } from '../caching-key-value-store.ts';
import { FunctionKeyValueIterator } from '../kv-iterators.ts';
import { readTimestamp, TIMESTAMP_BYTES } from '../value-and-timestamp.ts';
import { WrappedBytesStore } from '../wrapped-bytes-store.ts';

/** Validates a TTL: a positive whole number of ms. */
export function checkTtlMs(what: string, ttlMs: number): number {
  if (!(Number.isSafeInteger(ttlMs) && ttlMs >= 1)) {
    throw new RangeError(`${what} needs a positive whole number of ms, got ${String(ttlMs)}`);
  }
  return ttlMs;
}

export class TtlKeyValueBytesStore extends WrappedBytesStore {
  #streamTime: () => number = () => -1;
  /** Fallback clock when the context gives no stream time: the max value timestamp written. */
  #maxWritten = -1;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    inner: BytesKeyValueStore,
    readonly ttlMs: number,
    /** The caching layer below, when there is one (its flush listener is filtered here). */
    private readonly cache: CachingKeyValueStore | undefined,
  ) {
    super(inner);
    checkTtlMs(`store "${inner.name}": TTL`, ttlMs);
  }

  override init(context: StoreContext): Promise<void> {
    const streamTime = context.streamTime;
    this.#streamTime = streamTime === undefined ? () => this.#maxWritten : () => streamTime();
    return super.init(context);
  }

  /** Current stream time as this store sees it (-1 before any record). */
  streamTime(): number {
    return this.#streamTime();
  }

  /** Whether stored (timestamped) value bytes are expired at the current stream time. */
  isExpired(value: Buffer): boolean {
    const now = this.#streamTime();
    return now >= 0 && now - this.#timestampOf(value) >= this.ttlMs;
  }

  #timestampOf(value: Buffer): number {
    if (value.length < TIMESTAMP_BYTES) {
      throw new Error(
        `store "${this.name}" has a TTL, which needs timestamped values (an 8-byte timestamp first), but a value is ${value.length} bytes; ` +
          'use Stores.timestampedKeyValueStoreBuilder (or a DSL Materialized) for TTL stores',
      );
    }
    return readTimestamp(value, 0);
  }

  #live(value: Buffer | undefined): Buffer | undefined {
    return value === undefined || this.isExpired(value) ? undefined : value;
  }

  /**
   * Registers the flush listener on the cache, filtered as the file comment says (b, a). The
   * cache is asked for old values always: the filter needs them to recognise a purge.
   */
  setFlushListener(listener: BytesFlushListener | undefined, sendOldValues = true): void {
    if (this.cache === undefined) return;
    if (listener === undefined) {
      this.cache.setFlushListener(undefined, sendOldValues);
      return;
    }
    this.cache.setFlushListener((key, newValue, oldValue, timestamp, headers) => {
      const old = oldValue === null || this.isExpired(oldValue) ? null : oldValue;
      if (newValue === null && old === null) return;
      listener(key, newValue, sendOldValues ? old : null, timestamp, headers);
    }, true);
  }

  override get(key: Buffer): Buffer | undefined {
    return this.#live(this.inner.get(key));
  }

  override put(key: Buffer, value: Buffer | null): void {
    if (value !== null) this.#maxWritten = Math.max(this.#maxWritten, this.#timestampOf(value));
    this.inner.put(key, value);
  }

  override putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const e of entries) this.put(e.key, e.value);
  }

  override delete(key: Buffer): Buffer | undefined {
    return this.#live(this.inner.delete(key));
  }

  override range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.#filter(this.inner.range(from, to));
  }

  override reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return this.#filter(this.inner.reverseRange(from, to));
  }

  override prefixScanBytes(prefix: Buffer, reverse = false): KeyValueIterator<Buffer, Buffer> {
    return this.#filter(this.inner.prefixScanBytes(prefix, reverse));
  }

  #filter(inner: KeyValueIterator<Buffer, Buffer>): KeyValueIterator<Buffer, Buffer> {
    return new FunctionKeyValueIterator(
      () => {
        for (;;) {
          const step = inner.next();
          if (step.done === true) return undefined;
          if (!this.isExpired(step.value.value)) return step.value;
        }
      },
      () => inner.close(),
    );
  }

  /** Commit steps 1–2, preceded by a sweep when one is due. */
  override flushCache(): void {
    this.sweep();
    this.inner.flushCache();
  }

  /**
   * Deletes every expired entry through the stack, when stream time moved at least ttlMs since
   * the last sweep (or `force`). Returns how many entries it deleted.
   */
  sweep(force = false): number {
    const now = this.#streamTime();
    if (now < 0 || (!force && now - this.#lastSweep < this.ttlMs)) return 0;
    this.#lastSweep = now;
    const expired: Buffer[] = [];
    const all = this.inner.all();
    try {
      for (const { key, value } of all) if (this.isExpired(value)) expired.push(key);
    } finally {
      all.close();
    }
    for (const key of expired) this.inner.delete(key);
    return expired.length;
  }
}
