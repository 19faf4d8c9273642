/*
 * BrokerMetrics: what the broker counts about itself, and its Prometheus exposition.
 *
 * Recorded on the request path (plain Map and field updates; no clock reads of its own):
 *   produced(topic, bytes, records)   after a client batch is appended (Produce handler)
 *   fetched(response)                 a Fetch response about to be sent: bytes and records per topic
 *   request(api, ms)                  every handled request (dispatcher), decode to outcome
 *   fsync(ms)                         every fdatasync of a log or directory (the log's Syncer)
 * Quantiles (p50/p99 of request and fsync latency) need a sketch per API: prom-client Summaries
 * (sliding 60 s, 5 buckets), created only when the Prometheus side is enabled, so a broker that
 * exports nothing pays for counters only and never loads prom-client.
 *
 * Read at scrape time from the broker's state (BrokerStateView): log size and offsets per
 * partition, groups per state, lag per group partition, open connections.
 *
 * Prometheus families (all prefixed tributary_broker_):
 *   bytes_in_total, records_in_total, bytes_out_total, records_out_total   {topic}      counter
 *   request_latency_seconds {api, quantile=0.5|0.99} + _sum/_count (rate of requests)   summary
 *   fsync_latency_seconds {quantile} + _sum/_count                                      summary
 *   log_size_bytes, log_start_offset, log_end_offset                {topic, partition}  gauge
 *   groups {state}; group_lag {group, topic, partition}; connections                    gauge
 */
import type { Registry, Summary } from 'prom-client';
import { promClient } from '../../metrics/prometheus-bridge.ts';

export interface PartitionView {
  readonly topic: string;
  readonly partition: number;
  readonly sizeBytes: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
}

export interface GroupView {
  readonly groupId: string;
  readonly state: string;
  readonly offsets: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly committed: number }>;
}

/** What the scrape reads from the broker (broker-state-view.ts builds it). */
export interface BrokerStateView {
  connections(): number;
  partitions(): Iterable<PartitionView>;
  groups(): Iterable<GroupView>;
}

/** Counters of one topic's traffic. */
export interface TopicTraffic {
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  recordsOut: number;
}

/** A Fetch response's topic entry, as far as counting goes. */
export interface FetchedTopic {
  readonly topic?: string | undefined;
  readonly topicId?: string | undefined;
  readonly partitions?: ReadonlyArray<{ readonly records?: unknown }> | undefined;
}

interface LatencyStats {
  count: number;
  sumMs: number;
  summary: { observe(v: number): void } | undefined;
}

const QUANTILES = [0.5, 0.99];
const SUMMARY_AGE = { maxAgeSeconds: 60, ageBuckets: 5 };

export class BrokerMetrics {
  readonly #topics = new Map<string, TopicTraffic>();
  readonly #requests = new Map<string, LatencyStats>();
  readonly #fsync: LatencyStats = { count: 0, sumMs: 0, summary: undefined };
  #prom: { registry: Registry; requests: Summary<'api'> } | undefined;

  produced(topic: string, bytes: number, records: number): void {
    const t = this.#traffic(topic);
    t.bytesIn += bytes;
    t.recordsIn += records;
  }

  /** Counts what a Fetch response carries, per topic; `nameOf` resolves topic ids (Fetch v13+). */
  fetched(topics: ReadonlyArray<FetchedTopic>, nameOf: (t: FetchedTopic) => string | undefined): void {
    for (const t of topics) {
      let bytes = 0;
      let records = 0;
      for (const p of t.partitions ?? []) {
        const chunks = p.records;
        if (!Array.isArray(chunks)) continue;
        for (const chunk of chunks as Buffer[]) {
          bytes += chunk.length;
          records += countRecords(chunk);
        }
      }
      if (bytes === 0) continue;
      const name = nameOf(t);
      if (name === undefined) continue;
      const traffic = this.#traffic(name);
      traffic.bytesOut += bytes;
      traffic.recordsOut += records;
    }
  }

