/*
 * State store contracts shared by the processors (which read and write stores synchronously)
 * and the runtime (which opens, restores, flushes and closes them asynchronously).
 *
 * Invariant — why reads and writes are synchronous: Kafka Streams processors call stores inline,
 * and an awaited LevelDB call per record caps near 17k ops/s here. So the per-record path never
 * awaits: writes land in the write-back cache, reads hit the cache or LevelDB's synchronous
 * `getSync`, and everything is written to disk in one batch at commit (`flush()`).
 */

import type { StorePosition } from '../iq/v2/store-position.ts';

export interface KeyValue<K, V> {
  key: K;
  value: V;
}

/** A synchronous iterator over key/value pairs, in key order unless documented otherwise. */
export interface KeyValueIterator<K, V> extends IterableIterator<KeyValue<K, V>> {
  /** Releases what the iterator holds. Iterating to the end closes it too. */
  close(): void;
}

/** Lifecycle every store shares; the runtime and the test driver call these, processors do not. */
export interface StateStore {
  readonly name: string;
  /** True when the store is backed by disk (LevelDB) and survives a restart locally. */
  readonly persistent: boolean;
  /** Opens the backing storage. `context` tells the store its task, changelog and collector. */
  init(context: StoreContext): Promise<void>;
  /** Writes cached changes downstream and to the changelog, then to the backing storage. */
  flush(): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
}

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** Keys in [from, to], both inclusive; a missing bound is open. */
  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V>;
  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V>;
  all(): KeyValueIterator<K, V>;
  reverseAll(): KeyValueIterator<K, V>;
  /** Keys whose serialized form starts with the serialized prefix. */
  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<K, V>;
  approximateNumEntries(): number;
}

export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V | null): void;
  /** Puts only when absent; returns the existing value, or undefined when it put. */
  putIfAbsent(key: K, value: V): V | undefined;
  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): void;
  /** Deletes and returns the old value. */
  delete(key: K): V | undefined;
}

/** Where a changelogging store sends its changes; the runtime's producer or the test driver. */
export interface RecordCollector {
  send(record: CollectedRecord): void;
}

export interface CollectedRecord {
  topic: string;
  partition: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers?: Record<string, Buffer>;
}

/** What a store learns about its place when it is initialised. */
export interface StoreContext {
  applicationId: string;
  /** "<subtopology>_<partition>", e.g. "0_3". */
  taskId: string;
  partition: number;
  /** Directory for this task's persistent stores: stateDir/applicationId/taskId. */
  stateDir: string;
  /** Changelog topic, or undefined when logging is disabled for the store. */
  changelogTopic: string | undefined;
  collector: RecordCollector;
  /** Timestamp to stamp on changelog records: the timestamp of the record being processed. */
  currentTimestamp(): number;
  /** Headers of the record being processed (record caches keep them per entry); absent = none. */
  currentHeaders?: () => Readonly<Record<string, Buffer>>;
  /** The task's stream time (-1 before any record); absent outside a task. TTL stores expire by it. */
  streamTime?: () => number;
  metrics: StoreMetricsSink;
  /** The store's IQv2 position; its top (metered) layer calls update() on every write. Absent outside a task. */
  position?: StorePosition | undefined;
  /** When IQ consistency is enabled: the headers each changelog record carries (iq/v2/position-serde.ts). */
  changelogHeaders?: (() => Record<string, Buffer>) | undefined;
}

export interface StoreMetricsSink {
  record(store: string, operation: string, count?: number): void;
  /**
   * false: the sink takes no `<op>-latency-ns` figures, so stores skip reading the clock on the
   * per-record path (a sink that discards everything should say so). Absent or true: timed.
   */
  readonly latency?: boolean;
}
