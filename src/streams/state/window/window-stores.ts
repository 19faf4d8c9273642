/*
 * `WindowStores`: how the DSL and Processor API users declare window and session stores — the
 * windowed half of Kafka Streams' `Stores`. A supplier names the backing store (memory or
 * LevelDB) and the window parameters; a builder adds serdes and logging and, on build(),
 * assembles a fresh stack per task:
 *
 *   MeteredWindowStore<K, V>  →  WindowBytesStore (segments, retention, changelog)
 *                                  →  CachingSegmentBacking           withCachingEnabled() (default off)
 *                                  →  MemorySegmentBacking (heap layout)
 *                                     | KvSegmentBacking → LevelDbKeyValueStore
 *   MeteredSessionStore<K, V> →  SessionBytesStore (same) → cache? → memory | LevelDB
 *
 * Builders fit the topology's StoreFactory shape (name, loggingEnabled(), build()), so
 * `topology.addStateStore(WindowStores.windowStoreBuilder(...), 'proc')` works as for
 * key-value stores. Logging is on by default; the changelog topic is created with
 * cleanup.policy=compact,delete and retention.ms = store retention + 1 day, as Kafka Streams
 * does for windowed changelogs. Caching (Kafka's CachingWindowStore / CachingSessionStore) puts
 * the entries in the stream thread's record cache when the task passes one (build(options)), or a
 * cache of the store's own otherwise; statestore.cache.max.bytes = 0 builds no cache. As in Kafka,
 * a store that retains duplicates (stream-stream join buffers) is never cached.
 *
 * Validation follows Kafka: retention >= window size (a window must outlive its own length),
 * a positive window size, and segment interval >= 1.
 */
import type { Serde } from '../../serde/serde.ts';
import { LevelDbKeyValueStore } from '../leveldb-key-value-store.ts';
import type { ChangelogConfig } from '../stores.ts';
import { valueAndTimestampSerde, type ValueAndTimestamp } from '../value-and-timestamp.ts';
import { KvSegmentBacking } from './kv-segment-backing.ts';
import { MemorySegmentBacking } from './memory-segment-backing.ts';
import { MeteredSessionStore, MeteredWindowStore } from './metered-window-store.ts';
import type { EntryKeySchema, SegmentBacking } from './segment-backing.ts';
import { defaultSegmentInterval } from './segments.ts';
import { SessionBytesStore } from './session-bytes-store.ts';
import { WindowBytesStore } from './window-bytes-store.ts';
import { SESSION_SCHEMA, WINDOW_SCHEMA } from './window-key-schema.ts';
import { CachingSegmentBacking } from './caching-segment-backing.ts';
import { checkCacheMaxBytes, DEFAULT_CACHE_MAX_BYTES, type CacheBuildOptions } from '../cache/thread-cache.ts';

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

export interface WindowBytesStoreSupplier {
  readonly kind: 'window';
  readonly name: string;
  readonly persistent: boolean;
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
  readonly segmentIntervalMs: number;
  /** A fresh backing (one per task). */
  backing(): SegmentBacking;
}

export interface SessionBytesStoreSupplier {
  readonly kind: 'session';
  readonly name: string;
  readonly persistent: boolean;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  backing(): SegmentBacking;
}

export interface WindowStoreOptions {
  /** How long windows are kept, against the store's observed stream time. */
  retentionMs: number;
  windowSizeMs: number;
  /** Keep every put as its own entry (stream-stream joins). Default false. */
  retainDuplicates?: boolean;
  /** Default max(retention / 2, 60 s). */
  segmentIntervalMs?: number;
}

function checkName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new TypeError(`store name ${JSON.stringify(name)} is not valid: use letters, digits, '.', '_' and '-' (it names a topic and a directory)`);
  }
  return name;
}