  request(api: string, ms: number): void {
    let s = this.#requests.get(api);
    if (s === undefined) {
      s = { count: 0, sumMs: 0, summary: this.#prom?.requests.labels(api) };
      this.#requests.set(api, s);
    }
    s.count++;
    s.sumMs += ms;
    s.summary?.observe(ms / 1000);
  }

  fsync(ms: number): void {
    this.#fsync.count++;
    this.#fsync.sumMs += ms;
    this.#fsync.summary?.observe(ms / 1000);
  }

  /** Traffic per topic so far (in-process readers and tests). */
  traffic(topic: string): Readonly<TopicTraffic> | undefined {
    return this.#topics.get(topic);
  }

  /** Requests handled per API so far, and their summed handling time. */
  requests(api: string): { count: number; sumMs: number } | undefined {
    const s = this.#requests.get(api);
    return s === undefined ? undefined : { count: s.count, sumMs: s.sumMs };
  }

  /** Creates the prom-client registry (once) and starts tracking quantiles. */
  prometheus(view: BrokerStateView): Registry {
    if (this.#prom !== undefined) return this.#prom.registry;
    const prom = promClient();
    const registry = new prom.Registry();
    const registers = [registry];
    const requests = new prom.Summary({ name: 'tributary_broker_request_latency_seconds', help: 'Time to handle a request, decode to response, per API (p50, p99 over the last 60 s; _count is the number of requests).', labelNames: ['api'] as const, percentiles: QUANTILES, ...SUMMARY_AGE, registers });
    const fsync = new prom.Summary({ name: 'tributary_broker_fsync_latency_seconds', help: 'Time of one fdatasync of a partition log or directory (p50, p99 over the last 60 s).', percentiles: QUANTILES, ...SUMMARY_AGE, registers });
    for (const [api, s] of this.#requests) s.summary = requests.labels(api);
    this.#fsync.summary = fsync;
    const topics = this.#topics;
    const perTopic = (name: string, help: string, field: keyof TopicTraffic) =>
      new prom.Counter({
        name, help, labelNames: ['topic'] as const, registers,
        collect() {
          this.reset();
          for (const [topic, t] of topics) if (t[field] > 0) this.inc({ topic }, t[field]);
        },
      });
    perTopic('tributary_broker_bytes_in_total', 'Record-batch bytes appended by producers, per topic.', 'bytesIn');
    perTopic('tributary_broker_records_in_total', 'Records appended by producers, per topic.', 'recordsIn');
    perTopic('tributary_broker_bytes_out_total', 'Record-batch bytes sent in Fetch responses, per topic.', 'bytesOut');
    perTopic('tributary_broker_records_out_total', 'Records sent in Fetch responses (control records included), per topic.', 'recordsOut');
    const perPartition = (name: string, help: string, read: (p: PartitionView) => number) =>
      new prom.Gauge({
        name, help, labelNames: ['topic', 'partition'] as const, registers,
        collect() {
          this.reset();
          for (const p of view.partitions()) this.set({ topic: p.topic, partition: String(p.partition) }, read(p));
        },
      });
    perPartition('tributary_broker_log_size_bytes', 'Bytes of the partition log on disk (all segments).', (p) => p.sizeBytes);
    perPartition('tributary_broker_log_start_offset', 'First offset of the partition log.', (p) => p.logStartOffset);
    perPartition('tributary_broker_log_end_offset', 'Offset the next appended record gets.', (p) => p.logEndOffset);
    new prom.Gauge({
      name: 'tributary_broker_groups', help: 'Consumer groups per state.', labelNames: ['state'] as const, registers,
      collect() {
        this.reset();
        const counts = new Map<string, number>();
        for (const g of view.groups()) counts.set(g.state, (counts.get(g.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
    new prom.Gauge({
      name: 'tributary_broker_group_lag', help: 'Log end offset minus the committed offset, per group and partition.', labelNames: ['group', 'topic', 'partition'] as const, registers,
      collect() {
        this.reset();
        const ends = new Map<string, number>();
        for (const p of view.partitions()) ends.set(`${p.topic}\u0000${p.partition}`, p.logEndOffset);
        for (const g of view.groups()) {
          for (const o of g.offsets) {
            const end = ends.get(`${o.topic}\u0000${o.partition}`);
            if (end !== undefined) this.set({ group: g.groupId, topic: o.topic, partition: String(o.partition) }, Math.max(0, end - o.committed));
          }
        }
      },
    });
    new prom.Gauge({
      name: 'tributary_broker_connections', help: 'Open client connections.', registers,
      collect() {
        this.set(view.connections());
      },
    });
    this.#prom = { registry, requests };
    return registry;
  }

  #traffic(topic: string): TopicTraffic {
    let t = this.#topics.get(topic);
    if (t === undefined) {
      t = { bytesIn: 0, recordsIn: 0, bytesOut: 0, recordsOut: 0 };
      this.#topics.set(topic, t);
    }
    return t;
  }
}

/**
 * Records in a buffer of v2 record batches. Batch layout: int64 baseOffset (0), int32
 * batchLength (8, bytes after this field), …, int32 recordsCount (57); a batch spans 12 +
 * batchLength bytes. A truncated tail (a Fetch response's partial last batch, which the client
 * drops and fetches again) is not counted.
 */
export function countRecords(chunk: Buffer): number {
  let n = 0;
  let pos = 0;
  while (pos + 61 <= chunk.length) {
    const length = chunk.readInt32BE(pos + 8);
    if (pos + 12 + length > chunk.length) break;
    n += chunk.readInt32BE(pos + 57);
    pos += 12 + length;
  }
  return n;
}
