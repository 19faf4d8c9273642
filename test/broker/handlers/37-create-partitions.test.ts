// CreatePartitions (src/broker/handlers/37-create-partitions.ts) over the wire against a live
// broker: the new partitions are served by every API that routes by partition, the new count
// survives a restart, a crash on either side of the registry write recovers, and each refusal
// carries Kafka's error code and message.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { REGISTRY_FILE } from '../../../src/broker/topic-registry.ts';
import { RawClient, makeBatch, batchOffsets } from '../raw-client.ts';

const open: (TestBroker | RawClient | string)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if (x instanceof RawClient) x.close();
    else if (typeof x === 'string') await rm(x, { recursive: true, force: true });
    else await x.stop();
  }
});

async function start(): Promise<{ tb: TestBroker; c: RawClient }> {
  const tb = await startTestBroker();
  open.push(tb);
  const c = await RawClient.connect(tb.port);
  open.push(c);
  return { tb, c };
}

const createTopic = async (c: RawClient, name: string, numPartitions: number) =>
  (await c.request(19, 4, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 })).topics[0]!;

type Topic = { name: string; count: number; assignments?: { brokerIds: number[] }[] | null };
const addPartitions = async (c: RawClient, topics: Topic[], validateOnly = false, version = 3) =>
  (await c.request(37, version, { topics: topics.map((t) => ({ assignments: null, ...t })), timeoutMs: 1000, validateOnly })).results;

const partitionCount = async (c: RawClient, topic: string) => {
  const m = await c.request(3, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return m.topics[0]!.errorCode === 0 ? m.topics[0]!.partitions.length : -1;
};

const produce = async (c: RawClient, topic: string, partition: number, value: string) =>
  (await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records: makeBatch([{ value }]) }] }] }))
    .responses[0]!.partitionResponses[0]!.errorCode;

const endOffset = async (c: RawClient, topic: string, partition: number) => {
  const r = await c.request(2, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -1n }] }] });
  const p = r.topics[0]!.partitions[0]!;
  return p.errorCode === 0 ? Number(p.offset) : -p.errorCode;
};

const fetchOffsets = async (c: RawClient, topic: string, partition: number) => {
  const r = await c.request(1, 4, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1_000_000, isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1_000_000 }] }],
  });
  const p = r.responses[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offsets: batchOffsets(p.records).map((b) => b.baseOffset) };
};

describe('CreatePartitions: the new partitions are real', () => {
  it('raises the count at every version; Metadata, Produce, Fetch, ListOffsets and DescribeLogDirs see the new partitions', async () => {
    const { c } = await start();
    expect((await createTopic(c, 'grow', 2)).errorCode).toBe(0);
    expect(await produce(c, 'grow', 2, 'too early')).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    for (const [version, count] of [[0, 3], [1, 4], [2, 5], [3, 6]] as const) {
      expect(await addPartitions(c, [{ name: 'grow', count }], false, version)).toEqual([{ name: 'grow', errorCode: 0, errorMessage: null }]);
      expect(await partitionCount(c, 'grow')).toBe(count);
    }
    expect(await produce(c, 'grow', 5, 'new')).toBe(0);
    expect(await produce(c, 'grow', 5, 'newer')).toBe(0);
    expect(await endOffset(c, 'grow', 5)).toBe(2);
    expect(await fetchOffsets(c, 'grow', 5)).toEqual({ errorCode: 0, offsets: [0, 1] });
    expect(await produce(c, 'grow', 6, 'past the end')).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const dirs = await c.request(35, 1, { topics: [{ topic: 'grow', partitions: [0, 1, 2, 3, 4, 5] }] });
    expect(dirs.results[0]!.topics[0]!.partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('validate_only checks and changes nothing', async () => {
    const { c } = await start();
    await createTopic(c, 'v', 1);
    expect(await addPartitions(c, [{ name: 'v', count: 3 }], true)).toEqual([{ name: 'v', errorCode: 0, errorMessage: null }]);
    expect(await partitionCount(c, 'v')).toBe(1);
    expect((await addPartitions(c, [{ name: 'v', count: 1 }], true))[0]!.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
  });

  it('accepts assignments that name this broker, one replica per new partition', async () => {
    const { tb, c } = await start();
    await createTopic(c, 'a', 1);
    const me = tb.broker.nodeId;
    expect(await addPartitions(c, [{ name: 'a', count: 3, assignments: [{ brokerIds: [me] }, { brokerIds: [me] }] }])).toEqual([{ name: 'a', errorCode: 0, errorMessage: null }]);
    expect(await partitionCount(c, 'a')).toBe(3);
  });

  it('allows the internal offsets topic, as Kafka does, and the group coordinator keeps working', async () => {
    const { c } = await start();
    await c.request(10, 2, { key: 'g', keyType: 0 }); // makes the coordinator create __consumer_offsets
    const before = await partitionCount(c, '__consumer_offsets');
    expect(before).toBeGreaterThan(0);
    expect((await addPartitions(c, [{ name: '__consumer_offsets', count: before + 1 }]))[0]!.errorCode).toBe(0);
    expect(await partitionCount(c, '__consumer_offsets')).toBe(before + 1);
    await createTopic(c, 'o', 1);
    const commit = await c.request(8, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 'o', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: null }] }] });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(0);
  });
});

