// Cross-checks the message tables against an independent implementation: kafkajs 2.2.4's own
// request encoders and response decoders (the versions kafkajs speaks). Requests must be
// byte-identical; responses we encode must parse in kafkajs to the values we put in.
import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { API_REGISTRY } from '../../../src/protocol/messages/index.ts';
import { encodeMessage } from '../../../src/protocol/schema.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';

const require = createRequire(import.meta.url);
const kjs = (path: string) => require(`kafkajs/src/protocol/requests/${path}`);

async function kafkajsRequestBytes(path: string, args: unknown): Promise<string> {
  const req = kjs(`${path}/request`)(args);
  const enc = await req.encode();
  return (enc.buffer as Buffer).toString('hex');
}

function ours(apiKey: number, version: number, kind: 'request' | 'response', body: unknown): Buffer {
  const api = API_REGISTRY.get(apiKey)!;
  return encodeMessage(kind === 'request' ? api.request : api.response, version, body as never);
}

async function kafkajsDecode(path: string, bytes: Buffer): Promise<any> {
  const mod = kjs(`${path}/response`);
  // Some kafkajs response modules are factories of {decode, parse}.
  const decode = typeof mod.decode === 'function' ? mod.decode : mod({ topics: [] }).decode;
  return decode(bytes);
}

describe('requests: byte-identical to kafkajs encoders', () => {
  const meta = Buffer.from([0, 1, 2, 3]);
  const cases: Array<[string, string, unknown, number, number, unknown]> = [
    [
      'JoinGroup v5', 'joinGroup/v5',
      { groupId: 'g', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: 'm', protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata: meta }] },
      11, 5,
      { groupId: 'g', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'RoundRobinAssigner', metadata: meta }] },
    ],
    [
      'SyncGroup v3', 'syncGroup/v3',
      { groupId: 'g', generationId: 4, memberId: 'm', groupAssignment: [{ memberId: 'm', memberAssignment: meta }] },
      14, 3,
      { groupId: 'g', generationId: 4, memberId: 'm', groupInstanceId: null, assignments: [{ memberId: 'm', assignment: meta }] },
    ],
    [
      'OffsetCommit v5', 'offsetCommit/v5',
      { groupId: 'g', groupGenerationId: 2, memberId: 'm', topics: [{ topic: 't', partitions: [{ partition: 1, offset: '42', metadata: null }] }] },
      8, 5,
      { groupId: 'g', generationIdOrMemberEpoch: 2, memberId: 'm', topics: [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedMetadata: null }] }] },
    ],
    [
      'LeaveGroup v3', 'leaveGroup/v3',
      { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] },
      13, 3,
      { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] },
    ],
    [
      'InitProducerId v1', 'initProducerId/v1',
      { transactionalId: 'tx', transactionTimeout: 60000 },
      22, 1,
      { transactionalId: 'tx', transactionTimeoutMs: 60000 },
    ],
    [
      'AddPartitionsToTxn v1', 'addPartitionsToTxn/v1',
      { transactionalId: 'tx', producerId: '7', producerEpoch: 1, topics: [{ topic: 't', partitions: [0, 3] }] },
      24, 1,
      { v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 7n, v3AndBelowProducerEpoch: 1, v3AndBelowTopics: [{ name: 't', partitions: [0, 3] }] },
    ],
    [
      'TxnOffsetCommit v1', 'txnOffsetCommit/v1',
      { transactionalId: 'tx', groupId: 'g', producerId: '7', producerEpoch: 1, topics: [{ topic: 't', partitions: [{ partition: 0, offset: '9', metadata: 'md' }] }] },
      28, 1,
      { transactionalId: 'tx', groupId: 'g', producerId: 7n, producerEpoch: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedMetadata: 'md' }] }] },
    ],
    [
      'Fetch v11', 'fetch/v11',
      { replicaId: -1, maxWaitTime: 5000, minBytes: 1, maxBytes: 10485760, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '12', maxBytes: 1048576 }] }] },
      1, 11,
      { replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 10485760, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 12n, logStartOffset: -1n, partitionMaxBytes: 1048576 }] }], forgottenTopicsData: [], rackId: '' },
    ],
    [
      'DescribeConfigs v0', 'describeConfigs/v0',
      { resources: [{ type: 2, name: 't', configNames: ['cleanup.policy'] }] },
      32, 0,
      { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: ['cleanup.policy'] }] },
    ],
    [
      'DescribeConfigs v1', 'describeConfigs/v1',
      { resources: [{ type: 4, name: '1', configNames: ['log.retention.ms', 'x'] }], includeSynonyms: true },
      32, 1,
      { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['log.retention.ms', 'x'] }], includeSynoyms: true },
    ],
    [
      'DescribeConfigs v2', 'describeConfigs/v2',
      // kafkajs sends an empty key list as null (= all keys).
      { resources: [{ type: 2, name: 't', configNames: [] }], includeSynonyms: false },
      32, 2,
      { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynoyms: false },
    ],
    [
      'DeleteRecords v0', 'deleteRecords/v0',
      { topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5' }] }], timeout: 5000 },
      21, 0,
      { topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 5n }] }], timeoutMs: 5000 },
    ],
    [
      'DeleteRecords v1', 'deleteRecords/v1',
      { topics: [{ topic: 't', partitions: [{ partition: 2, offset: '-1' }] }], timeout: 100 },
      21, 1,
      { topics: [{ name: 't', partitions: [{ partitionIndex: 2, offset: -1n }] }], timeoutMs: 100 },
    ],
    [
      // kafkajs writes an absent assignment list as null (length -1).
      'CreatePartitions v0', 'createPartitions/v0',
      { topicPartitions: [{ topic: 't', count: 4 }], timeout: 5000, validateOnly: false },
      37, 0,
      { topics: [{ name: 't', count: 4, assignments: null }], timeoutMs: 5000, validateOnly: false },
    ],
    [
      'CreatePartitions v1', 'createPartitions/v1',
      { topicPartitions: [{ topic: 'u', count: 3, assignments: [[1], [1]] }], timeout: 100, validateOnly: true },
      37, 1,
      { topics: [{ name: 'u', count: 3, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] }], timeoutMs: 100, validateOnly: true },
    ],
  ];
  for (const [name, path, kArgs, key, version, body] of cases) {
    it(name, async () => {
      expect(ours(key, version, 'request', body).toString('hex')).toBe(await kafkajsRequestBytes(path, kArgs));
    });
  }
});

