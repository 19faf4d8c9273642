/*
 * The sensors a producer or consumer records into (client-metric-specs.ts has the names). Each
 * client owns one object; the hot paths touch it once per request, batch or fetched partition
 * (plain field updates on a WindowedStat: no clock read, no allocation), never per record. The
 * clock is read once per request for its latency.
 *
 * The metrics live in a MetricRegistry: the one of ClientConfig.metrics when given (a
 * KafkaStreams instance passes its own, so metrics() and /metrics include its clients), else a
 * private one. close() removes them (a client's disconnect()).
 */
import { MetricRegistry, type KafkaMetric, type MetricScope } from '../../metrics/metric-registry.ts';
import type { WindowedStat } from '../../metrics/windowed-stat.ts';
import { CoordinatorMetricSpecs, FetchMetricSpecs, ProducerMetricSpecs } from './client-metric-specs.ts';

export const ClientRoles = { producer: 'producer', consumer: 'consumer', assignedConsumer: 'assigned-consumer' } as const;
export type ClientRole = (typeof ClientRoles)[keyof typeof ClientRoles];

/** One client's metric scope: tags client-id "<clientId>-<role>". */
export class ClientMetricsScope {
  readonly clientId: string;
  readonly scope: MetricScope;
  readonly #registry: MetricRegistry;

  constructor(registry: MetricRegistry | undefined, clientId: string, role: ClientRole) {
    this.#registry = registry ?? new MetricRegistry();
    this.clientId = `${clientId}-${role}`;
    this.scope = this.#registry.scope({ 'client-id': this.clientId });
  }

  /** This client's metrics, as read now. */
  metrics(): KafkaMetric[] {
    return this.#registry.metrics().filter((m) => m.tags['client-id'] === this.clientId);
  }

  close(): void {
    this.scope.close();
  }
}

export class ProducerMetrics extends ClientMetricsScope {
  readonly #send: WindowedStat;
  readonly #error: WindowedStat;
  readonly #request: WindowedStat;
  readonly #batchSize: WindowedStat;
  readonly #compression: WindowedStat;
  readonly #recordsPerRequest: WindowedStat;

  constructor(registry: MetricRegistry | undefined, clientId: string) {
    super(registry, clientId, ClientRoles.producer);
    this.#send = this.scope.stat(ProducerMetricSpecs.send);
    this.#error = this.scope.stat(ProducerMetricSpecs.error);
    this.#request = this.scope.stat(ProducerMetricSpecs.request);
    this.#batchSize = this.scope.stat(ProducerMetricSpecs.batchSize);
    this.#compression = this.scope.stat(ProducerMetricSpecs.compression);
    this.#recordsPerRequest = this.scope.stat(ProducerMetricSpecs.recordsPerRequest);
  }

  /** A batch written in a request: its records, its size as sent, and its size before compression. */
  batch(records: number, sentBytes: number, uncompressedBytes: number): void {
    this.#send.add(records);
    this.#batchSize.record(sentBytes);
    this.#compression.record(uncompressedBytes > 0 ? sentBytes / uncompressedBytes : 1);
  }

  /** A Produce request written with `records` records (its latency comes with requestDone). */
  request(records: number): void {
    this.#recordsPerRequest.record(records);
  }

  requestDone(latencyMs: number): void {
    this.#request.record(latencyMs);
  }

  /** An acks=0 request: counted, no latency. */
  requestUnacknowledged(): void {
    this.#request.add();
  }

  recordsFailed(records: number): void {
    this.#error.add(records);
  }

  /** Kafka's buffer-total-bytes, buffer-available-bytes and bufferpool-wait-time-ns-total, read from the send buffer. */
  bufferGauges(buffer: { readonly total: number; readonly available: number; readonly waitTimeNs: number }): void {
    this.scope.gauge(ProducerMetricSpecs.bufferTotal, () => buffer.total);
    this.scope.gauge(ProducerMetricSpecs.bufferAvailable, () => buffer.available);
    this.scope.gauge(ProducerMetricSpecs.bufferWaitTime, () => buffer.waitTimeNs);
  }
}

export class FetchMetrics extends ClientMetricsScope {
  readonly #fetch: WindowedStat;
  readonly #fetchSize: WindowedStat;
  readonly #records: WindowedStat;
  readonly #bytes: WindowedStat;
  readonly #recordsPerRequest: WindowedStat;
  readonly #lag: WindowedStat;

  constructor(registry: MetricRegistry | undefined, clientId: string, role: ClientRole) {
    super(registry, clientId, role);
    this.#fetch = this.scope.stat(FetchMetricSpecs.fetch);
    this.#fetchSize = this.scope.stat(FetchMetricSpecs.fetchSize);
    this.#records = this.scope.stat(FetchMetricSpecs.records);
    this.#bytes = this.scope.stat(FetchMetricSpecs.bytes);
    this.#recordsPerRequest = this.scope.stat(FetchMetricSpecs.recordsPerRequest);
    this.#lag = this.scope.stat(FetchMetricSpecs.lagMax);
  }

  /** A Fetch response: its latency, and the records and record bytes it carried in all. */
  fetched(latencyMs: number, records: number, bytes: number): void {
    this.#fetch.record(latencyMs);
    this.#fetchSize.record(bytes);
    this.#recordsPerRequest.record(records);
    this.#records.add(records);
    this.#bytes.add(bytes);
  }

  /** One partition's lag after a fetch was applied. */
  partitionLag(lag: number): void {
    this.#lag.record(lag);
  }
}

export class CoordinatorMetrics {
  readonly #commit: WindowedStat;
  readonly #rebalance: WindowedStat;
  #lastRebalanceEnd = -1;

  constructor(scope: MetricScope, assignedPartitions: () => number, now: () => number = Date.now) {
    this.#commit = scope.stat(CoordinatorMetricSpecs.commit);
    this.#rebalance = scope.stat(CoordinatorMetricSpecs.rebalance);
    scope.gauge(CoordinatorMetricSpecs.rebalanceRatePerHour, (t) => this.#rebalance.read(t).rate * 3600);
    scope.gauge(CoordinatorMetricSpecs.assignedPartitions, assignedPartitions);
    scope.gauge(CoordinatorMetricSpecs.lastRebalanceSecondsAgo, () => (this.#lastRebalanceEnd < 0 ? -1 : Math.floor((now() - this.#lastRebalanceEnd) / 1000)));
    this.now = now;
  }

  readonly now: () => number;

  commitDone(latencyMs: number): void {
    this.#commit.record(latencyMs);
  }

  rebalanceDone(latencyMs: number): void {
    this.#rebalance.record(latencyMs);
    this.#lastRebalanceEnd = this.now();
  }
}
