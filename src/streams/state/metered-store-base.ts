/*
 * What every metered (typed, top-of-stack) store shares, whatever its shape — key-value
 * (metered-key-value-store.ts), window or session (window/metered-window-store.ts):
 *
 *  - the serde topic: the store's changelog topic, or `<applicationId>-<store>-changelog` when
 *    the store is not logged (as Kafka Streams passes it to serdes). It is the store name until
 *    init() and fixed from then on.
 *  - the store's IQv2 position: every write the store accepts updates it (Kafka's stores call
 *    StoreQueryUtils.updatePosition on each put); it lives here, above the cache, so it covers
 *    what the whole stack answers from.
 *  - init(): takes the metrics sink from the context and opens the layers below with the
 *    changelog topic when logging is enabled, and without one otherwise.
 *  - the runtime's hooks that pass straight through (DelegatingRuntimeStore): flushCache()
 *    (commit steps 1–2), commit(offset) (step 5), committedChangelogOffset() and close().
 *
 * Each subclass decides how flush() and restore() are metered and adds its typed operations.
 */
import { changelogTopicName } from './change-logging-key-value-store.ts';
import { DelegatingRuntimeStore, type RuntimeStore } from './delegating-state-store.ts';
import type { StoreContext, StoreMetricsSink } from './store-types.ts';
import type { StorePosition } from '../iq/v2/store-position.ts';

const noMetrics: StoreMetricsSink = { record() {} };

export abstract class MeteredStoreBase<S extends RuntimeStore> extends DelegatingRuntimeStore<S> {
  /** The topic passed to the serdes (see the file comment). */
  protected topic: string;
  protected metrics: StoreMetricsSink = noMetrics;
  /** The store's IQv2 position (iq/v2/store-position.ts): every accepted write calls update(). */
  protected position: StorePosition | undefined;

  constructor(
    inner: S,
    /** Whether the stack has a changelogging layer. */
    readonly loggingEnabled: boolean,
  ) {
    super(inner);
    this.topic = inner.name;
  }

  override async init(context: StoreContext): Promise<void> {
    this.topic = context.changelogTopic ?? changelogTopicName(context.applicationId, this.name);
    this.metrics = context.metrics;
    this.position = context.position;
    await this.inner.init(this.loggingEnabled ? { ...context, changelogTopic: this.topic } : { ...context, changelogTopic: undefined });
  }

  // flush() and restore() are metered by each subclass; the other hooks pass straight through.
}
