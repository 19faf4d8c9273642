// Broker metrics against known traffic: N records produced → records_in N and their bytes;
// read back → records_out N; a group that committed half → group_lag N/2 per partition; request
// latency summaries per API; all scraped over HTTP and parsed as Prometheus text.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WireCluster } from '../../../src/client/cluster.ts';
import { createTopics } from '../../../src/client/admin.ts';
import { commitGroupOffsets } from '../../../src/client/group-admin.ts';
import { countRecords } from '../../../src/broker/metrics/broker-metrics.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { produce } from '../../client/helpers/produce.ts';
import { StreamsIo } from '../../integration/streams-helpers.ts';
import { samplesOf, scrape } from '../../metrics/prometheus-text.ts';

describe('broker metrics', () => {
  let broker: TestBroker;
  let cluster: WireCluster;

  beforeEach(async () => {
    broker = await startTestBroker({ metricsPort: 0, fsync: 'acks-all' });
    cluster = new WireCluster({ bootstrap: broker.bootstrap, clientId: 'metrics-test' });
  });
  afterEach(async () => {
    cluster.close();
    await broker.stop();
  });

  it('counts records and bytes in and out per topic, lag per group, requests per API, fsyncs', async () => {
    await createTopics(cluster, [{ name: 'orders', numPartitions: 2, replicationFactor: 1 }]);
    const records = Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `order-${i}`, partition: i % 2, timestamp: 1000 + i }));
    await produce(cluster, 'orders', records.slice(0, 25));
    await produce(cluster, 'orders', records.slice(25));
    const io = new StreamsIo(broker.bootstrap);
    try {
      expect(await io.readAll('orders')).toHaveLength(40);
    } finally {
      io.close();
    }
    await commitGroupOffsets(cluster, 'billing', [{ topic: 'orders', partition: 0, offset: 10 }, { topic: 'orders', partition: 1, offset: 10 }]);

    const traffic = broker.broker.metrics.traffic('orders')!;
    expect(traffic.recordsIn).toBe(40);
    expect(traffic.recordsOut).toBe(40);
    expect(traffic.bytesOut).toBe(traffic.bytesIn);

    const url = broker.broker.metricsUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const { status, parsed } = await scrape(url);
    expect(status).toBe(200);
    const one = (name: string, labels: Record<string, string> = {}) => {
      const s = samplesOf(parsed, name, labels);
      expect(s, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
      return s[0]!.value;
    };
    expect(one('tributary_broker_records_in_total', { topic: 'orders' })).toBe(40);
    expect(one('tributary_broker_records_out_total', { topic: 'orders' })).toBe(40);
    expect(one('tributary_broker_bytes_in_total', { topic: 'orders' })).toBe(traffic.bytesIn);
    expect(parsed.types.get('tributary_broker_bytes_in_total')).toBe('counter');
    expect(one('tributary_broker_log_end_offset', { topic: 'orders', partition: '0' })).toBe(20);
    expect(one('tributary_broker_log_size_bytes', { topic: 'orders', partition: '1' })).toBeGreaterThan(0);
    expect(one('tributary_broker_group_lag', { group: 'billing', topic: 'orders', partition: '0' })).toBe(10);
    expect(one('tributary_broker_group_lag', { group: 'billing', topic: 'orders', partition: '1' })).toBe(10);
    expect(one('tributary_broker_groups', { state: 'Empty' })).toBeGreaterThanOrEqual(1);
    expect(one('tributary_broker_connections')).toBeGreaterThanOrEqual(1);
    expect(one('tributary_broker_request_latency_seconds_count', { api: 'Produce' })).toBe(2);
    expect(samplesOf(parsed, 'tributary_broker_request_latency_seconds', { api: 'Produce' }).map((s) => s.labels['quantile'])).toEqual(['0.5', '0.99']);
    expect(one('tributary_broker_fsync_latency_seconds_count')).toBeGreaterThan(0);
    expect(parsed.types.get('tributary_broker_fsync_latency_seconds')).toBe('summary');
  }, 30_000);

  it('serves nothing when metricsPort is not set, and rejects a bad port naming the option', async () => {
    const plain = await startTestBroker();
    try {
      expect(plain.broker.metricsUrl).toBeUndefined();
    } finally {
      await plain.stop();
    }
    await expect(startTestBroker({ metricsPort: 70_000 })).rejects.toThrow(/metricsPort/);
  });
});

describe('countRecords', () => {
  it('walks the batch headers of a buffer of batches and ignores a torn tail', () => {
    const batch = (count: number, bodyBytes: number) => {
      const b = Buffer.alloc(61 + bodyBytes);
      b.writeInt32BE(61 + bodyBytes - 12, 8);
      b.writeInt32BE(count, 57);
      return b;
    };
    const two = Buffer.concat([batch(3, 10), batch(5, 0)]);
    expect(countRecords(two)).toBe(8);
    expect(countRecords(Buffer.concat([two, Buffer.alloc(30)]))).toBe(8);
    expect(countRecords(Buffer.alloc(0))).toBe(0);
  });
});
