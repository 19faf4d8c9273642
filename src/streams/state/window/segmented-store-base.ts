/*
 * The lifecycle shared by the window and session bytes stores: a SegmentBacking
 * (segment-backing.ts: the heap layout, or segment-prefixed keys in LevelDB) holding entries as
 * (segment, key, time, sub), the segments and retention rules (segments.ts), an optional
 * changelog (change-logger.ts), and the runtime's commit/restore hooks with the same meaning as
 * on BytesKeyValueStore (bytes-store.ts):
 *
 *   flushCache()        seal the writes made so far (LevelDB) — commit steps 1–2
 *   commit(offset?)     persist the sealed writes with the changelog offset — commit step 5
 *   restore(records)    apply changelog records (changelog keys, decoded with the store's
 *                       EntryKeySchema) straight to the backing, through the same retention
 *                       rules as puts, then commit offset = last + 1
 *
 * With a record cache (the inner backing is a CachingSegmentBacking, caching-segment-backing.ts)
 * puts go to the cache and are logged when the cache flushes them (at commit or eviction), once
 * per entry however often it was updated; restored records bypass the cache. Without one, every
 * put is written and logged at once (Kafka's behaviour with caching disabled).
 *
 * setFlushListener(): an operator (the DSL's windowed aggregations) hears about each flushed
 * entry AFTER it was logged, with the value below it as old value when it asked for old values —
 * Kafka's CachingWindowStore / CachingSessionStore setFlushListener. Returns false (and keeps
 * nothing) when the store has no cache: the operator must then forward each update itself.
 */
import type { RestoreRecord } from '../bytes-store.ts';
import type { StateStore, StoreContext } from '../store-types.ts';
import { WindowChangeLogger, restoredValue } from './change-logger.ts';
import type { EntryKeySchema, SegmentBacking } from './segment-backing.ts';
import { Segments } from './segments.ts';
import { CachingSegmentBacking, type SegmentFlushHook } from './caching-segment-backing.ts';

export interface SegmentedStoreOptions {
  /** How long entries are kept, measured against the store's observed stream time. */
  retentionMs: number;
  segmentIntervalMs: number;
  /** Log changes to `<applicationId>-<name>-changelog` (default true). */
  logging: boolean;
  /** Values are ValueAndTimestamp bytes (log the plain value with its timestamp). */
  timestamped: boolean;
}

export abstract class SegmentedStoreBase implements StateStore {
  protected readonly segments: Segments;
  protected logger: WindowChangeLogger | undefined;
  /** The record cache, when the inner backing is one. */
  protected readonly cache: CachingSegmentBacking | undefined;
  #listener: SegmentFlushHook | undefined;
  #open = false;

  constructor(
    protected readonly inner: SegmentBacking,
    protected readonly options: SegmentedStoreOptions,
    protected readonly schema: EntryKeySchema,
  ) {
    this.segments = new Segments(inner.name, options.retentionMs, options.segmentIntervalMs);
    this.cache = inner instanceof CachingSegmentBacking ? inner : undefined;
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get retentionMs(): number {
    return this.options.retentionMs;
  }

  /** Max time the store has seen (window start or session end); -1 when empty. */
  get observedStreamTime(): number {
    return this.segments.observedStreamTime;
  }

  /** The changelog topic, when logging is on and the store is open. */
  get changelogTopic(): string | undefined {
    return this.logger?.topic;
  }

  async init(context: StoreContext): Promise<void> {
    await this.inner.init(context);
    this.segments.load(this.inner);
    const logger = this.options.logging ? new WindowChangeLogger(this.name, context, this.options.timestamped) : undefined;
    this.logger = logger;
    if (this.cache !== undefined) {
      const schema = this.schema;
      // Log first, then tell the operator: Kafka's caching stores write (and so log) below before
      // calling the flush listener.
      this.cache.onFlush = (key, time, sub, value, old, timestamp, headers) => {
        logger?.log(schema.encode(key, time, sub), value, timestamp);
        this.#listener?.(key, time, sub, value, old, timestamp, headers);
      };
    }
    this.#open = true;
  }

  /** See the file comment; `sendOldValues` makes the cache read the value below at each flush. */
  setFlushListener(listener: SegmentFlushHook, sendOldValues: boolean): boolean {
    if (this.cache === undefined) return false;
    this.#listener = listener;
    this.cache.sendOldValues = sendOldValues;
    return true;
  }

  isOpen(): boolean {
    return this.#open && this.inner.isOpen();
  }

  /**
   * Stores `value` as (key, time, sub) unless the time is expired; returns whether it was
   * stored. Logs the change (changelog key = schema.encode(key, time, sub)) when logging is on
   * and `log` is true.
   */
  protected write(key: Buffer, time: number, sub: number, value: Buffer | null, log: boolean): boolean {
    this.#checkOpen();
    if (!this.segments.admit(this.inner, time)) return false;
    const segment = this.segments.segmentId(time);
    if (!log && this.cache !== undefined) {
      this.cache.putRestored(segment, key, time, sub, value);
      return true;
    }
    this.inner.put(segment, key, time, sub, value);
    // A cached put is logged when the cache flushes it.
    if (log && this.logger !== undefined && this.cache === undefined) this.logger.log(this.schema.encode(key, time, sub), value);
    return true;
  }

  flushCache(): void {
    this.inner.flushCache();
  }

  commit(changelogOffset?: number): Promise<void> {
    return this.inner.commit(changelogOffset);
  }

  async flush(): Promise<void> {
    await this.inner.flush();
  }

  committedChangelogOffset(): number | undefined {
    return this.inner.committedChangelogOffset();
  }

  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const last = records[records.length - 1];
    if (last === undefined) return;
    const { suffixBytes } = this.schema;
    for (const record of records) {
      const bytes = record.key;
      if (bytes.length < suffixBytes) {
        throw new RangeError(`store "${this.name}": changelog record at offset ${record.offset} has a ${bytes.length}-byte key; a windowed store key needs at least ${suffixBytes} bytes (key + time suffix)`);
      }
      const at = bytes.length - suffixBytes;
      const value = restoredValue(this.name, record, this.options.timestamped);
      this.write(bytes.subarray(0, at), this.schema.timeAt(bytes, at), this.schema.subAt(bytes, at), value, false);
    }
    await this.inner.restored(records);
  }

  async close(): Promise<void> {
    this.#open = false;
    this.segments.reset();
    await this.inner.close();
  }

  #checkOpen(): void {
    if (!this.#open) throw new Error(`window store "${this.name}" is not open; the runtime must init() it before processing`);
  }
}
