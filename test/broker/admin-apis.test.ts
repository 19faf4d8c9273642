// DeleteRecords and DescribeConfigs (src/broker/handlers/21-delete-records.ts, 32-describe-configs.ts),
// over the wire and through kafkajs's admin client.
import { describe, it, expect, afterEach, beforeEach } from 'vitest';
import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { RawClient, makeBatch } from './raw-client.ts';

let tb: TestBroker;
let c: RawClient;
beforeEach(async () => {
  tb = await startTestBroker({ topicDefaults: { 'segment.ms': '3600000' } });
  c = await RawClient.connect(tb.port);
  await c.request(19, 3, {
    topics: [{ name: 'adm', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'segment.bytes', value: '150' }, { name: 'cleanup.policy', value: 'compact' }] }],
    timeoutMs: 1000,
  });
  for (let i = 0; i < 6; i++) {
    await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'adm', partitionData: [{ index: 0, records: makeBatch([{ key: `k${i}`, value: `v${i}-${'p'.repeat(40)}` }]) }] }] });
  }
});
afterEach(async () => {
  c.close();
  await tb.stop();
});

const deleteReq = (offset: number, partition = 0, name = 'adm') => ({ topics: [{ name, partitions: [{ partitionIndex: partition, offset: BigInt(offset) }] }], timeoutMs: 1000 });

describe('DeleteRecords', () => {
  it('moves the log start, reports the low watermark, and refuses offsets past the high watermark', async () => {
    const r = await c.request(21, 1, deleteReq(4));
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0 });
    expect(Number(r.topics[0]!.partitions[0]!.lowWatermark)).toBe(4);
    const lo = await c.request(2, 1, { replicaId: -1, topics: [{ name: 'adm', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
    expect(Number(lo.topics[0]!.partitions[0]!.offset)).toBe(4);
    const lower = await c.request(21, 0, deleteReq(2));
    expect(Number(lower.topics[0]!.partitions[0]!.lowWatermark)).toBe(4);
    const tooFar = await c.request(21, 0, deleteReq(99));
    expect(tooFar.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const unknown = await c.request(21, 0, deleteReq(1, 0, 'nope'));
    expect(unknown.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const all = await c.request(21, 1, deleteReq(-1));
    expect(Number(all.topics[0]!.partitions[0]!.lowWatermark)).toBe(6);
  });

  it('works from kafkajs admin.deleteTopicRecords', async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: ['adm'] }); // kafkajs needs the topic's metadata loaded first
      await admin.deleteTopicRecords({ topic: 'adm', partitions: [{ partition: 0, offset: '3' }] });
      const offsets = await admin.fetchTopicOffsets('adm');
      expect(offsets[0]).toMatchObject({ partition: 0, low: '3', high: '6' });
    } finally {
      await admin.disconnect();
    }
  });
});

describe('DescribeConfigs', () => {
  it('reports effective topic configs with their source at v0 and v1', async () => {
    const v1 = await c.request(32, 1, { resources: [{ resourceType: 2, resourceName: 'adm', configurationKeys: null }], includeSynoyms: true });
    const configs = new Map(v1.results[0]!.configs.map((e) => [e.name, e]));
    expect(v1.results[0]!.errorCode).toBe(0);
    expect(configs.get('segment.bytes')).toMatchObject({ value: '150', configSource: 1, readOnly: false });
    expect(configs.get('cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1 });
    expect(configs.get('segment.ms')).toMatchObject({ value: '3600000', configSource: 4 });
    expect(configs.get('retention.ms')).toMatchObject({ value: '604800000', configSource: 5 });
    expect(configs.get('segment.bytes')!.synonyms).toEqual([{ name: 'segment.bytes', value: '150', source: 1 }]);
    const v0 = await c.request(32, 0, { resources: [{ resourceType: 2, resourceName: 'adm', configurationKeys: ['retention.ms', 'bogus'] }] });
    expect(v0.results[0]!.configs).toEqual([expect.objectContaining({ name: 'retention.ms', isDefault: true })]);
  });

  it('answers unknown topics, broker resources and unsupported resource types', async () => {
    const res = await c.request(32, 2, {
      resources: [
        { resourceType: 2, resourceName: 'nope', configurationKeys: null },
        { resourceType: 4, resourceName: '0', configurationKeys: ['num.partitions'] },
        { resourceType: 4, resourceName: '7', configurationKeys: null },
        { resourceType: 3, resourceName: 'x', configurationKeys: null },
      ],
      includeSynoyms: false,
    });
    expect(res.results.map((r) => r.errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(res.results[1]!.configs).toEqual([expect.objectContaining({ name: 'num.partitions', value: '1', readOnly: true })]);
  });

  it('works from kafkajs admin.describeConfigs', async () => {
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const res = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm', configNames: ['cleanup.policy'] }], includeSynonyms: false });
      expect(res.resources[0]!.configEntries).toEqual([expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' })]);
    } finally {
      await admin.disconnect();
    }
  });
});
