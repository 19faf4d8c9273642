/*
 * TaskMetrics: the sensors of one task — its own (process, dropped records, lateness), its sink
 * nodes' end-to-end latency, and its stores' operations and record caches (through the
 * StoreMetricsSink the Metered layers call). Created by ThreadMetrics.task(); close() removes
 * every metric of the task (the task moved away or closed).
 *
 * Cost at the default INFO level (what StreamTask pays per record): `dropped` and `e2e` only —
 * a field increment, and one Map lookup plus a clock read per record reaching a sink. process,
 * lateness and the store sink exist only at DEBUG; at INFO the stores get a sink that says
 * `latency: false`, so they never read the clock (metered-key-value-store.ts).
 */
import type { MetricScope } from '../../metrics/metric-registry.ts';
import type { WindowedStat } from '../../metrics/windowed-stat.ts';
import type { StoreMetricsSink } from '../state/store-types.ts';
import { NodeMetricSpecs, StoreMetricSpecs, storeOperationMetrics, TaskMetricSpecs, type StatMetrics } from './catalog.ts';

const NO_STORE_METRICS: StoreMetricsSink = { record() {}, latency: false };
const LATENCY_SUFFIX = '-latency-ns';

export class TaskMetrics {
  readonly #scope: MetricScope;
  readonly #debug: boolean;
  /** Records dropped (always recorded: dropped-records-* is INFO). */
  readonly dropped: WindowedStat;
  /** Records processed; undefined below DEBUG. */
  readonly processed: WindowedStat | undefined;
  /** Record lateness in ms; undefined below DEBUG. */
  readonly lateness: WindowedStat | undefined;
  readonly #e2e = new Map<string, WindowedStat>();
  readonly #stores = new Map<string, WindowedStat>();
  #sink: StoreMetricsSink | undefined;

  constructor(scope: MetricScope) {
    this.#scope = scope;
    this.#debug = scope.registry.shouldRecord('DEBUG');
    this.dropped = scope.stat(TaskMetricSpecs.dropped);
    this.processed = this.#debug ? scope.stat(TaskMetricSpecs.process) : undefined;
    this.lateness = this.#debug ? scope.stat(TaskMetricSpecs.lateness) : undefined;
  }

  /** Wall-clock ms, for end-to-end latency. */
  now(): number {
    return this.#scope.registry.now();
  }

  /** The end-to-end latency sensor of sink node `node` (created on first use). */
  e2e(node: string): WindowedStat {
    let stat = this.#e2e.get(node);
    if (stat === undefined) {
      stat = this.#scope.stat(NodeMetricSpecs.e2eLatency, { 'processor-node-id': node });
      this.#e2e.set(node, stat);
    }
    return stat;
  }

  /**
   * The sink the task's stores record into. `persistent(store)` names the store's tag
   * (`leveldb-state-id` or `in-memory-state-id`, as Kafka's `rocksdb-state-id`). Operations
   * arrive as a count, then (key-value stores) `<op>-latency-ns` with the time in ns: the count
   * goes to the stat's events and the time to its values, so rate = operations/s and
   * latency-avg = time / operations.
   */
  storeSink(persistent: (store: string) => boolean): StoreMetricsSink {
    if (!this.#debug) return NO_STORE_METRICS;
    this.#sink ??= {
      record: (store, operation, count = 1) => {
        if (operation === 'cache-hit' || operation === 'cache-miss') {
          this.#stat(store, 'cache', () => ({ specs: StoreMetricSpecs.cacheHitRatio, tags: { 'record-cache-id': store } })).record(operation === 'cache-hit' ? 1 : 0);
        } else if (operation.endsWith(LATENCY_SUFFIX)) {
          this.#operation(store, operation.slice(0, -LATENCY_SUFFIX.length), persistent).observe(count);
        } else {
          this.#operation(store, operation, persistent).add(count);
        }
      },
    };
    return this.#sink;
  }

  #operation(store: string, operation: string, persistent: (store: string) => boolean): WindowedStat {
    return this.#stat(store, operation, () => ({
      specs: operation === 'expired-window-record-drop' ? StoreMetricSpecs.expiredDrop : storeOperationMetrics(operation),
      tags: { [persistent(store) ? 'leveldb-state-id' : 'in-memory-state-id']: store },
    }));
  }

  /** The stat of (store, what), registered on first use. */
  #stat(store: string, what: string, describe: () => { specs: StatMetrics; tags: Record<string, string> }): WindowedStat {
    const key = `${store}\u0000${what}`;
    let stat = this.#stores.get(key);
    if (stat === undefined) {
      const { specs, tags } = describe();
      stat = this.#scope.stat(specs, tags);
      this.#stores.set(key, stat);
    }
    return stat;
  }

  close(): void {
    this.#scope.close();
    this.#e2e.clear();
    this.#stores.clear();
  }
}
