// Cross-checks the FLEXIBLE versions (compact forms, tagged fields) against an independent
// implementation: @platformatic/kafka 1.x, which speaks only Kafka 3.5+ flexible versions.
// Requests must be byte-identical; responses we encode (tagged fields included) must parse there.
import { describe, it, expect } from 'vitest';
import {
  apiVersionsV3,
  fetchV16,
  findCoordinatorV5,
  heartbeatV4,
  initProducerIdV5,
  joinGroupV9,
  metadataV12,
  produceV9,
  produceV10,
  Reader as PReader,
} from '@platformatic/kafka';
import { API_REGISTRY } from '../../../src/protocol/messages/index.ts';
import { decodeMessage, encodeMessage } from '../../../src/protocol/schema.ts';
import { decodeRecords, buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { hasValidCrc } from '../../../src/protocol/records/batch-header.ts';
import type { ProduceRequest } from '../../../src/protocol/messages/00-produce.ts';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function ours(apiKey: number, version: number, kind: 'request' | 'response', body: unknown): Buffer {
  const api = API_REGISTRY.get(apiKey)!;
  return encodeMessage(kind === 'request' ? api.request : api.response, version, body as never);
}

const bytesOf = (w: { buffer: Buffer }): string => w.buffer.toString('hex');

describe('flexible requests: byte-identical to @platformatic/kafka', () => {
  it('ApiVersions v3', () => {
    expect(ours(18, 3, 'request', { clientSoftwareName: 'plt', clientSoftwareVersion: '1.0' }).toString('hex')).toBe(
      bytesOf(apiVersionsV3.createRequest('plt', '1.0')),
    );
  });

  it('Metadata v12', () => {
    expect(
      ours(3, 12, 'request', { topics: [{ topicId: ZERO_UUID, name: 't1' }, { topicId: ZERO_UUID, name: 't2' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }).toString('hex'),
    ).toBe(bytesOf(metadataV12.createRequest(['t1', 't2'], true, false)));
  });

  it('JoinGroup v9 (with Reason)', () => {
    const meta = Buffer.from([0, 1, 2]);
    expect(
      ours(11, 9, 'request', { groupId: 'g', sessionTimeoutMs: 45000, rebalanceTimeoutMs: 300000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: meta }], reason: 'because' }).toString('hex'),
    ).toBe(bytesOf(joinGroupV9.createRequest('g', 45000, 300000, '', null, 'consumer', [{ name: 'range', metadata: meta }], 'because')));
  });

  it('Heartbeat v4', () => {
    expect(ours(12, 4, 'request', { groupId: 'g', generationId: 7, memberId: 'm', groupInstanceId: 'i' }).toString('hex')).toBe(
      bytesOf(heartbeatV4.createRequest('g', 7, 'm', 'i')),
    );
  });

  it('FindCoordinator v5 (batched keys)', () => {
    expect(ours(10, 5, 'request', { keyType: 1, coordinatorKeys: ['tx-a', 'tx-b'] }).toString('hex')).toBe(
      bytesOf(findCoordinatorV5.createRequest(1, ['tx-a', 'tx-b'])),
    );
  });

  it('InitProducerId v5', () => {
    expect(ours(22, 5, 'request', { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }).toString('hex')).toBe(
      bytesOf(initProducerIdV5.createRequest(null, 60000, -1n, -1)),
    );
  });

  it('Fetch v16 (topic ids)', () => {
    const topicId = '0123456789abcdef0123456789abcdef'.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
    const plt = fetchV16.createRequest(500, 1, 1048576, 1, 0, -1, [{ topicId, partitions: [{ partition: 2, currentLeaderEpoch: -1, fetchOffset: 10n, lastFetchedEpoch: -1, partitionMaxBytes: 65536 }] }], [], '');
    expect(
      ours(1, 16, 'request', {
        maxWaitMs: 500, minBytes: 1, maxBytes: 1048576, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
        topics: [{ topicId, partitions: [{ partition: 2, currentLeaderEpoch: -1, fetchOffset: 10n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 65536 }] }],
        forgottenTopicsData: [], rackId: '',
      }).toString('hex'),
    ).toBe(bytesOf(plt));
  });

  it('Produce v9: we decode its compact records and its record batch (partitionLeaderEpoch 0)', () => {
    const w = produceV9.createRequest(-1, 30000, [
      { topic: 't', partition: 1, key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_700_000_000_000n },
      { topic: 't', partition: 1, key: Buffer.from('k2'), value: Buffer.from('v2'), timestamp: 1_700_000_000_001n },
    ]);
    const api = API_REGISTRY.get(0)!;
    const body = decodeMessage<ProduceRequest>(api.request, 9, w.buffer);
    expect(body.acks).toBe(-1);
    expect(body.topicData[0]!.name).toBe('t');
    const p = body.topicData[0]!.partitionData[0]!;
    expect(p.index).toBe(1);
    const records = p.records!;
    expect(hasValidCrc(records)).toBe(true);
    const [batch] = decodeRecords(records);
    expect(batch!.records.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp])).toEqual([
      ['k1', 'v1', 1_700_000_000_000],
      ['k2', 'v2', 1_700_000_000_001],
    ]);
    // And re-encoding gives the client's bytes back.
    expect(encodeMessage(api.request, 9, body).equals(w.buffer)).toBe(true);
  });
});

