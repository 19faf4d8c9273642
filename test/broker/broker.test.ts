// The broker's APIs end to end over TCP with exact requests (src/broker/handlers/*): ApiVersions,
// Metadata, Produce, Fetch (incl. long poll), ListOffsets, CreateTopics, DeleteTopics, and topic
// persistence across a restart.
import { describe, it, expect, afterEach } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { RawClient, batchOffsets, makeBatch } from './raw-client.ts';

const running: TestBroker[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const b of running.splice(0)) await b.stop();
});

async function broker(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<TestBroker> {
  const b = await startTestBroker(opts);
  running.push(b);
  return b;
}
async function client(b: TestBroker): Promise<RawClient> {
  const c = await RawClient.connect(b.port);
  clients.push(c);
  return c;
}

async function createTopic(c: RawClient, name: string, partitions = 1, configs: { name: string; value: string }[] = []) {
  const res = await c.request(19, 3, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  return res.topics[0]!;
}

async function produce(c: RawClient, topic: string, partition: number, batch: Buffer, acks = -1) {
  const res = await c.request(0, 7, {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

function fetchBody(topic: string, partition: number, offset: number, extra: { maxWaitMs?: number; minBytes?: number; partitionMaxBytes?: number; maxBytes?: number } = {}) {
  return {
    replicaId: -1,
    maxWaitMs: extra.maxWaitMs ?? 0,
    minBytes: extra.minBytes ?? 1,
    maxBytes: extra.maxBytes ?? 10_000_000,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: extra.partitionMaxBytes ?? 1_000_000 }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

describe('ApiVersions', () => {
  it('advertises min 0 and the brief ranges at v0-v3', async () => {
    const b = await broker();
    const c = await client(b);
    for (const v of [0, 1, 2, 3]) {
      const res = await c.request(18, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' });
      expect(res.errorCode).toBe(0);
      const byKey = new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
      expect(byKey.get(0)).toEqual([0, 12]);
      expect(byKey.get(1)).toEqual([0, 16]);
      expect(byKey.get(2)).toEqual([0, 8]);
      expect(byKey.get(3)).toEqual([0, 12]);
      expect(byKey.get(18)).toEqual([0, 3]);
      expect(byKey.get(19)).toEqual([0, 7]);
      expect(byKey.get(20)).toEqual([0, 6]);
      expect(byKey.get(21)).toEqual([0, 1]);
      expect(byKey.get(32)).toEqual([0, 2]);
      expect(byKey.get(37)).toEqual([0, 3]);
      for (const k of res.apiKeys) expect(k.minVersion).toBe(0);
    }
  });
});

describe('Metadata', () => {
  it('lists this node as broker and controller, with topic ids', async () => {
    const b = await broker();
    const c = await client(b);
    expect((await createTopic(c, 'm1', 2)).errorCode).toBe(0);
    const res = await c.request(3, 6, { topics: null, allowAutoTopicCreation: false });
    expect(res.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: b.port, rack: null }]);
    expect(res.controllerId).toBe(0);
    const user = res.topics.filter((t) => !t.isInternal);
    expect(user.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([['m1', 0, 2]]);
    expect(res.topics.filter((t) => t.isInternal).every((t) => (t.name ?? '').startsWith('__'))).toBe(true);
    expect(user[0]!.partitions[1]).toMatchObject({ partitionIndex: 1, leaderId: 0, replicaNodes: [0], isrNodes: [0] });
    expect(b.broker.topic('m1')?.topicId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('auto-creates per the v4 flag and the broker setting, refuses bad names', async () => {
    const b = await broker();
    const c = await client(b);
    const no = await c.request(3, 4, { topics: [{ name: 'auto-no' }], allowAutoTopicCreation: false });
    expect(no.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const yes = await c.request(3, 4, { topics: [{ name: 'auto-yes' }], allowAutoTopicCreation: true });
    expect(yes.topics[0]).toMatchObject({ name: 'auto-yes', errorCode: 0 });
    const v1 = await c.request(3, 1, { topics: [{ name: 'auto-v1' }] });
    expect(v1.topics[0]!.errorCode).toBe(0);
    const bad = await c.request(3, 1, { topics: [{ name: 'bad name!' }] });
    expect(bad.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const v0all = await c.request(3, 0, { topics: [] });
    expect(v0all.topics.map((t) => t.name).filter((n) => !(n ?? '').startsWith('__')).sort()).toEqual(['auto-v1', 'auto-yes']);
  });

  it('with autoCreateTopics off, v1 requests for a missing topic get error 3', async () => {
    const b = await broker({ autoCreateTopics: false });
    const c = await client(b);
    const res = await c.request(3, 1, { topics: [{ name: 'nope' }] });
    expect(res.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(b.broker.topic('nope')).toBeUndefined();
  });
});

describe('Produce and Fetch', () => {
  it('assigns consecutive offsets and fetches whole batches back', async () => {
    const b = await broker({ fsync: 'acks-all' });
    const c = await client(b);
    await createTopic(c, 'pf');
    const r1 = await produce(c, 'pf', 0, makeBatch([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]));
    const r2 = await produce(c, 'pf', 0, makeBatch([{ key: 'c', value: '3' }]), 1);
    expect([r1.errorCode, Number(r1.baseOffset), r2.errorCode, Number(r2.baseOffset)]).toEqual([0, 0, 0, 2]);
    const f = await c.request(1, 11, fetchBody('pf', 0, 0));
    const p = f.responses[0]!.partitions[0]!;
    expect(p.errorCode).toBe(0);
    expect(Number(p.highWatermark)).toBe(3);
    expect(Number(p.lastStableOffset)).toBe(3);
    expect(Number(p.logStartOffset)).toBe(0);
    expect(batchOffsets(p.records)).toEqual([{ baseOffset: 0, count: 2 }, { baseOffset: 2, count: 1 }]);
    // From the middle of the first batch: whole batches from the one holding offset 1.
    const mid = await c.request(1, 4, fetchBody('pf', 0, 1));
    expect(batchOffsets(mid.responses[0]!.partitions[0]!.records)[0]).toEqual({ baseOffset: 0, count: 2 });
  });

  it('always returns at least one whole batch, and respects partition_max_bytes after it', async () => {
    const b = await broker();
    const c = await client(b);
    await createTopic(c, 'big');
    const big = 'x'.repeat(5000);
    for (let i = 0; i < 3; i++) await produce(c, 'big', 0, makeBatch([{ value: big }]));
    const f = await c.request(1, 11, fetchBody('big', 0, 0, { partitionMaxBytes: 100 }));
    expect(batchOffsets(f.responses[0]!.partitions[0]!.records)).toEqual([{ baseOffset: 0, count: 1 }]);
    const f2 = await c.request(1, 11, fetchBody('big', 0, 0, { partitionMaxBytes: 12_000 }));
    expect(batchOffsets(f2.responses[0]!.partitions[0]!.records)).toHaveLength(2);
  });

  it('OFFSET_OUT_OF_RANGE and UNKNOWN_TOPIC_OR_PARTITION answer at once', async () => {
    const b = await broker();
    const c = await client(b);
    await createTopic(c, 'oor');
    await produce(c, 'oor', 0, makeBatch([{ value: 'v' }]));
    const f = await c.request(1, 11, fetchBody('oor', 0, 5, { maxWaitMs: 60_000 }));
    expect(f.responses[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect(Number(f.responses[0]!.partitions[0]!.highWatermark)).toBe(1);
    const u = await c.request(1, 11, fetchBody('missing', 0, 0, { maxWaitMs: 60_000 }));
    expect(u.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const up = await c.request(1, 11, fetchBody('oor', 7, 0, { maxWaitMs: 60_000 }));
    expect(up.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('a parked fetch is woken by an append on another connection and blocks only its own connection', async () => {
    const b = await broker();
    const fetcher = await client(b);
    const producer = await client(b);
    await createTopic(producer, 'lp');
    // maxWait far beyond the test timeout: only the append can complete this fetch in time.
    const pending = fetcher.request(1, 11, fetchBody('lp', 0, 0, { maxWaitMs: 600_000 }), 600_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.broker.waiters.watchedPartitions).toBe(1);
    const meta = await producer.request(3, 1, { topics: null });
    expect(meta.topics.map((t) => t.name)).toContain('lp');
    await produce(producer, 'lp', 0, makeBatch([{ value: 'wake up' }]));
    const f = await pending;
    expect(batchOffsets(f.responses[0]!.partitions[0]!.records)).toEqual([{ baseOffset: 0, count: 1 }]);
    expect(b.broker.waiters.watchedPartitions).toBe(0);
  });

  it('min_bytes keeps the fetch parked until enough bytes arrived', async () => {
    const b = await broker();
    const fetcher = await client(b);
    const producer = await client(b);
    await createTopic(producer, 'mb');
    const one = makeBatch([{ value: 'y'.repeat(100) }]);
    let done = false;
    const pending = fetcher.request(1, 11, fetchBody('mb', 0, 0, { maxWaitMs: 600_000, minBytes: one.length * 3 }), 600_000).then((r) => {
      done = true;
      return r;
    });
    await produce(producer, 'mb', 0, makeBatch([{ value: 'y'.repeat(100) }]));
    await produce(producer, 'mb', 0, makeBatch([{ value: 'y'.repeat(100) }]));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    await produce(producer, 'mb', 0, makeBatch([{ value: 'y'.repeat(100) }]));
    const f = await pending;
    expect(batchOffsets(f.responses[0]!.partitions[0]!.records)).toHaveLength(3);
  });

  it('max_wait_ms ends an empty fetch with no records', async () => {
    const b = await broker();
    const c = await client(b);
    await createTopic(c, 'mw');
    const f = await c.request(1, 11, fetchBody('mw', 0, 0, { maxWaitMs: 20 }));
    expect(f.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0 });
    expect(batchOffsets(f.responses[0]!.partitions[0]!.records)).toEqual([]);
  });
});

describe('ListOffsets', () => {
  it('earliest, latest, by timestamp, and v0 old-style offsets', async () => {
    const b = await broker();
    const c = await client(b);
    await createTopic(c, 'lo');
    await produce(c, 'lo', 0, makeBatch([{ value: 'a' }, { value: 'b', timestampDelta: 10 }], 1_000));
    await produce(c, 'lo', 0, makeBatch([{ value: 'c' }], 2_000));
    const q = (ts: number) => ({ replicaId: -1, isolationLevel: 0, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: BigInt(ts), maxNumOffsets: 1 }] }] });
    const at = async (ts: number) => (await c.request(2, 3, q(ts))).topics[0]!.partitions[0]!;
    expect(Number((await at(-2)).offset)).toBe(0);
    expect(Number((await at(-1)).offset)).toBe(3);
    expect([Number((await at(1_005)).offset), Number((await at(1_005)).timestamp)]).toEqual([1, 1_010]);
    expect(Number((await at(1_500)).offset)).toBe(2);
    expect([Number((await at(9_999)).offset), (await at(9_999)).errorCode]).toEqual([-1, 0]);
    const v0 = await c.request(2, 0, q(-1));
    expect(v0.topics[0]!.partitions[0]!.oldStyleOffsets.map(Number)).toEqual([3]);
    const unknown = await c.request(2, 1, { ...q(-1), topics: [{ name: 'zz', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    expect(unknown.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('CreateTopics and DeleteTopics', () => {
  it('returns Kafka codes for each kind of bad create, and validate_only creates nothing', async () => {
    const b = await broker();
    const c = await client(b);
    const res = await c.request(19, 4, {
      topics: [
        { name: 'ok', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '1000' }] },
        { name: 'bad/name', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'rf3', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
        { name: 'cfg', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such.config', value: '1' }] },
        { name: 'cfgval', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'shred' }] },
        { name: 'zero', numPartitions: 0, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'dflt', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(res.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['ok', 0],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['rf3', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['cfg', ErrorCode.INVALID_CONFIG],
      ['cfgval', ErrorCode.INVALID_CONFIG],
      ['zero', ErrorCode.INVALID_PARTITIONS],
      ['dflt', 0],
    ]);
    expect(res.topics[3]!.errorMessage).toMatch(/no.such.config/);
    expect((await createTopic(c, 'ok')).errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect((await createTopic(c, 'my.topic')).errorCode).toBe(0);
    expect((await createTopic(c, 'my_topic')).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const vo = await c.request(19, 1, { topics: [{ name: 'dry', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1, validateOnly: true });
    expect(vo.topics[0]!.errorCode).toBe(0);
    expect(b.broker.topic('dry')).toBeUndefined();
    expect(b.broker.topic('ok')?.configs).toEqual({ 'retention.ms': '1000' });
  });

  it('delete removes data, ends parked fetches, and a re-created topic starts empty', async () => {
    const b = await broker();
    const fetcher = await client(b);
    const c = await client(b);
    await createTopic(c, 'gone');
    await produce(c, 'gone', 0, makeBatch([{ value: 'old' }]));
    const parked = fetcher.request(1, 11, fetchBody('gone', 0, 1, { maxWaitMs: 600_000 }), 600_000);
    await new Promise((r) => setTimeout(r, 30));
    const del = await c.request(20, 1, { topicNames: ['gone', 'never-was'], timeoutMs: 1000 });
    expect(del.responses.map((r) => [r.name, r.errorCode])).toEqual([['gone', 0], ['never-was', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    expect((await parked).responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await createTopic(c, 'gone')).errorCode).toBe(0);
    const f = await c.request(1, 11, fetchBody('gone', 0, 0));
    expect(Number(f.responses[0]!.partitions[0]!.highWatermark)).toBe(0);
  });

  it('a create racing a delete of the same name gets a fresh, empty topic', async () => {
    const b = await broker();
    const c1 = await client(b);
    const c2 = await client(b);
    await createTopic(c1, 'race', 1);
    await produce(c1, 'race', 0, makeBatch([{ value: 'old' }]));
    const oldId = b.broker.topic('race')!.topicId;
    const [del, created] = await Promise.all([
      c1.request(20, 1, { topicNames: ['race'], timeoutMs: 1000 }),
      new Promise((r) => setImmediate(r)).then(() => createTopic(c2, 'race', 2)),
    ]);
    expect(del.responses[0]!.errorCode).toBe(0);
    expect(created.errorCode).toBe(0);
    expect(b.broker.topic('race')).toMatchObject({ partitions: 2 });
    expect(b.broker.topic('race')!.topicId).not.toBe(oldId);
    const f = await c1.request(1, 11, fetchBody('race', 0, 0));
    expect(Number(f.responses[0]!.partitions[0]!.highWatermark)).toBe(0);
    expect((await produce(c1, 'race', 1, makeBatch([{ value: 'new' }]))).errorCode).toBe(0);
  });

  it('ApiVersions v3 with an invalid client software name answers INVALID_REQUEST', async () => {
    const b = await broker();
    const c = await client(b);
    const res = await c.request(18, 3, { clientSoftwareName: 'bad name!', clientSoftwareVersion: '1' });
    expect(res.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await c.request(18, 3, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' })).errorCode).toBe(0);
  });

  it('topics, ids, configs and data survive a restart on the same data dir', async () => {
    const first = await broker();
    const c = await client(first);
    await createTopic(c, 'keep', 2, [{ name: 'segment.bytes', value: '100000' }]);
    await produce(c, 'keep', 1, makeBatch([{ value: 'v1' }, { value: 'v2' }]));
    const id = first.broker.topic('keep')?.topicId;
    c.close();
    await first.broker.close();
    const second = await broker({ dataDir: first.dataDir });
    try {
      expect(second.broker.topic('keep')).toMatchObject({ topicId: id, partitions: 2, configs: { 'segment.bytes': '100000' } });
      const c2 = await client(second);
      const f = await c2.request(1, 11, fetchBody('keep', 1, 0));
      expect(batchOffsets(f.responses[0]!.partitions[0]!.records)).toEqual([{ baseOffset: 0, count: 2 }]);
    } finally {
      await second.broker.close();
    }
  });
});

describe('Broker lifecycle', () => {
  it('startTestBroker serves on an ephemeral 127.0.0.1 port and stop() removes its temp dir', async () => {
    const { existsSync } = await import('node:fs');
    const tb = await startTestBroker();
    expect(tb.bootstrap).toBe(`127.0.0.1:${tb.port}`);
    expect(tb.port).toBeGreaterThan(0);
    expect(tb.broker.options.group.initialRebalanceDelayMs).toBe(0);
    expect(existsSync(tb.dataDir)).toBe(true);
    await tb.stop();
    await tb.stop();
    expect(existsSync(tb.dataDir)).toBe(false);
  });

  it('rejects invalid options naming the field', async () => {
    const { Broker } = await import('../../src/broker/broker.ts');
    await expect(Broker.start({ dataDir: '/tmp/unused', port: -5 })).rejects.toThrow(/broker option port/);
  });

  it('a second broker on a taken port fails with EADDRINUSE; the first keeps serving', async () => {
    const first = await broker();
    await expect(startTestBroker({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const c = await client(first);
    expect((await c.request(18, 2, {})).errorCode).toBe(0);
  });

  it('close() ends parked fetches, closes connections and writes the clean-shutdown marker', async () => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const b = await broker();
    const c = await client(b);
    await createTopic(c, 'bye');
    await produce(c, 'bye', 0, makeBatch([{ value: 'v' }]));
    const parked = c.request(1, 11, fetchBody('bye', 0, 1, { maxWaitMs: 600_000 }), 600_000).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 30));
    await b.broker.close();
    expect(await parked).toBeInstanceOf(Error); // the connection closed under the parked fetch
    expect(c.closed).toBe(true);
    expect(existsSync(join(b.dataDir, 'bye-0', '.clean-shutdown'))).toBe(true);
    expect(b.broker.clock.pendingTimers).toBe(0);
  });
});

describe('start-up sweep', () => {
  it('removes partition directories of unregistered topics, but never foreign directories', async () => {
    const { mkdirSync, writeFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const first = await broker();
    const c = await client(first);
    await createTopic(c, 'kept');
    await produce(c, 'kept', 0, makeBatch([{ value: 'v' }]));
    c.close();
    await first.broker.close();
    // An orphan left by an unfinished create (it has the log's checkpoint), and a foreign directory.
    mkdirSync(join(first.dataDir, 'orphan-0'));
    writeFileSync(join(first.dataDir, 'orphan-0', 'partition.checkpoint'), '');
    mkdirSync(join(first.dataDir, 'photos-2024'));
    writeFileSync(join(first.dataDir, 'photos-2024', 'cat.jpg'), 'meow');
    const second = await broker({ dataDir: first.dataDir });
    await second.broker.close();
    expect(existsSync(join(first.dataDir, 'orphan-0'))).toBe(false);
    expect(existsSync(join(first.dataDir, 'photos-2024', 'cat.jpg'))).toBe(true);
    expect(existsSync(join(first.dataDir, 'kept-0'))).toBe(true);
  });
});