describe('responses: what we encode, kafkajs decodes', () => {
  it('ApiVersions v2', async () => {
    const bytes = ours(18, 2, 'response', { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 7 }], throttleTimeMs: 0 });
    expect(await kafkajsDecode('apiVersions/v2', bytes)).toMatchObject({ errorCode: 0, apiVersions: [{ apiKey: 0, minVersion: 0, maxVersion: 7 }] });
  });

  it('Metadata v6', async () => {
    const bytes = ours(3, 6, 'response', {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }],
    });
    expect(await kafkajsDecode('metadata/v6', bytes)).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topicMetadata: [{ topicErrorCode: 0, topic: 't', isInternal: false, partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }] }],
    });
  });

  it('JoinGroup v5 (leader with members)', async () => {
    const meta = Buffer.from('abc');
    const bytes = ours(11, 5, 'response', {
      errorCode: 0, generationId: 3, protocolName: 'RoundRobinAssigner', leader: 'm1', memberId: 'm1',
      members: [{ memberId: 'm1', groupInstanceId: null, metadata: meta }],
    });
    expect(await kafkajsDecode('joinGroup/v5', bytes)).toMatchObject({
      errorCode: 0, generationId: 3, groupProtocol: 'RoundRobinAssigner', leaderId: 'm1', memberId: 'm1',
      members: [{ memberId: 'm1', groupInstanceId: null, memberMetadata: meta }],
    });
  });

  it('SyncGroup v3', async () => {
    const bytes = ours(14, 3, 'response', { throttleTimeMs: 0, errorCode: 0, assignment: Buffer.from([0, 0, 0, 0, 0, 0, 255, 255, 255, 255]) });
    const decoded = await kafkajsDecode('syncGroup/v3', bytes);
    expect(decoded.errorCode).toBe(0);
    expect(decoded.memberAssignment).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 255, 255, 255, 255]));
  });

  it('OffsetFetch v4', async () => {
    const bytes = ours(9, 4, 'response', {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 17n, metadata: '', errorCode: 0 }] }],
      errorCode: 0,
    });
    expect(await kafkajsDecode('offsetFetch/v4', bytes)).toMatchObject({
      errorCode: 0,
      responses: [{ topic: 't', partitions: [{ partition: 0, offset: '17', metadata: '', errorCode: 0 }] }],
    });
  });

  it('FindCoordinator v2 and InitProducerId v1', async () => {
    const fc = ours(10, 2, 'response', { errorCode: 0, errorMessage: null, nodeId: 1, host: '127.0.0.1', port: 9092 });
    expect(await kafkajsDecode('findCoordinator/v2', fc)).toMatchObject({ errorCode: 0, coordinator: { nodeId: 1, host: '127.0.0.1', port: 9092 } });
    const ip = ours(22, 1, 'response', { errorCode: 0, producerId: 1000n, producerEpoch: 2 });
    expect(await kafkajsDecode('initProducerId/v1', ip)).toMatchObject({ errorCode: 0, producerId: '1000', producerEpoch: 2 });
  });

  it('Fetch v11 with a record batch and an aborted transaction', async () => {
    const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1000 }], { baseOffset: 5 });
    const bytes = ours(1, 11, 'response', {
      responses: [{
        topic: 't',
        partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 6n, lastStableOffset: 6n, logStartOffset: 0n, abortedTransactions: [{ producerId: 9n, firstOffset: 2n }], preferredReadReplica: -1, records: batch }],
      }],
    });
    const decoded = await kafkajsDecode('fetch/v11', bytes);
    const p = decoded.responses[0].partitions[0];
    expect(p).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '6', lastStableOffset: '6', abortedTransactions: [{ producerId: '9', firstOffset: '2' }] });
    expect(p.messages.map((m: { offset: string; key: Buffer; value: Buffer }) => [m.offset, m.key.toString(), m.value.toString()])).toEqual([['5', 'k', 'v']]);
  });

  it('DescribeConfigs v1 (hand-written table)', async () => {
    const bytes = ours(32, 1, 'response', {
      throttleTimeMs: 0,
      results: [{
        errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't',
        configs: [{ name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false, synonyms: [{ name: 'log.cleanup.policy', value: 'delete', source: 5 }] }],
      }],
    });
    expect(await kafkajsDecode('describeConfigs/v1', bytes)).toMatchObject({
      resources: [{
        errorCode: 0, resourceType: 2, resourceName: 't',
        configEntries: [{ configName: 'cleanup.policy', configValue: 'compact', readOnly: false, configSource: 1, isSensitive: false, configSynonyms: [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }] }],
      }],
    });
  });

  it('DescribeConfigs v0 carries IsDefault (hand-written table)', async () => {
    const bytes = ours(32, 0, 'response', {
      results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', configs: [{ name: 'a', value: 'b', readOnly: true, isDefault: true, isSensitive: false }] }],
    });
    expect(await kafkajsDecode('describeConfigs/v0', bytes)).toMatchObject({
      resources: [{ configEntries: [{ configName: 'a', configValue: 'b', readOnly: true, isDefault: true, isSensitive: false }] }],
    });
  });

  it('DeleteRecords v0 (hand-written table)', async () => {
    const bytes = ours(21, 0, 'response', { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, lowWatermark: 5n, errorCode: 0 }] }] });
    expect(await kafkajsDecode('deleteRecords/v0', bytes)).toMatchObject({ topics: [{ topic: 't', partitions: [{ partition: 0, lowWatermark: expect.anything(), errorCode: 0 }] }] });
    const decoded = await kafkajsDecode('deleteRecords/v0', bytes);
    expect(String(decoded.topics[0].partitions[0].lowWatermark)).toBe('5');
  });
});
