/*
 * Publishes this KafkaStreams instance's status to the compacted `__tributary_apps` topic
 * (src/console/app-status-record.ts has the record format) so that the broker's web console —
 * or any reader of the topic, on a real Kafka cluster too — can show running applications:
 * topology, task placement, rates and lag.
 *
 * Phases: 1 on start, create the topic if absent (compact, one partition; an existing topic is
 * left as it is); 2 every `intervalMs`, one record (a few KB, acks=1) from a producer of its
 * own, so the stream thread's producer and its transactions never carry it; 3 on stop, a
 * tombstone, so the console drops the instance at once.
 *
 * Cost: one small record per interval (5 s by default) and no work on the processing path;
 * the snapshot reads metrics the runtime keeps anyway. Failures (broker away, the topic denied
 * by ACLs) are logged once at warn and retried at the next tick; they never reach the
 * application.
 */
import { hostname } from 'node:os';
import type { KafkaMetric } from '../../metrics/metric-registry.ts';
import { metricValue } from '../../metrics/metric-registry.ts';
import type { ClientFactory } from '../../client/types.ts';
import { clientFactoryFor } from './runtime-deps.ts';
import type { StreamsConfig } from './streams-config.ts';
import { APP_STATUS_TOPIC, APP_STATUS_VERSION, appStatusKey, type AppStatusRecord } from '../../console/app-status-record.ts';
import { topologyGraph } from '../topology/topology-graph.ts';
import { topologyToMermaid } from '../topology/mermaid.ts';
import type { Topology } from '../topology/topology.ts';
import type { StreamsLogger } from '../task/internal-context.ts';

/** What the publisher reads from the running instance (KafkaStreams' public API). */
export interface AppStatusSource {
  readonly state: string;
  localTasks(): { active: string[]; standby: string[] };
  readonly processedRecords: number;
  metrics(): KafkaMetric[];
}

/** Where the records go: the topic on the application's cluster (clientSink below). */
export interface AppStatusSink {
  ensureTopic(): Promise<void>;
  publish(key: string, value: Buffer | null): Promise<void>;
  close(): Promise<void>;
}

export interface AppStatusPublisherOptions {
  readonly applicationId: string;
  readonly processId: string;
  readonly intervalMs: number;
  readonly logger: StreamsLogger;
  readonly now?: () => number;
}

