/*
 * `Stores`: how the DSL and Processor API users declare key-value stores, as Kafka Streams'
 * `Stores` / `KeyValueStoreBuilder` do. A supplier names the backing bytes store; a builder adds
 * serdes and the decorator layers and, on build(), assembles a fresh stack:
 *
 *   MeteredKeyValueStore<K, V>                      always
 *     → CachingKeyValueStore                       withCachingEnabled()  (default: off)
 *     → ChangeLoggingKeyValueStore                  withLoggingEnabled()  (default: on)
 *     → supplier.get()                              InMemoryKeyValueStore | LevelDbKeyValueStore
 *
 *   (TtlKeyValueBytesStore between Metered and Caching: withTtl(ms), timestamped values only —
 *    beyond Kafka Streams, see ttl/ttl-key-value-store.ts)
 *
 * Defaults follow Kafka Streams: logging on, caching off at the builder (the DSL's Materialized
 * turns caching on). build() may be called once per task: each call returns a new, independent
 * stack; the runtime calls init(context) with the task's StoreContext.
 *
 * Timestamped stores (`timestampedKeyValueStoreBuilder`) hold ValueAndTimestamp<V> — what KTable
 * stores hold in Kafka Streams — see value-and-timestamp.ts for the layout.
 */
import type { Serde } from '../serde/serde.ts';
import type { BytesKeyValueStore } from './bytes-store.ts';
import { CachingKeyValueStore, DEFAULT_CACHE_MAX_BYTES } from './caching-key-value-store.ts';
import { ChangeLoggingKeyValueStore, TimestampedChangeLoggingKeyValueStore } from './change-logging-key-value-store.ts';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.ts';
import { LevelDbKeyValueStore } from './leveldb-key-value-store.ts';
import { MeteredKeyValueStore } from './metered-key-value-store.ts';
import { checkTtlMs, TtlKeyValueBytesStore } from './ttl/ttl-key-value-store.ts';
import { valueAndTimestampSerde } from './value-and-timestamp.ts';
import type { ValueAndTimestamp } from './value-and-timestamp.ts';
import { checkCacheMaxBytes, type CacheBuildOptions } from './cache/thread-cache.ts';
import { VersionedKeyValueStoreBuilder, versionedSupplier, type VersionedBytesStoreSupplier } from './versioned/versioned-store-builder.ts';

/** Makes the backing bytes store of one stack (one per task). */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  /** True for LevelDB: the store survives restarts in stateDir. */
  readonly persistent: boolean;
  get(): BytesKeyValueStore;
}

/** Topic configs for the changelog topic, e.g. `{ 'retention.ms': '…' }` (cleanup.policy=compact is implied). */
export type ChangelogConfig = Record<string, string>;

export class KeyValueStoreBuilder<K, V> {
  private caching = false;
  private cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;
  private logging = true;
  private changelogConfig: ChangelogConfig = {};
  private ttl: number | undefined;

  constructor(
    readonly supplier: KeyValueBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    /** Values are ValueAndTimestamp bytes: log them the Kafka Streams way (see value-and-timestamp.ts). */
    readonly timestamped = false,
    /**
     * Stored value bytes start with an 8-byte timestamp even though the changelog is not the
     * timestamped kind (the DSL's table stores); lets withTtl() accept such a builder.
     */
    readonly timestampPrefixedValues = timestamped,
  ) {}

  get name(): string {
    return this.supplier.name;
  }

  get persistent(): boolean {
    return this.supplier.persistent;
  }

  /**
   * Adds the write-back cache. In a task the store uses the thread's cache; `maxBytes` (default
   * 10 MiB, Infinity for no bound) sizes a cache of its own when built outside one.
   */
  withCachingEnabled(maxBytes: number = DEFAULT_CACHE_MAX_BYTES): this {
    this.cacheMaxBytes = checkCacheMaxBytes(this.name, maxBytes);
    return this.setCaching(true);
  }

  withCachingDisabled(): this {
    return this.setCaching(false);
  }

  private setCaching(on: boolean): this {
    this.caching = on;
    return this;
  }

  /** Logs every change to `<applicationId>-<name>-changelog`, created with `config`. */
  withLoggingEnabled(config: ChangelogConfig = {}): this {
    this.logging = true;
    this.changelogConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    this.changelogConfig = {};
    return this;
  }

