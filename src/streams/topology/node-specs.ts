/*
 * The physical plan a Topology holds: source, processor and sink nodes by name, the state stores
 * they use, and which topics are internal. The DSL compiles to these; the Processor API adds
 * them directly; the task instantiates them per partition.
 *
 * Invariants: node names are unique across all kinds; a processor's and a sink's predecessors
 * exist when it is added (so insertion order is a topological order, as Kafka Streams'
 * nodeFactories map); internal topic names are RELATIVE ("counts-store-repartition") and become
 * "<applicationId>-<name>" only when a task is built (`resolveTopic`), because the application
 * id is known only at run time.
 */
import type { Deserializer, Serializer } from '../serde/serde.ts';
import type { StateStore } from '../state/store-types.ts';
import type { ThreadCache } from '../state/cache/thread-cache.ts';
import type { AnyProcessorSupplier } from '../processor/processor.ts';

/** Picks the event time of a consumed record; the default uses the record's own timestamp. */
export type TimestampExtractor = (record: { key: unknown; value: unknown; timestamp: number; topic: string }, partitionTime: number) => number;

/** Chooses the output topic per record, as Kafka Streams' TopicNameExtractor. */
export interface TopicNameExtractor<K = unknown, V = unknown> {
  (key: K, value: V, context: { topic: string | undefined; partition: number | undefined; offset: number | undefined }): string;
}

/** Chooses the output partition; undefined means "default partitioner". */
export type StreamPartitioner<K = unknown, V = unknown> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;

/** What the task passes when it asks a factory for a store instance. */
/**
 * A store choice as the build options carry it: 'leveldb', 'memory' or a DslStoreSuppliers
 * (state/dsl-store-suppliers.ts, whose dslStoreSuppliersOf reads it), typed by shape so this
 * file imports no store code (the console's browser build type-checks it).
 */
export type StoreChoiceLike =
  | 'memory'
  | 'leveldb'
  | { readonly keyValueStore: (...args: never[]) => unknown; readonly windowStore: (...args: never[]) => unknown; readonly sessionStore: (...args: never[]) => unknown };

export interface StoreBuildOptions {
  /**
   * Where DSL stores that did not choose come from: config `dslStoreSuppliers` (KIP-954), or
   * the deprecated `defaultStoreType` it replaces (state/dsl-store-suppliers.ts).
   */
  defaultStoreType: StoreChoiceLike;
  /** Cache size in bytes for stores with caching on; 0 turns caching off everywhere. */
  cacheMaxBytes: number;
  /** The stream thread's record cache (state/cache/thread-cache.ts); undefined when cacheMaxBytes is 0. */
  threadCache?: ThreadCache | undefined;
  defaultKeySerde: import('../serde/serde.ts').Serde<unknown> | undefined;
  defaultValueSerde: import('../serde/serde.ts').Serde<unknown> | undefined;
  /** The run's application id and `upgradeFrom` (stores whose bytes depend on them: FK joins). */
  applicationId?: string | undefined;
  upgradeFrom?: import('../serde/upgrade-from.ts').UpgradeFrom | undefined;
}

/**
 * Creates one store instance per task. `loggingEnabled` decides whether the store gets a
 * changelog topic "<applicationId>-<name>-changelog". A state-store builder from
 * `streams/state` fits this shape (name, build()); the DSL's materializer adds the options.
 */
export interface StoreFactory {
  readonly name: string;
  /** A flag, or a method as on streams/state's KeyValueStoreBuilder; absent means on. */
  readonly loggingEnabled?: boolean | (() => boolean);
  /**
   * Configs of the changelog topic the runtime creates; absent means cleanup.policy=compact.
   * Window and session stores: compact,delete with retention.ms = store retention + 1 day (Kafka's
   * windowstore.changelog.additional.retention.ms default); stream-join buffers: delete.
   */
  logConfig?(): Readonly<Record<string, string>>;
  build(options?: StoreBuildOptions): StateStore;
}

export function storeChangelogConfig(factory: StoreFactory): Readonly<Record<string, string>> {
  return factory.logConfig?.() ?? { 'cleanup.policy': 'compact' };
}

export function storeLoggingEnabled(factory: StoreFactory): boolean {
  const l = factory.loggingEnabled;
  return typeof l === 'function' ? l.call(factory) : l !== false;
}

export interface SourceNodeSpec {
  readonly kind: 'source';
  readonly name: string;
  /** Exactly one of topics / pattern is set. */
  readonly topics: readonly string[] | undefined;
  readonly pattern: RegExp | undefined;
  readonly keyDeserializer: Deserializer<unknown> | DefaultWrappingSerde | undefined;
  readonly valueDeserializer: Deserializer<unknown> | DefaultWrappingSerde | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
}

export interface ProcessorNodeSpec {
  readonly kind: 'processor';
  readonly name: string;
  readonly supplier: AnyProcessorSupplier;
  readonly predecessors: readonly string[];
  /** Store names in the order they were connected. */
  readonly stores: string[];
}

export interface SinkNodeSpec {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string | TopicNameExtractor<unknown, unknown>;
  readonly keySerializer: Serializer<unknown> | DefaultWrappingSerde | undefined;
  readonly valueSerializer: Serializer<unknown> | DefaultWrappingSerde | undefined;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  readonly predecessors: readonly string[];
}

export type NodeSpec = SourceNodeSpec | ProcessorNodeSpec | SinkNodeSpec;

export interface StoreSpec {
  readonly factory: StoreFactory;
  /** Processors connected to the store, in connection order. */
  readonly users: string[];
}

export const InternalTopicType = { REPARTITION: 'repartition' } as const;
export type InternalTopicType = (typeof InternalTopicType)[keyof typeof InternalTopicType];

export interface InternalTopicSpec {
  readonly name: string;
  readonly type: InternalTopicType;
  readonly numberOfPartitions: number | undefined;
}

/**
 * A serde that wraps whatever the default serde turns out to be (e.g. the Change<V> serde of a
 * table repartition whose V has no explicit serde). The task calls `resolveDefault` with the
 * configured default before using it.
 */
export interface DefaultWrappingSerde {
  readonly wrapsDefault: true;
  resolveDefault(defaultSerde: import('../serde/serde.ts').Serde<unknown> | undefined, run?: SerdeRun): import('../serde/serde.ts').Serde<unknown>;
}

/** What the task also tells a DefaultWrappingSerde: serdes whose bytes depend on the run (FK joins). */
export interface SerdeRun {
  readonly applicationId: string;
  readonly upgradeFrom: import('../serde/upgrade-from.ts').UpgradeFrom | undefined;
}

export function isDefaultWrapping(x: unknown): x is DefaultWrappingSerde {
  return typeof x === 'object' && x !== null && (x as { wrapsDefault?: unknown }).wrapsDefault === true;
}