describe('CreatePartitions: refusals carry Kafka codes and messages', () => {
  it('answers each topic of a mixed request on its own', async () => {
    const { tb, c } = await start();
    await createTopic(c, 't3', 3);
    await createTopic(c, 'ok', 1);
    const me = tb.broker.nodeId;
    const results = await addPartitions(c, [
      { name: 't3', count: 2 },
      { name: 'ok', count: 2 },
      { name: 'nope', count: 2 },
      { name: 'dup', count: 2 },
      { name: 'dup', count: 3 },
    ]);
    expect(results).toEqual([
      { name: 't3', errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic currently has 3 partitions, which is higher than the requested 2.' },
      { name: 'ok', errorCode: 0, errorMessage: null },
      { name: 'nope', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: "The topic 'nope' does not exist." },
      { name: 'dup', errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' },
      { name: 'dup', errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' },
    ]);
    const refusal = async (t: Topic) => (await addPartitions(c, [t]))[0]!;
    expect(await refusal({ name: 't3', count: 3 })).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic already has 3 partition(s).' });
    expect(await refusal({ name: 't3', count: -22 })).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'Topic currently has 3 partitions, which is higher than the requested -22.' });
    expect(await refusal({ name: 't3', count: 100_000 })).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS });
    expect(await refusal({ name: 't3', count: 5, assignments: [{ brokerIds: [me] }] })).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: 'Increasing the number of partitions by 2 but 1 assignments provided.',
    });
    expect(await refusal({ name: 't3', count: 4, assignments: [] })).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT });
    expect(await refusal({ name: 't3', count: 4, assignments: [{ brokerIds: [me + 11] }] })).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `Unknown broker(s) in replica assignment: ${me + 11}.`,
    });
    expect(await refusal({ name: 't3', count: 4, assignments: [{ brokerIds: [me, me] }] })).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      errorMessage: `Duplicate brokers not allowed in replica assignment: ${me}, ${me} for partition id 3.`,
    });
    expect(await refusal({ name: 't3', count: 4, assignments: [{ brokerIds: [] }] })).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT });
    expect(await partitionCount(c, 't3')).toBe(3);
  });

  it('needs ALTER on the topic when ACLs are on', async () => {
    const principalOf = ({ clientId }: { clientId: string | null }) => `User:${clientId ?? 'ANONYMOUS'}`;
    const tb = await startTestBroker({ authorizer: { enabled: true, superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false }, deps: { principalOf } });
    open.push(tb);
    const admin = await RawClient.connect(tb.port, 'admin');
    const alice = await RawClient.connect(tb.port, 'alice');
    open.push(admin, alice);
    await createTopic(admin, 'guarded', 1);
    expect(await addPartitions(alice, [{ name: 'guarded', count: 2 }])).toEqual([
      { name: 'guarded', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'The topic authorization is failed.' },
    ]);
    const acl = await admin.request(30, 3, { creations: [{ resourceType: 2, resourceName: 'guarded', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 7, permissionType: 3 }] });
    expect(acl.results[0]!.errorCode).toBe(0);
    expect((await addPartitions(alice, [{ name: 'guarded', count: 2 }]))[0]!.errorCode).toBe(0);
    expect(await partitionCount(admin, 'guarded')).toBe(2);
  });
});

