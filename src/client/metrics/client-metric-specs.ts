/*
 * The producer's and consumers' own metrics: Apache Kafka's Java client names and groups
 * (its "Monitoring" documentation: producer-metrics, consumer-fetch-manager-metrics,
 * consumer-coordinator-metrics), all at INFO as in Kafka. docs/metrics.md lists them.
 *
 * Tags: client-id = "<client id>-producer", "<client id>-consumer" (group consumer) or
 * "<client id>-assigned-consumer", so that the clients one application builds from one client
 * id (Kafka Streams names them "<thread>-producer", "<thread>-consumer" the same way) stay apart.
 */
import type { MetricSpec, StatPart } from '../../metrics/metric-registry.ts';

export const PRODUCER_GROUP = 'producer-metrics';
export const FETCH_MANAGER_GROUP = 'consumer-fetch-manager-metrics';
export const COORDINATOR_GROUP = 'consumer-coordinator-metrics';

function m(group: string, name: string, description: string): MetricSpec {
  return { group, name, level: 'INFO', description, type: name.endsWith('-total') ? 'counter' : 'gauge' };
}

type Parts = ReadonlyArray<readonly [MetricSpec, StatPart]>;

export const ProducerMetricSpecs = {
  send: [
    [m(PRODUCER_GROUP, 'record-send-rate', 'The average number of records sent per second (written in a Produce request; a retried record counts again).'), 'rate'],
    [m(PRODUCER_GROUP, 'record-send-total', 'The total number of records sent.'), 'total'],
  ] as Parts,
  error: [
    [m(PRODUCER_GROUP, 'record-error-rate', 'The average number of records per second whose send failed for good (after retries).'), 'rate'],
    [m(PRODUCER_GROUP, 'record-error-total', 'The total number of records whose send failed for good.'), 'total'],
  ] as Parts,
  request: [
    [m(PRODUCER_GROUP, 'request-rate', 'The average number of Produce requests per second (acks=0 requests included).'), 'rate'],
    [m(PRODUCER_GROUP, 'request-total', 'The total number of Produce requests.'), 'total'],
    [m(PRODUCER_GROUP, 'request-latency-avg', 'The average time from writing a Produce request to its response, in ms (acks=0: not measured).'), 'avg'],
    [m(PRODUCER_GROUP, 'request-latency-max', 'The maximum time from writing a Produce request to its response, in ms.'), 'max'],
  ] as Parts,
  batchSize: [
    [m(PRODUCER_GROUP, 'batch-size-avg', 'The average size of a record batch as sent (after compression), in bytes.'), 'avg'],
    [m(PRODUCER_GROUP, 'batch-size-max', 'The maximum size of a record batch as sent, in bytes.'), 'max'],
  ] as Parts,
  compression: [[m(PRODUCER_GROUP, 'compression-rate-avg', 'The average compression rate of record batches: sent size over uncompressed size (1 without compression).'), 'avg']] as Parts,
  recordsPerRequest: [[m(PRODUCER_GROUP, 'records-per-request-avg', 'The average number of records in a Produce request.'), 'avg']] as Parts,
  bufferTotal: m(PRODUCER_GROUP, 'buffer-total-bytes', 'The maximum amount of buffer memory the producer may use for unacknowledged records (bufferMemory, Kafka\'s buffer.memory), in bytes.'),
  bufferAvailable: m(PRODUCER_GROUP, 'buffer-available-bytes', 'The total amount of buffer memory not in use (neither held by records waiting to be sent nor by batches awaiting acknowledgement), in bytes.'),
  bufferWaitTime: m(PRODUCER_GROUP, 'bufferpool-wait-time-ns-total', 'The total time send() calls waited for room in the send buffer, in nanoseconds.'),
} as const;

