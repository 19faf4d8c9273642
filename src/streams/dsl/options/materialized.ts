/*
 * Materialized: how a table's state store is made — its name (which makes the table queryable
 * and names the changelog "<applicationId>-<name>-changelog"), the store type (LevelDB or
 * memory; unset = the application's default), serdes, and whether changelogging and caching are
 * on (both on by default, as in Kafka Streams). Beyond Kafka Streams: withTtl(ms) gives a
 * key-value store a time-to-live in stream time (state/ttl/ttl-key-value-store.ts).
 *
 * `Materialized.as(Stores.persistentVersionedKeyValueStore(name, retention))` materializes a
 * source table (builder.table, KStream.toTable) on a versioned store (KIP-889/914): its history
 * serves stream–table joins as of each record's time, and out-of-order updates are marked so
 * joins and aggregations ignore them (see ops/ktable-source.ts).
 *
 * Types: `Materialized.as('counts')` carries no types (K and V are `never`, which fits any
 * operator), `Materialized.with(kSerde, vSerde)` carries the serdes' types, and an operator that
 * receives a typed Materialized checks them against its own K and V.
 */
import type { Serde } from '../../serde/serde.ts';
import { checkTtlMs } from '../../state/ttl/ttl-key-value-store.ts';
import { isVersionedSupplier, type VersionedBytesStoreSupplier } from '../../state/versioned/versioned-store-builder.ts';
import { validateName } from './named.ts';
import { checkDslStoreChoice, isDslStoreSuppliers, type DslStoreChoice, type DslStoreSuppliers } from '../../state/dsl-store-suppliers.ts';

export const StoreType = { MEMORY: 'memory', LEVELDB: 'leveldb' } as const;
export type StoreType = (typeof StoreType)[keyof typeof StoreType];

interface MaterializedFields<K, V> {
  storeName: string | undefined;
  keySerde: Serde<K> | undefined;
  valueSerde: Serde<V> | undefined;
  storeType: DslStoreChoice | undefined;
  loggingEnabled: boolean;
  topicConfig: Readonly<Record<string, string>>;
  cachingEnabled: boolean;
  ttlMs: number | undefined;
  retentionMs: number | undefined;
  versionedSupplier: VersionedBytesStoreSupplier | undefined;
}

export class Materialized<K, V> {
  private constructor(private readonly f: MaterializedFields<K, V>) {}

  private static make<K, V>(f: Partial<MaterializedFields<K, V>>): Materialized<K, V> {
    return new Materialized<K, V>({
      storeName: undefined,
      keySerde: undefined,
      valueSerde: undefined,
      storeType: undefined,
      loggingEnabled: true,
      topicConfig: {},
      cachingEnabled: true,
      ttlMs: undefined,
      retentionMs: undefined,
      versionedSupplier: undefined,
      ...f,
    });
  }

  /**
   * A named store (queryable by that name through getKeyValueStore / interactive queries); a
   * versioned store supplier (Stores.persistentVersionedKeyValueStore / inMemoryVersionedKeyValueStore),
   * which names the store too; or DslStoreSuppliers (KIP-954) for a store with a generated name.
   */
  static as<K = never, V = never>(storeNameOrSupplier: string | VersionedBytesStoreSupplier | DslStoreSuppliers): Materialized<K, V> {
    if (typeof storeNameOrSupplier === 'string') return Materialized.make<K, V>({ storeName: validateName(storeNameOrSupplier) });
    if (isDslStoreSuppliers(storeNameOrSupplier)) return Materialized.make<K, V>({ storeType: storeNameOrSupplier });
    if (!isVersionedSupplier(storeNameOrSupplier)) {
      throw new TypeError(
        'Materialized.as takes a store name, a versioned store supplier (Stores.persistentVersionedKeyValueStore(name, historyRetentionMs)) or DslStoreSuppliers (BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers)',
      );
    }
    return Materialized.make<K, V>({ storeName: validateName(storeNameOrSupplier.name), versionedSupplier: storeNameOrSupplier });
  }

