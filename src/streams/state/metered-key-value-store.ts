/*
 * MeteredKeyValueStore<K, V>: the typed store processors see — the top of every store stack.
 * It turns keys and values into bytes with the store's serdes, hands them to the bytes layers
 * below (caching → changelogging → backing store), and counts each operation.
 *
 * Metrics, via StoreContext.metrics (a StoreMetricsSink), per operation `op` in
 * get | put | put-if-absent | put-all | delete | range | reverse-range | all | reverse-all |
 * prefix-scan | flush | restore:
 *   record(store, op)                        one call per operation (count 1; put-all: entries)
 *   record(store, `${op}-latency-ns`, ns)    time spent in the operation, summed by the sink —
 *                                            unless the sink says `latency: false`: then the
 *                                            clock is not read at all (Kafka Streams, too,
 *                                            times store operations only at DEBUG level)
 * Iterator operations time only the creation of the iterator, not the walk.
 *
 * The serde topic is the store's changelog topic (as in Kafka Streams), or
 * `<applicationId>-<store>-changelog` when the store is not logged (metered-store-base.ts, shared
 * with the window and session stores).
 *
 * This class is also the runtime's handle on the stack: flushCache()/commit(offset) (the numbered
 * commit procedure), committedChangelogOffset() and restore(records) delegate to the layers, and
 * setFlushListener() registers a typed listener on the caching layer.
 */
import { performance } from 'node:perf_hooks';
import type { Serde } from '../serde/serde.ts';
import type { KeyValue, KeyValueIterator, KeyValueStore } from './store-types.ts';
import type { BytesKeyValueStore, RestoreRecord } from './bytes-store.ts';
import type { RecordHeaders } from '../processor/record.ts';
import type { CachingKeyValueStore } from './caching-key-value-store.ts';
import { MeteredStoreBase } from './metered-store-base.ts';
import { MappedKeyValueIterator } from './kv-iterators.ts';

const OPERATIONS = [
  'get', 'put', 'put-if-absent', 'put-all', 'delete', 'range', 'reverse-range', 'all', 'reverse-all', 'prefix-scan', 'flush', 'restore',
] as const;
type Operation = (typeof OPERATIONS)[number];
/** `${op}-latency-ns` per operation, built once (not per call on the per-record path). */
const LATENCY = Object.fromEntries(OPERATIONS.map((op) => [op, `${op}-latency-ns`])) as Record<Operation, string>;

/** Called for each entry the cache flushes: new and old value (null = absent), and the write's timestamp. */
export type CacheFlushListener<K, V> = (key: K, newValue: V | null, oldValue: V | null, timestamp: number, headers: RecordHeaders) => void;

export class MeteredKeyValueStore<K, V> extends MeteredStoreBase<BytesKeyValueStore> implements KeyValueStore<K, V> {
  constructor(
    inner: BytesKeyValueStore,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    /** The caching layer of this stack (or a layer that filters its flush listener, e.g. TTL), when caching is enabled. */
    private readonly cache: Pick<CachingKeyValueStore, 'setFlushListener'> | undefined,
    /** Whether the stack has a changelogging layer. */
    loggingEnabled: boolean,
  ) {
    super(inner, loggingEnabled);
  }

  get cachingEnabled(): boolean {
    return this.cache !== undefined;
  }

  /**
   * Registers `listener` for the entries the cache flushes and returns true; returns false (and
   * registers nothing) when caching is disabled, in which case the caller forwards changes
   * itself at write time — Kafka Streams' `setFlushListener` contract. With `sendOldValues`
   * false, old values are passed as null (and not read).
   */
  setFlushListener(listener: CacheFlushListener<K, V>, sendOldValues = true): boolean {
    if (this.cache === undefined) return false;
    const topic = () => this.topic;
    this.cache.setFlushListener((key, newValue, oldValue, timestamp, headers) =>
      listener(
        this.keySerde.deserialize(topic(), key),
        newValue === null ? null : this.valueSerde.deserialize(topic(), newValue),
        oldValue === null ? null : this.valueSerde.deserialize(topic(), oldValue),
        timestamp,
        headers,
      ),
      sendOldValues,
    );
    return true;
  }

