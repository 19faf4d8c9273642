// The producer's and consumers' own metrics against a real broker: known workloads give known
// numbers (N records sent → record-send-total N; a rejected batch → record-error-total; a
// consumer that read everything → records-consumed-total N, lag max 0; a commit and a
// rebalance counted), in one shared registry with Kafka's groups and names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaAdmin } from '../../../src/client/kafka-admin.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import { KafkaGroupConsumer } from '../../../src/client/consumer/group-consumer.ts';
import { KafkaAssignedConsumer } from '../../../src/client/consumer/assigned-consumer.ts';
import type { ClientConfig, ProducerRecord } from '../../../src/client/types.ts';
import { MetricRegistry, metricValue } from '../../../src/metrics/metric-registry.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { rangeAssignor } from '../helpers/range-assignor.ts';

const N = 300;
let broker: TestBroker;
let registry: MetricRegistry;
let config: ClientConfig;

const records = (topic: string, n: number, value = (i: number) => `value-${i}`): ProducerRecord[] =>
  Array.from({ length: n }, (_, i) => ({ topic, partition: i % 2, key: Buffer.from(`k${i}`), value: Buffer.from(value(i)), timestamp: 1000 + i, headers: {} }));

beforeAll(async () => {
  broker = await startTestBroker();
  registry = new MetricRegistry();
  config = { bootstrapServers: [broker.bootstrap], clientId: 'metrics-test', logLevel: 'nothing', metrics: registry };
  const admin = new KafkaAdmin(config);
  await admin.connect();
  await admin.createTopics([
    { topic: 'm-plain', numPartitions: 2, replicationFactor: 1 },
    { topic: 'm-gzip', numPartitions: 2, replicationFactor: 1 },
    { topic: 'm-small', numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '1024' } },
  ]);
  await admin.disconnect();
});
afterAll(async () => {
  await broker?.stop();
});

const value = (group: string, name: string, clientId: string) => metricValue(registry.metrics(), group, name, { 'client-id': clientId });

describe('producer-metrics', () => {
  it('counts records, requests, batches and compression; a rejected batch counts as errors', async () => {
    const producer = new KafkaProducer(config);
    await producer.connect();
    // Three calls in three ticks: three requests of 100 records, one batch per partition each.
    for (let i = 0; i < 3; i++) await producer.send(records('m-plain', N / 3));
    const id = 'metrics-test-producer';
    expect(value('producer-metrics', 'record-send-total', id)).toBe(N);
    expect(value('producer-metrics', 'request-total', id)).toBe(3);
    expect(value('producer-metrics', 'records-per-request-avg', id)).toBe(N / 3);
    expect(value('producer-metrics', 'batch-size-avg', id)).toBeGreaterThan(61);
    expect(value('producer-metrics', 'compression-rate-avg', id)).toBe(1);
    const latency = value('producer-metrics', 'request-latency-avg', id) as number;
    expect(latency).toBeGreaterThan(0);
    expect(value('producer-metrics', 'request-latency-max', id) as number).toBeGreaterThanOrEqual(latency);
    expect(value('producer-metrics', 'record-error-total', id)).toBe(0);

    await expect(producer.send([{ topic: 'm-small', partition: 0, key: null, value: Buffer.alloc(4096, 1), timestamp: 1, headers: {} }])).rejects.toThrow(/RECORD_TOO_LARGE|MESSAGE_TOO_LARGE/);
    expect(value('producer-metrics', 'record-error-total', id)).toBe(1);
    // The producer's own view is the same metrics.
    expect(metricValue(producer.metrics(), 'producer-metrics', 'record-send-total')).toBe(N + 1);
    await producer.disconnect();
    expect(value('producer-metrics', 'record-send-total', id)).toBeUndefined(); // removed with the client
  });

  it('reports how much gzip shrank compressible batches', async () => {
    const producer = new KafkaProducer({ ...config, clientId: 'metrics-gzip' }, { compression: 'gzip' });
    await producer.connect();
    await producer.send(records('m-gzip', 200, () => 'a'.repeat(200)));
    const rate = value('producer-metrics', 'compression-rate-avg', 'metrics-gzip-producer') as number;
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(0.2);
    await producer.disconnect();
  });
});

describe('consumer-fetch-manager-metrics and consumer-coordinator-metrics', () => {
  it('a group consumer reading everything: records and bytes consumed, lag max 0, one rebalance, a commit', async () => {
    const consumer = new KafkaGroupConsumer({ ...config, clientId: 'metrics-group' }, { groupId: 'metrics-g', assignor: rangeAssignor('a'), sessionTimeoutMs: 6000, heartbeatIntervalMs: 300 });
    await consumer.connect();
    await consumer.subscribe(['m-plain']);
    let seen = 0;
    let last = new Map<number, number>();
    while (seen < N) {
      for (const b of await consumer.poll(500, 500)) {
        seen += b.records.length;
        last.set(b.partition, b.records.at(-1)!.offset + 1);
      }
    }
    const id = 'metrics-group-consumer';
    expect(value('consumer-fetch-manager-metrics', 'records-consumed-total', id)).toBe(N);
    const sizes = broker.broker.partitions.ofTopic('m-plain').reduce((n, log) => n + log.sizeInBytes, 0);
    expect(value('consumer-fetch-manager-metrics', 'bytes-consumed-total', id)).toBe(sizes);
    expect(value('consumer-fetch-manager-metrics', 'fetch-total', id) as number).toBeGreaterThanOrEqual(1);
    expect(value('consumer-fetch-manager-metrics', 'records-lag-max', id)).toBe(0);
    expect(value('consumer-coordinator-metrics', 'rebalance-total', id)).toBe(1);
    expect(value('consumer-coordinator-metrics', 'assigned-partitions', id)).toBe(2);
    expect(value('consumer-coordinator-metrics', 'last-rebalance-seconds-ago', id) as number).toBeGreaterThanOrEqual(0);
    expect(value('consumer-coordinator-metrics', 'commit-total', id)).toBe(0);
    await consumer.commitOffsets([...last].map(([partition, offset]) => ({ topic: 'm-plain', partition, offset })));
    expect(value('consumer-coordinator-metrics', 'commit-total', id)).toBe(1);
    expect(value('consumer-coordinator-metrics', 'commit-latency-avg', id) as number).toBeGreaterThan(0);
    await consumer.disconnect();
  });

  it('an assign-only consumer reading half of a partition sees the rest as lag', async () => {
    const consumer = new KafkaAssignedConsumer({ ...config, clientId: 'metrics-assigned' }, { maxBytesPerPartition: 1 });
    await consumer.connect();
    // maxBytesPerPartition 1: each fetch returns one batch (50 records: 3 batches per partition).
    await consumer.assign([{ topic: 'm-plain', partition: 0, offset: 0 }]);
    let got = 0;
    while (got === 0) for (const b of await consumer.poll(1000, 500)) got += b.records.length;
    const id = 'metrics-assigned-assigned-consumer';
    // The first fetch left 150 - 50 records behind; later prefetches leave fewer, and it is the max.
    expect(value('consumer-fetch-manager-metrics', 'records-lag-max', id)).toBe(N / 2 - 50);
    expect(value('consumer-coordinator-metrics', 'commit-total', id)).toBeUndefined();
    await consumer.disconnect();
  });
});
