/*
 * Every streams metric Tributary records: Kafka Streams' names, groups, tags and recording levels
 * where Kafka Streams has the metric (its "Monitoring" documentation), Tributary's own where it
 * does not (marked "Tributary" in the description). docs/metrics.md is this table in prose, and
 * the Prometheus names are derived from it (src/metrics/prometheus-bridge.ts).
 *
 * Groups and their tags:
 *   stream-metrics                  client-id
 *   stream-thread-metrics           thread-id
 *   stream-task-metrics             thread-id, task-id
 *   stream-processor-node-metrics   thread-id, task-id, processor-node-id
 *   stream-state-metrics            thread-id, task-id, <leveldb|in-memory>-state-id
 *   stream-record-cache-metrics     thread-id, task-id, record-cache-id
 *   stream-restore-metrics          thread-id, store, topic, partition          (Tributary)
 *   consumer-fetch-manager-metrics  thread-id, topic, partition                 (records-lag)
 * Units: thread latencies in ms, store latencies in ns (as Kafka), lateness and end-to-end
 * latency in ms.
 */
import type { MetricSpec, RecordingLevel, StatPart } from '../../metrics/metric-registry.ts';

/** A spec; `-total` names are counters unless `gauge` says the value can go down. */
function m(group: string, name: string, level: RecordingLevel, description: string, gauge = false): MetricSpec {
  return { group, name, level, description, type: name.endsWith('-total') && !gauge ? 'counter' : 'gauge' };
}

export const CLIENT_GROUP = 'stream-metrics';
export const THREAD_GROUP = 'stream-thread-metrics';
export const TASK_GROUP = 'stream-task-metrics';
export const NODE_GROUP = 'stream-processor-node-metrics';
export const STATE_GROUP = 'stream-state-metrics';
export const CACHE_GROUP = 'stream-record-cache-metrics';
export const RESTORE_GROUP = 'stream-restore-metrics';
export const FETCH_GROUP = 'consumer-fetch-manager-metrics';

export const ClientMetrics = {
  state: m(CLIENT_GROUP, 'state', 'INFO', 'The state of the KafkaStreams client (CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR).'),
  aliveStreamThreads: m(CLIENT_GROUP, 'alive-stream-threads', 'INFO', 'The number of stream threads running (numStreamThreads, changed by addStreamThread/removeStreamThread).'),
} as const;

/** [spec, which reading of the stat] pairs of one stat. */
export type StatMetrics = ReadonlyArray<readonly [MetricSpec, StatPart]>;

function rateTotalLatency(group: string, op: string, what: string, level: RecordingLevel, unit: string): StatMetrics {
  return [
    [m(group, `${op}-rate`, level, `The average number of ${what} per second.`), 'rate'],
    [m(group, `${op}-total`, level, `The total number of ${what}.`), 'total'],
    [m(group, `${op}-latency-avg`, level, `The average time of ${what.replace(/s$/, '')}, in ${unit}.`), 'avg'],
    [m(group, `${op}-latency-max`, level, `The maximum time of ${what.replace(/s$/, '')}, in ${unit}.`), 'max'],
  ];
}

export const ThreadMetricSpecs = {
  process: rateTotalLatency(THREAD_GROUP, 'process', 'records processed', 'INFO', 'ms'),
  poll: rateTotalLatency(THREAD_GROUP, 'poll', 'polls of the consumer', 'INFO', 'ms'),
  pollRecords: [
    [m(THREAD_GROUP, 'poll-records-avg', 'INFO', 'The average number of records returned by a poll.'), 'avg'],
    [m(THREAD_GROUP, 'poll-records-max', 'INFO', 'The maximum number of records returned by a poll.'), 'max'],
  ] as StatMetrics,
  commit: rateTotalLatency(THREAD_GROUP, 'commit', 'commits (of all the thread\'s tasks)', 'INFO', 'ms'),
  punctuate: rateTotalLatency(THREAD_GROUP, 'punctuate', 'wall-clock punctuation rounds that fired a punctuator', 'INFO', 'ms'),
} as const;

export const TaskMetricSpecs = {
  process: [
    [m(TASK_GROUP, 'process-rate', 'DEBUG', 'The average number of records processed by the task per second.'), 'rate'],
    [m(TASK_GROUP, 'process-total', 'DEBUG', 'The total number of records processed by the task.'), 'total'],
  ] as StatMetrics,
  dropped: [
    [m(TASK_GROUP, 'dropped-records-rate', 'INFO', 'The average number of records dropped per second (invalid timestamp, null key where one is needed, deserialization error handled by continuing, late window record).'), 'rate'],
    [m(TASK_GROUP, 'dropped-records-total', 'INFO', 'The total number of records dropped by the task.'), 'total'],
  ] as StatMetrics,
  lateness: [
    [m(TASK_GROUP, 'record-lateness-avg', 'DEBUG', 'The average lateness of records: stream time minus the record timestamp when the record is older, else 0 (ms).'), 'avg'],
    [m(TASK_GROUP, 'record-lateness-max', 'DEBUG', 'The maximum lateness of records (ms).'), 'max'],
  ] as StatMetrics,
} as const;