  get(key: K): V | undefined {
    const start = this.startClock();
    const bytes = this.inner.get(this.keyBytes(key));
    const value = bytes === undefined ? undefined : this.valueSerde.deserialize(this.topic, bytes);
    this.measure('get', start);
    return value;
  }

  put(key: K, value: V | null): void {
    const start = this.startClock();
    this.inner.put(this.keyBytes(key), this.valueBytes(value));
    this.position?.update();
    this.measure('put', start);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const start = this.startClock();
    const existing = this.inner.putIfAbsent(this.keyBytes(key), this.valueSerde.serialize(this.topic, value));
    if (existing === undefined) this.position?.update();
    const result = existing === undefined ? undefined : this.valueSerde.deserialize(this.topic, existing);
    this.measure('put-if-absent', start);
    return result;
  }

  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): void {
    const start = this.startClock();
    this.inner.putAll(entries.map((entry) => ({ key: this.keyBytes(entry.key), value: this.valueBytes(entry.value) })));
    this.position?.update();
    this.measure('put-all', start, entries.length);
  }

  delete(key: K): V | undefined {
    const start = this.startClock();
    const old = this.inner.delete(this.keyBytes(key));
    this.position?.update();
    const result = old === undefined ? undefined : this.valueSerde.deserialize(this.topic, old);
    this.measure('delete', start);
    return result;
  }

  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    const start = this.startClock();
    const iterator = this.typed(this.inner.range(this.boundBytes(from), this.boundBytes(to)));
    this.measure('range', start);
    return iterator;
  }

  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    const start = this.startClock();
    const iterator = this.typed(this.inner.reverseRange(this.boundBytes(from), this.boundBytes(to)));
    this.measure('reverse-range', start);
    return iterator;
  }

  all(): KeyValueIterator<K, V> {
    const start = this.startClock();
    const iterator = this.typed(this.inner.all());
    this.measure('all', start);
    return iterator;
  }

  reverseAll(): KeyValueIterator<K, V> {
    const start = this.startClock();
    const iterator = this.typed(this.inner.reverseAll());
    this.measure('reverse-all', start);
    return iterator;
  }

  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<K, V> {
    const start = this.startClock();
    const iterator = this.typed(this.inner.prefixScanBytes(prefixSerializer.serialize(this.topic, prefix)));
    this.measure('prefix-scan', start);
    return iterator;
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  override async flush(): Promise<void> {
    const start = this.startClock();
    await this.inner.flush();
    this.measure('flush', start);
  }

  /** Applies changelog records (bytes, as read from the changelog topic), bypassing cache and logging. */
  override async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const start = this.startClock();
    await this.inner.restore(records);
    this.measure('restore', start, records.length);
  }

  private keyBytes(key: K): Buffer {
    if (key === null || key === undefined) {
      throw new TypeError(`store "${this.name}": keys must not be null or undefined; filter out null keys before the store`);
    }
    return this.keySerde.serialize(this.topic, key);
  }

  private boundBytes(key: K | undefined): Buffer | undefined {
    return key === undefined || key === null ? undefined : this.keySerde.serialize(this.topic, key);
  }

  private valueBytes(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.valueSerde.serialize(this.topic, value);
  }

  private typed(iterator: KeyValueIterator<Buffer, Buffer>): KeyValueIterator<K, V> {
    return new MappedKeyValueIterator(iterator, (pair) => ({
      key: this.keySerde.deserialize(this.topic, pair.key),
      value: this.valueSerde.deserialize(this.topic, pair.value),
    }));
  }

  /** The operation's start time, or 0 when the sink takes no latencies (no clock read). */
  private startClock(): number {
    return this.metrics.latency === false ? 0 : performance.now();
  }

  private measure(operation: Operation, start: number, count = 1): void {
    this.metrics.record(this.name, operation, count);
    if (this.metrics.latency === false) return;
    this.metrics.record(this.name, LATENCY[operation], Math.round((performance.now() - start) * 1e6));
  }
}
