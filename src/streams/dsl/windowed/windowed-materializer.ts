/*
 * Turns a Materialized into the window or session store of a DSL windowed aggregation — Kafka
 * Streams' TimeWindowedKStreamImpl.materialize / SessionWindowedKStreamImpl.materialize.
 *
 *   time windows            TimestampedWindowStore<K, V>  window size = size, retention = size + grace
 *   sliding windows         TimestampedWindowStore<K, V>  window size = time difference d,
 *                           retention = 2d + grace
 *   session windows         SessionStore<K, V>            retention = gap + grace
 *
 * Emit-on-window-close adds 1 ms: Kafka serves those from a time-ordered store whose reads
 * start at observedStreamTime - retention (not + 1), so the window that just closed is still
 * readable; every window the processor writes is newer than that bound either way.
 *
 * Retention is Materialized.withRetention, else the Kafka default: long enough that a window is
 * never dropped before it closes (the windowed operators compute and check it). Store type comes from the Materialized, else the
 * application's defaultStoreType; serdes from the Materialized, else upstream, else the default
 * serdes. Logging follows the Materialized. Caching follows it too (on by default, as Kafka's
 * Materialized; `withCachingDisabled()` turns it off): the store gets a record cache on the stream
 * thread's shared cache (none when statestore.cache.max.bytes is 0), and the aggregate processors
 * forward their updates when the cache flushes them (windowed-forwarder.ts).
 */
import type { Serde } from '../../serde/serde.ts';
import type { StateStore } from '../../state/store-types.ts';
import { DEFAULT_CACHE_MAX_BYTES } from '../../state/cache/thread-cache.ts';
import { WindowStores } from '../../state/window/window-stores.ts';
import { dslStoreSuppliersOf } from '../../state/dsl-store-suppliers.ts';
import type { StoreBuildOptions, StoreFactory } from '../../topology/node-specs.ts';
import type { Materialized } from '../options/materialized.ts';
import { resolveStoreSerdes } from '../materialized-store.ts';
import { longMsText } from '../../windows/window-checks.ts';

export interface WindowedStoreShape {
  kind: 'window' | 'session';
  /** Window store: window size; ignored for sessions. */
  windowSizeMs: number;
  retentionMs: number;
}

export class WindowedMaterializer implements StoreFactory {
  /** Window stores of the DSL hold ValueAndTimestamp<V> (session stores do not). */
  readonly timestamped: boolean;

  constructor(
    readonly name: string,
    private readonly materialized: Materialized<unknown, unknown>,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    readonly shape: WindowedStoreShape,
  ) {
    this.timestamped = shape.kind === 'window';
  }

  get loggingEnabled(): boolean {
    return this.materialized.loggingEnabled;
  }

  /** Changelog topic configs: compact+delete, retention = store retention + 1 day (Kafka's). */
  logConfig(): Record<string, string> {
    return { 'cleanup.policy': 'compact,delete', 'retention.ms': longMsText(this.shape.retentionMs, 24 * 60 * 60 * 1000), ...this.materialized.topicConfig };
  }

  build(options?: StoreBuildOptions): StateStore {
    const m = this.materialized;
    const suppliers = dslStoreSuppliersOf(m.storeType ?? options?.defaultStoreType ?? 'memory');
    const { keySerde, valueSerde } = resolveStoreSerdes(this.name, this.keySerde, this.valueSerde, options);
    const { retentionMs, windowSizeMs } = this.shape;
    const builder =
      this.shape.kind === 'session'
        ? WindowStores.sessionStoreBuilder(suppliers.sessionStore({ name: this.name, retentionMs }), keySerde, valueSerde)
        : WindowStores.timestampedWindowStoreBuilder(suppliers.windowStore({ name: this.name, retentionMs, windowSizeMs, retainDuplicates: false, isTimestamped: true }), keySerde, valueSerde);
    if (m.loggingEnabled) builder.withLoggingEnabled({ ...m.topicConfig });
    else builder.withLoggingDisabled();
    const cacheBytes = options?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    if (m.cachingEnabled && cacheBytes > 0) builder.withCachingEnabled(cacheBytes);
    return builder.build(options);
  }
}
