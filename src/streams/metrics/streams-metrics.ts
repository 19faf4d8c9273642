/*
 * StreamsMetrics: the metrics of one KafkaStreams instance (or one TopologyTestDriver) — the
 * registry at the configured recording level, the client-level metrics, and a ThreadMetrics per
 * stream thread. KafkaStreams.metrics() and the Prometheus endpoint both read it.
 *
 * Ownership: KafkaStreams creates one at construction and closes each thread's ThreadMetrics
 * when that thread ends (a replaced thread's metrics disappear with it, as in Kafka Streams).
 */
import { MetricRegistry, type KafkaMetric, type RecordingLevel } from '../../metrics/metric-registry.ts';
import { startMetricsServer, type MetricsServer } from '../../metrics/metrics-http-server.ts';
import { PrometheusBridge } from '../../metrics/prometheus-bridge.ts';
import type { StatWindowConfig } from '../../metrics/windowed-stat.ts';
import type { StreamsLogger } from '../task/internal-context.ts';
import { ClientMetrics } from './catalog.ts';
import type { StateRestoreListener } from './restore-progress.ts';
import { ThreadMetrics } from './thread-metrics.ts';

export interface StreamsMetricsOptions {
  readonly clientId: string;
  readonly level?: RecordingLevel;
  readonly window?: StatWindowConfig;
  readonly now?: () => number;
  readonly logger: StreamsLogger;
}

export class StreamsMetrics {
  readonly registry: MetricRegistry;
  readonly clientId: string;
  readonly #logger: StreamsLogger;
  #restoreListener: StateRestoreListener | undefined;
  #bridge: PrometheusBridge | undefined;
  #server: MetricsServer | undefined;

  constructor(options: StreamsMetricsOptions) {
    this.registry = new MetricRegistry({ level: options.level, window: options.window, now: options.now });
    this.clientId = options.clientId;
    this.#logger = options.logger;
  }

  /** Registers the client-level metrics (KafkaStreams only; the test driver has no client). */
  registerClient(state: () => string, aliveThreads: () => number): void {
    const scope = this.registry.scope({ 'client-id': this.clientId });
    scope.gauge(ClientMetrics.state, state);
    scope.gauge(ClientMetrics.aliveStreamThreads, aliveThreads);
  }

  /** The sensors of a new stream thread. */
  thread(threadId: string): ThreadMetrics {
    return new ThreadMetrics(this.registry.scope({ 'thread-id': threadId }), threadId, this.#logger, () => this.#restoreListener);
  }

  /** Kafka Streams' setGlobalStateRestoreListener: told about every store restore. */
  setRestoreListener(listener: StateRestoreListener | undefined): void {
    this.#restoreListener = listener;
  }

  metrics(): KafkaMetric[] {
    return this.registry.metrics();
  }

  /** The metrics as a prom-client Registry (Registry.merge it with your own); created on first use. */
  get prometheus(): PrometheusBridge {
    this.#bridge ??= new PrometheusBridge(() => this.metrics());
    return this.#bridge;
  }

  /** Serves GET /metrics (Prometheus text) until stopServing(); returns its URL. */
  async serve(port: number, host: string): Promise<string> {
    if (this.#server !== undefined) return this.#server.url;
    const bridge = this.prometheus;
    this.#server = await startMetricsServer({ port, host }, () => bridge.scrape());
    return this.#server.url;
  }

  /** "http://host:port/metrics" while serving. */
  get url(): string | undefined {
    return this.#server?.url;
  }

  async stopServing(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }
}
