/*
 * Suppliers and the builder of versioned key-value stores — Kafka Streams'
 * Stores.persistentVersionedKeyValueStore / versionedKeyValueStoreBuilder
 * (RocksDbVersionedKeyValueBytesStoreSupplier, VersionedKeyValueStoreBuilder). The stack:
 *
 *   MeteredVersionedKeyValueStore<K, V>     serdes, metrics
 *     → ChangeLoggingVersionedStore         withLoggingEnabled()  (default: on)
 *     → SegmentedVersionedStore             history in segments (segmented-versioned-store.ts)
 *     → LevelDbKeyValueStore | InMemoryKeyValueStore
 *
 * No caching layer, as in Kafka Streams. The changelog topic is compacted with
 * min.compaction.lag.ms = history retention + 24 h unless the user's topic config sets it
 * (Kafka's VersionedChangelogTopicConfig).
 */
import type { Serde } from '../../serde/serde.ts';
import type { StoreFactory } from '../../topology/node-specs.ts';
import type { BytesKeyValueStore } from '../bytes-store.ts';
import { InMemoryKeyValueStore } from '../in-memory-key-value-store.ts';
import { LevelDbKeyValueStore } from '../leveldb-key-value-store.ts';
import { ChangeLoggingVersionedStore } from './change-logging-versioned-store.ts';
import { MeteredVersionedKeyValueStore } from './metered-versioned-store.ts';
import { SegmentedVersionedStore, type VersionedBytesStore } from './segmented-versioned-store.ts';

/** Kafka's VERSIONED_STORE_CHANGE_LOG_ADDITIONAL_COMPACTION_LAG_MS. */
const ADDITIONAL_COMPACTION_LAG_MS = 24 * 60 * 60 * 1000;

/** Makes the bytes-level versioned store of one stack (one per task). */
export interface VersionedBytesStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  readonly historyRetentionMs: number;
  readonly segmentIntervalMs: number;
  get(): VersionedBytesStore;
}

/** Kafka's default segment interval for a history retention (RocksDbVersionedKeyValueBytesStoreSupplier). */
export function defaultSegmentInterval(historyRetentionMs: number): number {
  if (historyRetentionMs <= 60_000) return Math.max(Math.floor(historyRetentionMs / 3), 2_000);
  if (historyRetentionMs <= 300_000) return Math.max(Math.floor(historyRetentionMs / 5), 20_000);
  if (historyRetentionMs <= 3_600_000) return Math.max(Math.floor(historyRetentionMs / 12), 60_000);
  return Math.max(Math.floor(historyRetentionMs / 24), 300_000);
}

function wholeMs(what: string, ms: number, min: number): number {
  if (!Number.isSafeInteger(ms) || ms < min) {
    throw new RangeError(`${what} must be a whole number of ms ≥ ${min}, got ${String(ms)}`);
  }
  return ms;
}

export function versionedSupplier(
  name: string,
  persistent: boolean,
  historyRetentionMs: number,
  segmentIntervalMs: number | undefined,
): VersionedBytesStoreSupplier {
  const fn = persistent ? 'persistentVersionedKeyValueStore' : 'inMemoryVersionedKeyValueStore';
  const retention = wholeMs(`Stores.${fn}("${name}"): historyRetentionMs`, historyRetentionMs, 0);
  const interval = segmentIntervalMs === undefined ? defaultSegmentInterval(retention) : wholeMs(`Stores.${fn}("${name}"): segmentIntervalMs`, segmentIntervalMs, 1);
  const backing = (): BytesKeyValueStore => (persistent ? new LevelDbKeyValueStore(name) : new InMemoryKeyValueStore(name));
  return {
    name,
    persistent,
    historyRetentionMs: retention,
    segmentIntervalMs: interval,
    get: () => new SegmentedVersionedStore(name, backing(), retention, interval),
  };
}

export function isVersionedSupplier(x: unknown): x is VersionedBytesStoreSupplier {
  const s = x as Partial<VersionedBytesStoreSupplier> | null;
  return typeof s === 'object' && s !== null && typeof s.historyRetentionMs === 'number' && typeof s.segmentIntervalMs === 'number' && typeof s.get === 'function';
}

/** The changelog topic configs of a versioned store (file comment). */
export function versionedChangelogConfig(historyRetentionMs: number, userConfig: Readonly<Record<string, string>>): Record<string, string> {
  const lag = Math.min(historyRetentionMs + ADDITIONAL_COMPACTION_LAG_MS, Number.MAX_SAFE_INTEGER);
  return { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(lag), ...userConfig };
}

export class VersionedKeyValueStoreBuilder<K, V> implements StoreFactory {
  #logging = true;
  #changelogConfig: Record<string, string> = {};
  /** The store holds versions, not ValueAndTimestamp: readers must not unwrap timestamps. */
  readonly versioned = true;

  constructor(
    readonly supplier: VersionedBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {}

  get name(): string {
    return this.supplier.name;
  }

  /** Logs every version to `<applicationId>-<name>-changelog`, created with `config` over the defaults. */
  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.#logging = true;
    this.#changelogConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.#logging = false;
    this.#changelogConfig = {};
    return this;
  }

  /** Versioned stores have no cache (as in Kafka Streams); this says so instead of ignoring the call. */
  withCachingEnabled(): never {
    throw new TypeError(`store "${this.name}": versioned stores do not support caching (Kafka Streams' neither); remove withCachingEnabled()`);
  }

  withCachingDisabled(): this {
    return this;
  }

  loggingEnabled(): boolean {
    return this.#logging;
  }

  logConfig(): Record<string, string> {
    return versionedChangelogConfig(this.supplier.historyRetentionMs, this.#changelogConfig);
  }

  build(): MeteredVersionedKeyValueStore<K, V> {
    let stack: VersionedBytesStore = this.supplier.get();
    if (this.#logging) stack = new ChangeLoggingVersionedStore(stack);
    return new MeteredVersionedKeyValueStore(stack, this.keySerde, this.valueSerde, this.#logging);
  }
}
