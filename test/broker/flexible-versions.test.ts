// The flexible (Kafka 3.5+) versions the broker serves for @platformatic/kafka, end to end over
// TCP with exact requests: Metadata 9–12 (topic ids, lookup by id), Produce 8–11, Fetch 12–16
// (13+ by topic id), ListOffsets 4–8 (max timestamp, earliest local), CreateTopics 5–7 (configs,
// partitions, topic id) and DeleteTopics 4–6 (by topic id). Also: every advertised version of
// these APIs is answered (none closes the connection).
import { describe, it, expect, afterEach } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { ZERO_UUID } from '../../src/protocol/schema.ts';
import { RawClient, batchOffsets, makeBatch } from './raw-client.ts';

const running: TestBroker[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const b of running.splice(0)) await b.stop();
});

async function setup(): Promise<{ b: TestBroker; c: RawClient }> {
  const b = await startTestBroker({ autoCreateTopics: false });
  running.push(b);
  const c = await RawClient.connect(b.port);
  clients.push(c);
  return { b, c };
}

async function createTopic(c: RawClient, name: string, partitions = 1, configs: { name: string; value: string }[] = [], version = 7) {
  const res = await c.request(19, version, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  return res.topics[0]!;
}

async function produce(c: RawClient, version: number, topic: string, partition: number, batch: Buffer) {
  const res = await c.request(0, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

function fetchBody(t: { topic?: string; topicId?: string }, partition: number, offset: number, maxWaitMs = 0) {
  return {
    maxWaitMs,
    minBytes: 1,
    maxBytes: 10_000_000,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ ...t, partitions: [{ partition, currentLeaderEpoch: 0, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, partitionMaxBytes: 1_000_000 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

function withLeaderEpochZero(batch: Buffer): Buffer {
  batch.writeInt32BE(0, 12); // @platformatic/kafka writes 0 here, not -1 (not CRC-covered)
  return batch;
}

describe('every advertised version is answered', () => {
  it('Metadata 0–12, Produce 3–11, Fetch 4–16, ListOffsets 0–8, CreateTopics 0–7, DeleteTopics 0–6', async () => {
    const { c } = await setup();
    const seed = await createTopic(c, 'all-versions', 1, [], 3);
    expect(seed.errorCode).toBe(ErrorCode.NONE);
    const topicId = (await c.request(3, 10, { topics: [{ name: 'all-versions', topicId: ZERO_UUID }], allowAutoTopicCreation: false })).topics[0]!.topicId;
    for (let v = 0; v <= 12; v++) {
      const res = await c.request(3, v, { topics: [{ name: 'all-versions', topicId: ZERO_UUID }], allowAutoTopicCreation: false });
      expect(res.topics.map((t) => [t.name, t.errorCode, t.partitions.length]), `Metadata v${v}`).toEqual([['all-versions', 0, 1]]);
    }
    for (let v = 3; v <= 11; v++) {
      const r = await produce(c, v, 'all-versions', 0, makeBatch([{ value: `p${v}` }]));
      expect([r.errorCode, r.baseOffset], `Produce v${v}`).toEqual([ErrorCode.NONE, BigInt(v - 3)]);
    }
    for (let v = 4; v <= 16; v++) {
      const res = await c.request(1, v, fetchBody(v >= 13 ? { topicId } : { topic: 'all-versions' }, 0, 0));
      const p = res.responses[0]!.partitions[0]!;
      expect([p.errorCode, p.highWatermark, batchOffsets(p.records).length], `Fetch v${v}`).toEqual([ErrorCode.NONE, 9n, 9]);
    }
    for (let v = 0; v <= 8; v++) {
      const res = await c.request(2, v, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'all-versions', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }],
      });
      const p = res.topics[0]!.partitions[0]!;
      expect(p.errorCode, `ListOffsets v${v}`).toBe(ErrorCode.NONE);
      expect(v === 0 ? p.oldStyleOffsets : p.offset, `ListOffsets v${v}`).toEqual(v === 0 ? [9n] : 9n);
    }
    for (let v = 0; v <= 7; v++) {
      expect((await createTopic(c, `ct-${v}`, 1, [], v)).errorCode, `CreateTopics v${v}`).toBe(ErrorCode.NONE);
    }
    for (let v = 0; v <= 6; v++) {
      const res = await c.request(20, v, { topicNames: [`ct-${v}`], topics: [{ name: `ct-${v}`, topicId: ZERO_UUID }], timeoutMs: 1000 });
      expect(res.responses.map((r) => [r.name, r.errorCode]), `DeleteTopics v${v}`).toEqual([[`ct-${v}`, ErrorCode.NONE]]);
    }
  });
});

describe('Metadata v9–12', () => {
  it('reports stable topic ids, leader epoch 0 and "authorized operations not requested"', async () => {
    const { c } = await setup();
    const created = await createTopic(c, 'ids', 2);
    expect(created.topicId).not.toBe(ZERO_UUID);
    for (const v of [10, 11, 12]) {
      const res = await c.request(3, v, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const t = res.topics.find((x) => x.name === 'ids')!;
      expect(t.topicId).toBe(created.topicId);
      expect(t.topicAuthorizedOperations).toBe(-2147483648);
      expect(t.partitions.map((p) => [p.partitionIndex, p.leaderEpoch, p.leaderId])).toEqual([[0, 0, 0], [1, 0, 0]]);
    }
    const v9 = await c.request(3, 9, { topics: [{ name: 'ids' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true });
    expect(v9.clusterAuthorizedOperations).toBe(-2147483648);
    expect(v9.topics[0]!.name).toBe('ids');
  });

  it('v12 looks topics up by id; an unknown id is UNKNOWN_TOPIC_ID with a null name', async () => {
    const { c } = await setup();
    const created = await createTopic(c, 'by-id', 3);
    const unknown = '11111111-2222-4333-8444-555555555555';
    const res = await c.request(3, 12, {
      topics: [{ name: null, topicId: created.topicId }, { name: null, topicId: unknown }, { name: 'missing', topicId: ZERO_UUID }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(res.topics.map((t) => [t.name, t.topicId, t.errorCode, t.partitions.length])).toEqual([
      ['by-id', created.topicId, ErrorCode.NONE, 3],
      [null, unknown, ErrorCode.UNKNOWN_TOPIC_ID, 0],
      ['missing', ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
    ]);
    // Before v12 a topic cannot be named by id alone.
    const v11 = await c.request(3, 11, { topics: [{ name: null, topicId: created.topicId }], allowAutoTopicCreation: false });
    expect(v11.topics.map((t) => t.errorCode)).toEqual([ErrorCode.INVALID_REQUEST]);
  });
});

describe('Produce v8–11', () => {
  it('appends batches whose partitionLeaderEpoch is 0 and answers with empty record errors', async () => {
    const { c } = await setup();
    await createTopic(c, 'p');
    const r = await produce(c, 11, 'p', 0, withLeaderEpochZero(makeBatch([{ value: 'a' }, { value: 'b' }])));
    expect(r).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n, logStartOffset: 0n, recordErrors: [], errorMessage: null });
    const r2 = await produce(c, 9, 'p', 0, makeBatch([{ value: 'c' }]));
    expect(r2.baseOffset).toBe(2n);
  });

  it('v8+ explain a refused batch in the error message', async () => {
    const { c } = await setup();
    await createTopic(c, 'bad');
    const batch = makeBatch([{ value: 'x' }]);
    batch.writeUInt32BE((batch.readUInt32BE(17) ^ 1) >>> 0, 17); // break the CRC
    for (const v of [8, 10]) {
      const r = await produce(c, v, 'bad', 0, batch);
      expect(r.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
      expect(r.errorMessage).toMatch(/crc/i);
      expect(r.recordErrors).toEqual([]);
    }
    const unknown = await produce(c, 11, 'nope', 0, makeBatch([{ value: 'x' }]));
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(unknown.errorMessage).toContain('nope');
  });
});

describe('Fetch v12–16', () => {
  it('v13+ address topics by id and echo it; v12 by name', async () => {
    const { c } = await setup();
    const { topicId } = await createTopic(c, 'f', 2);
    await produce(c, 11, 'f', 1, makeBatch([{ value: 'one' }, { value: 'two' }]));
    const v16 = await c.request(1, 16, fetchBody({ topicId }, 1, 0));
    expect(v16.responses[0]!.topicId).toBe(topicId);
    const p = v16.responses[0]!.partitions[0]!;
    expect([p.partitionIndex, p.errorCode, p.highWatermark, p.lastStableOffset, p.logStartOffset]).toEqual([1, 0, 2n, 2n, 0n]);
    expect(batchOffsets(p.records)).toEqual([{ baseOffset: 0, count: 2 }]);
    const v12 = await c.request(1, 12, fetchBody({ topic: 'f' }, 1, 1));
    expect(v12.responses[0]!.topic).toBe('f');
    expect(batchOffsets(v12.responses[0]!.partitions[0]!.records)).toEqual([{ baseOffset: 0, count: 2 }]);
  });

  it('an unknown topic id answers UNKNOWN_TOPIC_ID at once, even with a long max wait', async () => {
    const { c } = await setup();
    const unknown = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const res = await c.request(1, 13, fetchBody({ topicId: unknown }, 0, 0, 60_000), 5_000);
    expect(res.responses[0]!.topicId).toBe(unknown);
    expect(res.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('a parked fetch by id wakes on an append, and ends with UNKNOWN_TOPIC_ID when its topic is re-created', async () => {
    const { c, b } = await setup();
    const { topicId } = await createTopic(c, 'parked');
    const fetcher = await RawClient.connect(b.port);
    clients.push(fetcher);
    const woken = fetcher.request(1, 16, fetchBody({ topicId }, 0, 0, 30_000), 20_000);
    await produce(c, 11, 'parked', 0, makeBatch([{ value: 'late' }]));
    const res = await woken;
    expect(batchOffsets(res.responses[0]!.partitions[0]!.records)).toEqual([{ baseOffset: 0, count: 1 }]);

    const gone = fetcher.request(1, 16, fetchBody({ topicId }, 0, 1, 30_000), 20_000);
    const del = await c.request(20, 6, { topics: [{ name: 'parked', topicId: ZERO_UUID }], timeoutMs: 1000 });
    expect(del.responses[0]!.errorCode).toBe(ErrorCode.NONE);
    const recreated = await createTopic(c, 'parked');
    expect(recreated.topicId).not.toBe(topicId);
    expect((await gone).responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});

describe('ListOffsets v4–8', () => {
  function listOffsets(c: RawClient, version: number, topic: string, timestamp: bigint) {
    return c
      .request(2, version, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
      })
      .then((r) => r.topics[0]!.partitions[0]!);
  }

  it('max timestamp (-3, v7+) finds the first record with the largest timestamp; -4 is the log start', async () => {
    const { c } = await setup();
    await createTopic(c, 'ts');
    expect(await listOffsets(c, 7, 'ts', -3n)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    await produce(c, 11, 'ts', 0, makeBatch([{ value: 'a' }, { value: 'b', timestampDelta: 500 }, { value: 'c', timestampDelta: 200 }], 1_000_000));
    await produce(c, 11, 'ts', 0, makeBatch([{ value: 'd', timestampDelta: 500 }, { value: 'e' }], 1_000_000));
    for (const v of [7, 8]) {
      expect(await listOffsets(c, v, 'ts', -3n)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 1_000_500n, leaderEpoch: 0 });
    }
    expect(await listOffsets(c, 8, 'ts', -4n)).toMatchObject({ offset: 0n, leaderEpoch: 0 });
    expect(await listOffsets(c, 6, 'ts', -1n)).toMatchObject({ offset: 5n, leaderEpoch: 0 });
    expect(await listOffsets(c, 5, 'ts', 1_000_150n)).toMatchObject({ offset: 1n, timestamp: 1_000_500n });
    expect(await listOffsets(c, 4, 'ts', 2_000_000n)).toMatchObject({ offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    expect((await listOffsets(c, 8, 'nope', -1n)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('CreateTopics v5–7', () => {
  it('returns partitions, replication factor, every config with its source, and (v7) the topic id', async () => {
    const { c } = await setup();
    const t = await createTopic(c, 'ct', 3, [{ name: 'cleanup.policy', value: 'compact' }]);
    expect(t).toMatchObject({ name: 'ct', errorCode: 0, errorMessage: null, numPartitions: 3, replicationFactor: 1 });
    const policy = t.configs!.find((x) => x.name === 'cleanup.policy');
    expect(policy).toEqual({ name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false });
    const retention = t.configs!.find((x) => x.name === 'retention.ms');
    expect(retention?.configSource).toBe(5);
    const meta = await c.request(3, 12, { topics: [{ name: 'ct', topicId: ZERO_UUID }], allowAutoTopicCreation: false });
    expect(meta.topics[0]!.topicId).toBe(t.topicId);

    const v5 = await createTopic(c, 'ct5', -1, [], 5);
    expect(v5).toMatchObject({ errorCode: 0, numPartitions: 1, replicationFactor: 1 });
  });

  it('validate-only reports what would be created without an id; refusals carry -1 and no configs', async () => {
    const { c } = await setup();
    const res = await c.request(19, 7, {
      topics: [
        { name: 'dry', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'bad name!', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: true,
    });
    expect(res.topics[0]).toMatchObject({ name: 'dry', topicId: ZERO_UUID, errorCode: 0, numPartitions: 4, replicationFactor: 1 });
    expect(res.topics[0]!.configs!.length).toBeGreaterThan(0);
    expect(res.topics[1]).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, numPartitions: -1, replicationFactor: -1, configs: [] });
    const meta = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false });
    expect(meta.topics.filter((t) => !t.isInternal)).toEqual([]);
  });
});

describe('DeleteTopics v4–6', () => {
  it('v6 deletes by topic id or by name and reports both', async () => {
    const { c } = await setup();
    const a = await createTopic(c, 'del-a');
    const bb = await createTopic(c, 'del-b');
    const unknown = '99999999-8888-4777-8666-555555555555';
    const res = await c.request(20, 6, {
      topics: [
        { name: null, topicId: a.topicId },
        { name: 'del-b', topicId: ZERO_UUID },
        { name: null, topicId: unknown },
        { name: null, topicId: ZERO_UUID },
      ],
      timeoutMs: 1000,
    });
    expect(res.responses.map((r) => [r.name, r.topicId, r.errorCode])).toEqual([
      ['del-a', a.topicId, ErrorCode.NONE],
      ['del-b', bb.topicId, ErrorCode.NONE],
      [null, unknown, ErrorCode.UNKNOWN_TOPIC_ID],
      [null, ZERO_UUID, ErrorCode.INVALID_REQUEST],
    ]);
    expect(res.responses[2]!.errorMessage).toContain(unknown);
    const meta = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false });
    expect(meta.topics.filter((t) => !t.isInternal)).toEqual([]);
  });

  it('v4–5 report an unknown name (v5 with a message)', async () => {
    const { c } = await setup();
    const res = await c.request(20, 5, { topicNames: ['ghost'], timeoutMs: 1000 });
    expect(res.responses[0]).toMatchObject({ name: 'ghost', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    expect(res.responses[0]!.errorMessage).toContain('ghost');
    const v4 = await c.request(20, 4, { topicNames: ['ghost'], timeoutMs: 1000 });
    expect(v4.responses[0]).toMatchObject({ name: 'ghost', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
  });
});