function checkWhole(where: string, what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${where}: ${what} must be a whole number of milliseconds >= ${min}, got ${String(value)}`);
  }
}

function windowSupplier(name: string, persistent: boolean, o: WindowStoreOptions): WindowBytesStoreSupplier {
  const where = `window store "${checkName(name)}"`;
  checkWhole(where, 'windowSizeMs', o.windowSizeMs, 1);
  checkWhole(where, 'retentionMs', o.retentionMs, 0);
  if (o.retentionMs < o.windowSizeMs) {
    throw new RangeError(`${where}: retention (${o.retentionMs} ms) must be at least the window size (${o.windowSizeMs} ms)`);
  }
  const segmentIntervalMs = o.segmentIntervalMs ?? defaultSegmentInterval(o.retentionMs);
  checkWhole(where, 'segmentIntervalMs', segmentIntervalMs, 1);
  return {
    kind: 'window',
    name,
    persistent,
    retentionMs: o.retentionMs,
    windowSizeMs: o.windowSizeMs,
    retainDuplicates: o.retainDuplicates ?? false,
    segmentIntervalMs,
    backing: () => newBacking(name, persistent, WINDOW_SCHEMA),
  };
}

function newBacking(name: string, persistent: boolean, schema: EntryKeySchema): SegmentBacking {
  return persistent ? new KvSegmentBacking(new LevelDbKeyValueStore(name), schema) : new MemorySegmentBacking(name);
}

function sessionSupplier(name: string, persistent: boolean, retentionMs: number, segmentIntervalMs?: number): SessionBytesStoreSupplier {
  const where = `session store "${checkName(name)}"`;
  checkWhole(where, 'retentionMs', retentionMs, 0);
  const interval = segmentIntervalMs ?? defaultSegmentInterval(retentionMs);
  checkWhole(where, 'segmentIntervalMs', interval, 1);
  return {
    kind: 'session',
    name,
    persistent,
    retentionMs,
    segmentIntervalMs: interval,
    backing: () => newBacking(name, persistent, SESSION_SCHEMA),
  };
}

/** Shared logging and caching switches of the two builders. */
abstract class WindowedStoreBuilderBase {
  protected logging = true;
  protected changelogConfig: ChangelogConfig = {};
  protected caching = false;
  protected cacheMaxBytes = DEFAULT_CACHE_MAX_BYTES;

  /** Adds the record cache; `maxBytes` bounds it only when the store is built outside a task. */
  withCachingEnabled(maxBytes: number = DEFAULT_CACHE_MAX_BYTES): this {
    this.cacheMaxBytes = checkCacheMaxBytes(this.name, maxBytes);
    this.caching = true;
    return this;
  }

  withCachingDisabled(): this {
    this.caching = false;
    return this;
  }

  cachingEnabled(): boolean {
    return this.caching;
  }

  /** The backing, behind a record cache when caching is on and allowed (see the header). */
  protected cached(backing: SegmentBacking, options: CacheBuildOptions | undefined, retainDuplicates: boolean): SegmentBacking {
    if (!this.caching || retainDuplicates || (options !== undefined && !(options.cacheMaxBytes > 0))) return backing;
    return new CachingSegmentBacking(backing, options?.threadCache ?? this.cacheMaxBytes);
  }

  abstract readonly name: string;
  protected abstract readonly retention: number;

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

  loggingEnabled(): boolean {
    return this.logging;
  }

  /** Topic configs for the changelog: compact+delete, retention = store retention + 1 day. */
  logConfig(): ChangelogConfig {
    return { 'cleanup.policy': 'compact,delete', 'retention.ms': String(this.retention + ONE_DAY_MS), ...this.changelogConfig };
  }
}

export class WindowStoreBuilder<K, V> extends WindowedStoreBuilderBase {
  constructor(
    readonly supplier: WindowBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    readonly timestamped = false,
  ) {
    super();
  }
  get name(): string {
    return this.supplier.name;
  }
  protected get retention(): number {
    return this.supplier.retentionMs;
  }

  build(options?: CacheBuildOptions): MeteredWindowStore<K, V> {
    const s = this.supplier;
    const bytes = new WindowBytesStore(this.cached(s.backing(), options, s.retainDuplicates), {
      retentionMs: s.retentionMs,
      segmentIntervalMs: s.segmentIntervalMs,
      logging: this.logging,
      timestamped: this.timestamped,
      windowSizeMs: s.windowSizeMs,
      retainDuplicates: s.retainDuplicates,
    });
    return new MeteredWindowStore(bytes, this.keySerde, this.valueSerde, this.logging);
  }
}

export class SessionStoreBuilder<K, V> extends WindowedStoreBuilderBase {
  constructor(
    readonly supplier: SessionBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    super();
  }
  get name(): string {
    return this.supplier.name;
  }
  protected get retention(): number {
    return this.supplier.retentionMs;
  }

  build(options?: CacheBuildOptions): MeteredSessionStore<K, V> {
    const s = this.supplier;
    const bytes = new SessionBytesStore(this.cached(s.backing(), options, false), {
      retentionMs: s.retentionMs,
      segmentIntervalMs: s.segmentIntervalMs,
      logging: this.logging,
      timestamped: false,
    });
    return new MeteredSessionStore(bytes, this.keySerde, this.valueSerde, this.logging);
  }
}

export const WindowStores = {
  /** A heap-only window store; rebuilt from the changelog on every start. */
  inMemoryWindowStore(name: string, options: WindowStoreOptions): WindowBytesStoreSupplier {
    return windowSupplier(name, false, options);
  },

  /** A LevelDB window store in `stateDir/<applicationId>/<taskId>/<name>`. */
  persistentWindowStore(name: string, options: WindowStoreOptions): WindowBytesStoreSupplier {
    return windowSupplier(name, true, options);
  },

  inMemorySessionStore(name: string, retentionMs: number, segmentIntervalMs?: number): SessionBytesStoreSupplier {
    return sessionSupplier(name, false, retentionMs, segmentIntervalMs);
  },

  persistentSessionStore(name: string, retentionMs: number, segmentIntervalMs?: number): SessionBytesStoreSupplier {
    return sessionSupplier(name, true, retentionMs, segmentIntervalMs);
  },

  windowStoreBuilder<K, V>(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  },

  /** A window store of ValueAndTimestamp<V>, as the DSL's windowed aggregations use. */
  timestampedWindowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): WindowStoreBuilder<K, ValueAndTimestamp<V>> {
    return new WindowStoreBuilder(supplier, keySerde, valueAndTimestampSerde(valueSerde), true);
  },

  sessionStoreBuilder<K, V>(supplier: SessionBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): SessionStoreBuilder<K, V> {
    return new SessionStoreBuilder(supplier, keySerde, valueSerde);
  },
};