/** The status record of `source` now (pure apart from reading the source). */
export function appStatusSnapshot(source: AppStatusSource, static_: { applicationId: string; processId: string; startedMs: number; ttlMs: number; topology: AppStatusRecord['topology'] }, now: number): AppStatusRecord {
  const m = source.metrics();
  const num = (name: string): number | null => {
    const v = metricValue(m, 'stream-thread-metrics', name);
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const lag: AppStatusRecord['lag'] = [];
  for (const metric of m) {
    if (metric.group !== 'consumer-fetch-manager-metrics' || metric.name !== 'records-lag' || typeof metric.value !== 'number') continue;
    const { topic, partition } = metric.tags;
    if (topic !== undefined && partition !== undefined) lag.push({ topic, partition: Number(partition), lag: metric.value });
  }
  return {
    version: APP_STATUS_VERSION,
    applicationId: static_.applicationId,
    processId: static_.processId,
    host: hostname(),
    pid: process.pid,
    state: source.state,
    startedMs: static_.startedMs,
    updatedMs: now,
    ttlMs: static_.ttlMs,
    topology: static_.topology,
    tasks: source.localTasks(),
    processedTotal: source.processedRecords,
    rates: { processRate: num('process-rate'), commitRate: num('commit-rate'), pollRate: num('poll-rate'), processLatencyAvgMs: num('process-latency-avg') },
    lag,
  };
}

export class AppStatusPublisher {
  readonly #source: AppStatusSource;
  readonly #sink: AppStatusSink;
  readonly #opts: AppStatusPublisherOptions;
  readonly #topology: AppStatusRecord['topology'];
  readonly #startedMs: number;
  #timer: NodeJS.Timeout | undefined;
  #topicReady = false;
  #inFlight: Promise<void> = Promise.resolve();
  #warned = false;

  constructor(source: AppStatusSource, topology: Topology, sink: AppStatusSink, opts: AppStatusPublisherOptions) {
    this.#source = source;
    this.#sink = sink;
    this.#opts = opts;
    this.#topology = { mermaid: topologyToMermaid(topology), graph: topologyGraph(topology) as AppStatusRecord['topology']['graph'] };
    this.#startedMs = (opts.now ?? Date.now)();
  }

  get key(): string {
    return appStatusKey(this.#opts.applicationId, this.#opts.processId);
  }

  start(): void {
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  /** Publishes one record now (also what each tick does); never rejects. */
  publishNow(): Promise<void> {
    this.#tick();
    return this.#inFlight;
  }

  /** 3: the tombstone, then the clients close. Never rejects. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
    if (this.#topicReady) await this.#sink.publish(this.key, null).catch(() => undefined);
    await this.#sink.close().catch(() => undefined);
  }

  #tick(): void {
    // One publish at a time: a slow broker never piles records up.
    this.#inFlight = this.#inFlight.then(async () => {
      try {
        if (!this.#topicReady) {
          await this.#sink.ensureTopic(); // 1
          this.#topicReady = true;
        }
        const now = (this.#opts.now ?? Date.now)();
        const record = appStatusSnapshot(this.#source, { applicationId: this.#opts.applicationId, processId: this.#opts.processId, startedMs: this.#startedMs, ttlMs: 3 * this.#opts.intervalMs, topology: this.#topology }, now);
        await this.#sink.publish(this.key, Buffer.from(JSON.stringify(record))); // 2
        this.#warned = false;
      } catch (e) {
        if (!this.#warned) {
          this.#warned = true;
          this.#opts.logger.warn(`[streams ${this.#opts.applicationId}] cannot publish the application status to ${APP_STATUS_TOPIC} (the web console will not list this instance): ${e instanceof Error ? e.message : String(e)}; retrying every ${this.#opts.intervalMs} ms`);
        }
      }
    });
  }
}

/** The sink on the application's own cluster: an admin to create the topic, a producer of its own. */
export function clientSink(clients: ClientFactory): AppStatusSink {
  const producer = clients.producer({ acks: 1 });
  let connected: Promise<void> | undefined;
  return {
    async ensureTopic() {
      const admin = clients.admin();
      try {
        await admin.connect();
        await admin.createTopics([{ topic: APP_STATUS_TOPIC, numPartitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } }]);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    async publish(key, value) {
      connected ??= producer.connect();
      await connected;
      await producer.send([{ topic: APP_STATUS_TOPIC, partition: 0, key: Buffer.from(key), value, timestamp: Date.now(), headers: {} }]);
    },
    async close() {
      if (connected !== undefined) await producer.disconnect();
    },
  };
}

/**
 * Starts publishing for a KafkaStreams instance (the one call kafka-streams.ts makes), unless
 * `appStatus.enabled` is false or the instance runs on injected clients (tests' fake deps).
 */
export function startAppStatusPublisher(
  source: AppStatusSource,
  topology: Topology,
  ctx: { config: StreamsConfig; bootstrap: readonly string[]; processId: string; logger: StreamsLogger; customDeps: boolean },
): AppStatusPublisher | undefined {
  if (!ctx.config.appStatus.enabled || ctx.customDeps) return undefined;
  const clients = clientFactoryFor(ctx.bootstrap, `${ctx.config.applicationId}-status`, ctx.config.security, ctx.logger);
  const publisher = new AppStatusPublisher(source, topology, clientSink(clients), {
    applicationId: ctx.config.applicationId,
    processId: ctx.processId,
    intervalMs: ctx.config.appStatus.intervalMs,
    logger: ctx.logger,
  });
  publisher.start();
  return publisher;
}