export const FetchMetricSpecs = {
  fetch: [
    [m(FETCH_MANAGER_GROUP, 'fetch-rate', 'The average number of Fetch requests per second.'), 'rate'],
    [m(FETCH_MANAGER_GROUP, 'fetch-total', 'The total number of Fetch requests.'), 'total'],
    [m(FETCH_MANAGER_GROUP, 'fetch-latency-avg', 'The average time of a Fetch request, in ms (includes the time the broker held it waiting for data, up to maxWaitMs).'), 'avg'],
    [m(FETCH_MANAGER_GROUP, 'fetch-latency-max', 'The maximum time of a Fetch request, in ms.'), 'max'],
  ] as Parts,
  fetchSize: [
    [m(FETCH_MANAGER_GROUP, 'fetch-size-avg', 'The average number of record bytes in a Fetch response.'), 'avg'],
    [m(FETCH_MANAGER_GROUP, 'fetch-size-max', 'The maximum number of record bytes in a Fetch response.'), 'max'],
  ] as Parts,
  records: [
    [m(FETCH_MANAGER_GROUP, 'records-consumed-rate', 'The average number of records fetched per second (counted when a response is applied; aborted transactional records and control records excluded).'), 'rate'],
    [m(FETCH_MANAGER_GROUP, 'records-consumed-total', 'The total number of records fetched.'), 'total'],
  ] as Parts,
  bytes: [
    [m(FETCH_MANAGER_GROUP, 'bytes-consumed-rate', 'The average number of record-batch bytes fetched per second.'), 'rate'],
    [m(FETCH_MANAGER_GROUP, 'bytes-consumed-total', 'The total number of record-batch bytes fetched.'), 'total'],
  ] as Parts,
  recordsPerRequest: [[m(FETCH_MANAGER_GROUP, 'records-per-request-avg', 'The average number of records in a Fetch response.'), 'avg']] as Parts,
  lagMax: [[m(FETCH_MANAGER_GROUP, 'records-lag-max', 'The maximum lag in records of any fetched partition over the window: its high watermark minus the next offset to fetch, after each fetch.'), 'max']] as Parts,
} as const;

export const CoordinatorMetricSpecs = {
  commit: [
    [m(COORDINATOR_GROUP, 'commit-rate', 'The average number of offset commits per second.'), 'rate'],
    [m(COORDINATOR_GROUP, 'commit-total', 'The total number of offset commits.'), 'total'],
    [m(COORDINATOR_GROUP, 'commit-latency-avg', 'The average time of an offset commit (OffsetCommit, retries included), in ms.'), 'avg'],
    [m(COORDINATOR_GROUP, 'commit-latency-max', 'The maximum time of an offset commit, in ms.'), 'max'],
  ] as Parts,
  rebalance: [
    [m(COORDINATOR_GROUP, 'rebalance-total', 'The total number of rebalances this member took part in (JoinGroup and SyncGroup to a new assignment).'), 'total'],
    [m(COORDINATOR_GROUP, 'rebalance-latency-avg', 'The average time of a rebalance, from revoking to the new assignment, in ms.'), 'avg'],
    [m(COORDINATOR_GROUP, 'rebalance-latency-max', 'The maximum time of a rebalance, in ms.'), 'max'],
  ] as Parts,
  rebalanceRatePerHour: m(COORDINATOR_GROUP, 'rebalance-rate-per-hour', 'The number of rebalances per hour, over the window.'),
  assignedPartitions: m(COORDINATOR_GROUP, 'assigned-partitions', 'The number of partitions currently assigned to this member.'),
  lastRebalanceSecondsAgo: m(COORDINATOR_GROUP, 'last-rebalance-seconds-ago', 'Seconds since the last rebalance ended (-1 before the first).'),
} as const;

/** Every client metric spec, for documentation. */
export function allClientMetricSpecs(): MetricSpec[] {
  const out: MetricSpec[] = [];
  for (const group of [ProducerMetricSpecs, FetchMetricSpecs, CoordinatorMetricSpecs]) {
    for (const v of Object.values(group)) {
      if (Array.isArray(v)) for (const [spec] of v as Parts) out.push(spec);
      else out.push(v as MetricSpec);
    }
  }
  return out;
}