describe('CreatePartitions: durability and crash recovery', () => {
  async function dataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-partitions-'));
    open.push(dir);
    return dir;
  }
  async function withBroker<T>(dir: string, body: (c: RawClient) => Promise<T>): Promise<T> {
    const tb = await startTestBroker({ dataDir: dir });
    const c = await RawClient.connect(tb.port);
    try {
      return await body(c);
    } finally {
      c.close();
      await tb.stop();
    }
  }
  const registryCount = async (dir: string, topic: string) =>
    (JSON.parse(await readFile(join(dir, REGISTRY_FILE), 'utf8')) as { topics: { name: string; partitions: number }[] }).topics.find((t) => t.name === topic)!.partitions;
  async function setRegistryCount(dir: string, topic: string, partitions: number): Promise<void> {
    const reg = JSON.parse(await readFile(join(dir, REGISTRY_FILE), 'utf8')) as { topics: { name: string; partitions: number }[] };
    reg.topics.find((t) => t.name === topic)!.partitions = partitions;
    await writeFile(join(dir, REGISTRY_FILE), JSON.stringify(reg));
  }
  const partitionDirs = async (dir: string, topic: string) => (await readdir(dir)).filter((d) => d.startsWith(`${topic}-`)).sort();

  it('the new count and the new partitions\' data survive a restart', async () => {
    const dir = await dataDir();
    await withBroker(dir, async (c) => {
      await createTopic(c, 'd', 1);
      expect((await addPartitions(c, [{ name: 'd', count: 3 }]))[0]!.errorCode).toBe(0);
      expect(await produce(c, 'd', 2, 'kept')).toBe(0);
    });
    expect(await registryCount(dir, 'd')).toBe(3);
    await withBroker(dir, async (c) => {
      expect(await partitionCount(c, 'd')).toBe(3);
      expect(await endOffset(c, 'd', 2)).toBe(1);
    });
  });

  it('a crash before the registry write: the next start removes the extra partitions', async () => {
    const dir = await dataDir();
    await withBroker(dir, async (c) => {
      await createTopic(c, 'c', 1);
      await addPartitions(c, [{ name: 'c', count: 3 }]);
    });
    await setRegistryCount(dir, 'c', 1); // the registry as it was before the raise became durable
    await withBroker(dir, async (c) => {
      expect(await partitionCount(c, 'c')).toBe(1);
      expect(await partitionDirs(dir, 'c')).toEqual(['c-0']);
      // and the raise can be made again, onto fresh logs
      expect((await addPartitions(c, [{ name: 'c', count: 2 }]))[0]!.errorCode).toBe(0);
      expect(await endOffset(c, 'c', 1)).toBe(0);
    });
  });

  it('a crash after the registry write but before the logs existed: the next start creates them', async () => {
    const dir = await dataDir();
    await withBroker(dir, async (c) => {
      await createTopic(c, 'r', 1);
      expect(await produce(c, 'r', 0, 'x')).toBe(0);
    });
    await setRegistryCount(dir, 'r', 3); // durable count 3, logs 1 and 2 never made
    await withBroker(dir, async (c) => {
      expect(await partitionCount(c, 'r')).toBe(3);
      expect(await produce(c, 'r', 2, 'y')).toBe(0);
      expect(await endOffset(c, 'r', 0)).toBe(1);
      expect(await endOffset(c, 'r', 2)).toBe(1);
    });
  });
});