  /** A store of the given type ('leveldb', 'memory' or DslStoreSuppliers) with a generated name. */
  static asType<K = never, V = never>(storeType: DslStoreChoice): Materialized<K, V> {
    return Materialized.make<K, V>({ storeType: checkDslStoreChoice('Materialized.asType', storeType) });
  }

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Materialized<K, V> {
    return Materialized.make<K, V>({ keySerde, valueSerde });
  }

  get storeName(): string | undefined {
    return this.f.storeName;
  }
  get keySerde(): Serde<K> | undefined {
    return this.f.keySerde;
  }
  get valueSerde(): Serde<V> | undefined {
    return this.f.valueSerde;
  }
  /** The store choice of this operator; undefined = the application's dslStoreSuppliers. */
  get storeType(): DslStoreChoice | undefined {
    return this.f.storeType;
  }
  get loggingEnabled(): boolean {
    return this.f.loggingEnabled;
  }
  get topicConfig(): Readonly<Record<string, string>> {
    return this.f.topicConfig;
  }
  get cachingEnabled(): boolean {
    return this.f.cachingEnabled;
  }
  get ttlMs(): number | undefined {
    return this.f.ttlMs;
  }
  /** The versioned store supplier given to Materialized.as, if any. */
  get versionedSupplier(): VersionedBytesStoreSupplier | undefined {
    return this.f.versionedSupplier;
  }
  /** Window and session stores: how long windows are kept; undefined = the operator's default. */
  get retentionMs(): number | undefined {
    return this.f.retentionMs;
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Materialized<K2, V> {
    return new Materialized<K2, V>({ ...this.f, keySerde } as unknown as MaterializedFields<K2, V>);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Materialized<K, V2> {
    return new Materialized<K, V2>({ ...this.f, valueSerde } as unknown as MaterializedFields<K, V2>);
  }

  /** 'leveldb' | 'memory' (StoreType), or DslStoreSuppliers (KIP-954). */
  withStoreType(storeType: DslStoreChoice): Materialized<K, V> {
    return new Materialized({ ...this.f, storeType: checkDslStoreChoice('Materialized.withStoreType', storeType) });
  }

  withLoggingEnabled(topicConfig: Readonly<Record<string, string>> = {}): Materialized<K, V> {
    return new Materialized({ ...this.f, loggingEnabled: true, topicConfig });
  }

  withLoggingDisabled(): Materialized<K, V> {
    return new Materialized({ ...this.f, loggingEnabled: false, topicConfig: {} });
  }

  withCachingEnabled(): Materialized<K, V> {
    return new Materialized({ ...this.f, cachingEnabled: true });
  }

  withCachingDisabled(): Materialized<K, V> {
    return new Materialized({ ...this.f, cachingEnabled: false });
  }

  /**
   * Window and session stores only (Kafka's Materialized.withRetention): keep windows for
   * `retentionMs` of stream time, so they stay queryable after they close. It must be at least
   * window size + grace (sessions: inactivity gap + grace); the windowed operator checks that.
   * The store's changelog is created with retention.ms = retentionMs + 1 day.
   */
  withRetention(retentionMs: number): Materialized<K, V> {
    if (!(Number.isSafeInteger(retentionMs) && retentionMs >= 0)) {
      throw new RangeError(`Materialized.withRetention needs a non-negative whole number of ms, got ${String(retentionMs)}`);
    }
    return new Materialized({ ...this.f, retentionMs });
  }

  /**
   * Beyond Kafka Streams (key-value stores only; window and session stores have retention): a
   * row not updated for `ttlMs` of STREAM time reads as absent — an aggregation restarts from its
   * initializer — and is purged at commit with a changelog tombstone. Downstream is not sent a
   * tombstone for an expired row. See streams/state/ttl/ttl-key-value-store.ts.
   */
  withTtl(ttlMs: number): Materialized<K, V> {
    if (this.f.versionedSupplier !== undefined) throw new TypeError(`Materialized.withTtl: store "${this.f.storeName}" is versioned; its history retention already bounds what it keeps`);
    return new Materialized({ ...this.f, ttlMs: checkTtlMs('Materialized.withTtl', ttlMs) });
  }
}