  /**
   * Beyond Kafka Streams: entries not updated for `ttlMs` of STREAM time read as absent and are
   * purged (with a changelog tombstone) at commit — see ttl/ttl-key-value-store.ts. Needs
   * timestamped values (timestampedKeyValueStoreBuilder): the stored timestamp is the update time.
   */
  withTtl(ttlMs: number): this {
    checkTtlMs(`store "${this.name}": withTtl`, ttlMs);
    if (!this.timestampPrefixedValues) {
      throw new TypeError(
        `store "${this.name}": withTtl needs timestamped values to know when an entry was updated; build the store with Stores.timestampedKeyValueStoreBuilder`,
      );
    }
    this.ttl = ttlMs;
    return this;
  }

  /** The TTL in ms of stream time, or undefined (entries never expire). */
  ttlMs(): number | undefined {
    return this.ttl;
  }

  cachingEnabled(): boolean {
    return this.caching;
  }

  loggingEnabled(): boolean {
    return this.logging;
  }

  /** The changelog topic configs to create the topic with (compaction is always on). */
  logConfig(): ChangelogConfig {
    return { 'cleanup.policy': 'compact', ...this.changelogConfig };
  }

  /**
   * `options` (the task's, when the runtime or the driver builds the store): the cache entries go
   * to the stream thread's shared cache (`threadCache`) and cacheMaxBytes 0 turns the cache off,
   * as in Kafka Streams, where the per-thread budget is the only one. Built without options, the
   * store has a cache of its own of withCachingEnabled's size.
   */
  build(options?: CacheBuildOptions): MeteredKeyValueStore<K, V> {
    let stack: BytesKeyValueStore = this.supplier.get();
    if (this.logging) {
      stack = this.timestamped ? new TimestampedChangeLoggingKeyValueStore(stack) : new ChangeLoggingKeyValueStore(stack);
    }
    let cache: CachingKeyValueStore | undefined;
    if (this.caching && (options === undefined || options.cacheMaxBytes > 0)) {
      cache = new CachingKeyValueStore(stack, options?.threadCache ?? this.cacheMaxBytes);
      stack = cache;
    }
    if (this.ttl !== undefined) {
      const ttl = new TtlKeyValueBytesStore(stack, this.ttl, cache);
      return new MeteredKeyValueStore(ttl, this.keySerde, this.valueSerde, cache === undefined ? undefined : ttl, this.logging);
    }
    return new MeteredKeyValueStore(stack, this.keySerde, this.valueSerde, cache, this.logging);
  }
}

function checkStoreName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new TypeError(
      `store name ${JSON.stringify(name)} is not valid: use letters, digits, '.', '_' and '-' (it names a topic and a directory)`,
    );
  }
  return name;
}

export const Stores = {
  /** A heap-only sorted store; rebuilt from the changelog on every start. */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    checkStoreName(name);
    return { name, persistent: false, get: () => new InMemoryKeyValueStore(name) };
  },

  /** A LevelDB store in `stateDir/<applicationId>/<taskId>/<name>`; survives restarts. */
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    checkStoreName(name);
    return { name, persistent: true, get: () => new LevelDbKeyValueStore(name) };
  },

  keyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },

  /**
   * A store of ValueAndTimestamp<V>, as KTable stores are in Kafka Streams: stored as timestamp
   * + value; the changelog carries the plain value with the timestamp as record timestamp.
   */
  timestampedKeyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): KeyValueStoreBuilder<K, ValueAndTimestamp<V>> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueAndTimestampSerde(valueSerde), true);
  },

  /**
   * A versioned store in LevelDB (versioned/): every value with its validity interval, queryable
   * as of a timestamp for `historyRetentionMs` of stream time, which is also its grace period.
   * `segmentIntervalMs` groups old versions (default: Kafka's, from the retention).
   */
  persistentVersionedKeyValueStore(name: string, historyRetentionMs: number, segmentIntervalMs?: number): VersionedBytesStoreSupplier {
    return versionedSupplier(checkStoreName(name), true, historyRetentionMs, segmentIntervalMs);
  },

  /** The same versioned store on the heap, rebuilt from its changelog on every start (beyond Kafka Streams, which has only the persistent one). */
  inMemoryVersionedKeyValueStore(name: string, historyRetentionMs: number, segmentIntervalMs?: number): VersionedBytesStoreSupplier {
    return versionedSupplier(checkStoreName(name), false, historyRetentionMs, segmentIntervalMs);
  },

  versionedKeyValueStoreBuilder<K, V>(supplier: VersionedBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): VersionedKeyValueStoreBuilder<K, V> {
    return new VersionedKeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },
};
