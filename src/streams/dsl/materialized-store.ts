/*
 * Turns a Materialized into a StoreFactory the topology can instantiate per task — Kafka
 * Streams' KeyValueStoreMaterializer. The stack comes from streams/state's Stores builder:
 *   Metered(key serde, ValueAndTimestamp<value serde>) → Caching? → ChangeLogging? → memory | LevelDB
 *
 * Decided at build time (per task), not at DSL time, because they depend on the app config:
 *  - store: Materialized.as/withStoreType (a type or DslStoreSuppliers) or else config
 *    `dslStoreSuppliers` (state/dsl-store-suppliers.ts);
 *  - serdes: the Materialized/upstream serdes or else the configured defaults;
 *  - caching: on when Materialized says so AND config `cacheMaxBytes` > 0 (0 turns caching
 *    off for every store, as Kafka's statestore.cache.max.bytes=0 does); the entries live in
 *    the stream thread's one shared cache (options.threadCache).
 *  - TTL (Materialized.withTtl, beyond Kafka): a TTL layer over the stack, expiring by the
 *    stored timestamps (state/ttl/ttl-key-value-store.ts).
 * Values are stored with their timestamps (`timestamped = true`); readers that want plain
 * values (the driver's getKeyValueStore) unwrap them.
 *
 * A Materialized holding a versioned supplier builds a versioned stack instead
 * (state/versioned/), seen by the table processors through VersionedTableStore; only source
 * tables (builder.table, KStream.toTable) accept one — the other operators' stores are written
 * with timestamps that may go back, which a versioned store would keep as history instead of as
 * the current row.
 */
import type { Serde } from '../serde/serde.ts';
import type { StateStore } from '../state/store-types.ts';
import { KeyValueStoreBuilder } from '../state/stores.ts';
import { dslStoreSuppliersOf } from '../state/dsl-store-suppliers.ts';
import { VersionedKeyValueStoreBuilder, versionedChangelogConfig } from '../state/versioned/versioned-store-builder.ts';
import { VersionedTableStore } from '../state/versioned/versioned-table-store.ts';
import type { StoreBuildOptions, StoreFactory } from '../topology/node-specs.ts';
import type { Materialized } from './options/materialized.ts';
import { valueAndTimestampSerde } from '../state/value-and-timestamp.ts';

const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The serdes a materialized DSL store is built with: the Materialized/upstream ones, or else the
 * app's configured defaults. Throws, naming the store, when either is still unknown.
 */
export function resolveStoreSerdes(
  storeName: string,
  keySerde: Serde<unknown> | undefined,
  valueSerde: Serde<unknown> | undefined,
  options: StoreBuildOptions | undefined,
): { keySerde: Serde<unknown>; valueSerde: Serde<unknown> } {
  const key = keySerde ?? options?.defaultKeySerde;
  const value = valueSerde ?? options?.defaultValueSerde;
  if (key === undefined || value === undefined) {
    throw new Error(
      `State store "${storeName}" has no ${key === undefined ? 'key' : 'value'} serde: pass Materialized.with(keySerde, valueSerde) ` +
        `(or serdes on the upstream Consumed/Grouped), or configure defaultKeySerde/defaultValueSerde.`,
    );
  }
  return { keySerde: key, valueSerde: value };
}

export class KeyValueMaterializer implements StoreFactory {
  /** The store holds ValueAndTimestamp<V>, as Kafka's DSL table stores do. */
  readonly timestamped = true;

  constructor(
    readonly name: string,
    private readonly materialized: Materialized<unknown, unknown>,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    options: { sourceTable?: boolean } = {},
  ) {
    if (materialized.versionedSupplier !== undefined && options.sourceTable !== true) {
      throw new TypeError(
        `store "${name}": a versioned store can materialize a source table (StreamsBuilder.table, KStream.toTable) only; materialize this operator with a key-value store`,
      );
    }
  }

  /** History retention when the store is versioned; undefined otherwise. */
  get historyRetentionMs(): number | undefined {
    return this.materialized.versionedSupplier?.historyRetentionMs;
  }

  get loggingEnabled(): boolean {
    return this.materialized.loggingEnabled;
  }

  /** Changelog topic configs: compacted, plus Materialized.withLoggingEnabled(config); versioned stores add min.compaction.lag.ms. */
  logConfig(): Record<string, string> {
    const versioned = this.materialized.versionedSupplier;
    if (versioned !== undefined) return versionedChangelogConfig(versioned.historyRetentionMs, this.materialized.topicConfig);
    return { 'cleanup.policy': 'compact', ...this.materialized.topicConfig };
  }

  build(options?: StoreBuildOptions): StateStore {
    const m = this.materialized;
    if (m.versionedSupplier !== undefined) {
      const { keySerde, valueSerde } = resolveStoreSerdes(this.name, this.keySerde, this.valueSerde, options);
      const builder = new VersionedKeyValueStoreBuilder(m.versionedSupplier, keySerde, valueSerde);
      if (m.loggingEnabled) builder.withLoggingEnabled({ ...m.topicConfig });
      else builder.withLoggingDisabled();
      return new VersionedTableStore(builder.build());
    }
    const suppliers = dslStoreSuppliersOf(m.storeType ?? options?.defaultStoreType ?? 'memory');
    const { keySerde, valueSerde } = resolveStoreSerdes(this.name, this.keySerde, this.valueSerde, options);
    // Values are timestamp-prefixed (valueAndTimestampSerde), which is what a TTL needs.
    const builder = new KeyValueStoreBuilder(suppliers.keyValueStore({ name: this.name, isTimestamped: true }), keySerde, valueAndTimestampSerde(valueSerde), false, true);
    if (m.ttlMs !== undefined) builder.withTtl(m.ttlMs);
    if (m.loggingEnabled) builder.withLoggingEnabled({ ...m.topicConfig });
    else builder.withLoggingDisabled();
    const cacheBytes = options?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    if (m.cachingEnabled && cacheBytes > 0) builder.withCachingEnabled(cacheBytes);
    return builder.build(options);
  }
}