export const NodeMetricSpecs = {
  e2eLatency: [
    [m(NODE_GROUP, 'record-e2e-latency-avg', 'INFO', 'The average end-to-end latency at a sink node: wall-clock time when the record is sent minus the record timestamp (ms).'), 'avg'],
    [m(NODE_GROUP, 'record-e2e-latency-min', 'INFO', 'The minimum end-to-end latency at a sink node (ms).'), 'min'],
    [m(NODE_GROUP, 'record-e2e-latency-max', 'INFO', 'The maximum end-to-end latency at a sink node (ms).'), 'max'],
  ] as StatMetrics,
} as const;

/** Store operations recorded by the Metered layers (key-value, window and session stores). */
export const STORE_OPERATIONS = [
  'put', 'put-if-absent', 'put-all', 'get', 'delete', 'range', 'reverse-range', 'all', 'reverse-all', 'prefix-scan', 'flush', 'restore',
  'fetch', 'fetch-all', 'fetch-session', 'find-sessions', 'remove',
] as const;
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** rate, latency-avg and latency-max of one store operation (DEBUG, as Kafka). */
export function storeOperationMetrics(op: string): StatMetrics {
  return [
    [m(STATE_GROUP, `${op}-rate`, 'DEBUG', `The average number of ${op} operations per second on the store.`), 'rate'],
    [m(STATE_GROUP, `${op}-latency-avg`, 'DEBUG', `The average time of a ${op} operation on the store, in ns (key-value stores only).`), 'avg'],
    [m(STATE_GROUP, `${op}-latency-max`, 'DEBUG', `The maximum time of a ${op} operation on the store, in ns (key-value stores only).`), 'max'],
  ];
}

export const StoreMetricSpecs = {
  expiredDrop: [
    [m(STATE_GROUP, 'expired-window-record-drop-rate', 'DEBUG', 'The average number of records dropped per second because their window had expired (older than retention).'), 'rate'],
    [m(STATE_GROUP, 'expired-window-record-drop-total', 'DEBUG', 'The total number of records dropped because their window had expired.'), 'total'],
  ] as StatMetrics,
  cacheHitRatio: [[m(CACHE_GROUP, 'hit-ratio-avg', 'DEBUG', 'The fraction of record-cache reads answered by the cache (hits / reads).'), 'avg']] as StatMetrics,
} as const;

export const RestoreMetricSpecs = {
  restored: [
    [m(RESTORE_GROUP, 'restore-rate', 'INFO', 'Tributary: changelog records restored into the store per second.'), 'rate'],
    [m(RESTORE_GROUP, 'records-restored-total', 'INFO', 'Tributary: changelog records restored into the store since the thread started.'), 'total'],
  ] as StatMetrics,
  toRestore: m(RESTORE_GROUP, 'records-to-restore-total', 'INFO', 'Tributary: records the current (or last) restore of the store had to read, end offset minus start offset.', true),
  remaining: m(RESTORE_GROUP, 'restore-remaining-records-total', 'INFO', 'Records the current restore of the store still has to read (0 when restored; KIP-869).', true),
} as const;

export const FetchMetricSpecs = {
  recordsLag: m(FETCH_GROUP, 'records-lag', 'INFO', 'Records of the input partition not processed yet: its end offset (high watermark at the last fetch) minus the next offset to process.'),
} as const;

/** Every spec, for documentation and the Prometheus bridge. */
export function allStreamsMetricSpecs(): MetricSpec[] {
  const out: MetricSpec[] = [...Object.values(ClientMetrics)];
  const stats: StatMetrics[] = [
    ...Object.values(ThreadMetricSpecs), ...Object.values(TaskMetricSpecs), ...Object.values(NodeMetricSpecs),
    ...STORE_OPERATIONS.map(storeOperationMetrics), ...Object.values(StoreMetricSpecs), RestoreMetricSpecs.restored,
  ];
  for (const s of stats) for (const [spec] of s) out.push(spec);
  out.push(RestoreMetricSpecs.toRestore, RestoreMetricSpecs.remaining, FetchMetricSpecs.recordsLag);
  return out;
}