describe('flexible responses: what we encode, @platformatic/kafka parses', () => {
  it('ApiVersions v3 (response body with tags)', () => {
    const bytes = ours(18, 3, 'response', { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }], throttleTimeMs: 0 });
    const parsed = apiVersionsV3.parseResponse(1, 18, 3, PReader.from(bytes));
    expect(parsed).toMatchObject({ errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }], throttleTimeMs: 0 });
  });

  it('Metadata v12 with topic ids', () => {
    const topicId = '11111111-2222-3333-4444-555555555555';
    const bytes = ours(3, 12, 'response', {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [{ errorCode: 0, name: 't', topicId, isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }], topicAuthorizedOperations: -2147483648 }],
    });
    const parsed = metadataV12.parseResponse(1, 3, 12, PReader.from(bytes));
    expect(parsed).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [{ errorCode: 0, name: 't', topicId, partitions: [{ partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }] }],
    });
  });

  // @platformatic/kafka 1.x reads a tag section as "zigzag varint length, skip that many bytes",
  // which only works for an EMPTY section: a broker must leave tagged fields (CurrentLeader,
  // NodeEndpoints, …) at their defaults when answering it. Our encoder omits default-valued tags.
  it('Produce v10 with tagged fields left at their defaults', () => {
    const bytes = ours(0, 10, 'response', {
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 42n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 } }] }],
      throttleTimeMs: 5,
      nodeEndpoints: [],
    });
    const parsed = produceV10.parseResponse(1, 0, 10, PReader.from(bytes));
    expect(parsed).toMatchObject({ responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 42n, logStartOffset: 0n }] }], throttleTimeMs: 5 });
  });

  it('Fetch v16 with records', () => {
    const topicId = '11111111-2222-3333-4444-555555555555';
    const batch = buildRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1000 }], { baseOffset: 7 });
    const bytes = ours(1, 16, 'response', {
      throttleTimeMs: 0, errorCode: 0, sessionId: 0,
      responses: [{ topicId, partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 8n, lastStableOffset: 8n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: batch }] }],
    });
    const parsed = fetchV16.parseResponse(1, 1, 16, PReader.from(bytes));
    const p = parsed.responses[0]!.partitions[0]!;
    expect(parsed.responses[0]!.topicId).toBe(topicId);
    expect(p.highWatermark).toBe(8n);
    expect(p.records?.[0]?.records[0]?.value?.toString()).toBe('v');
  });
});
