// Golden bytes captured from real clients by capture.ts (kafkajs 2.2.4, librdkafka 2.0.2 via kcat,
// kafka-python 2.0.2). Each fixture must decode to the fields the client sent and re-encode to
// the identical frame.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeRequest, encodeRequest } from '../../../src/protocol/frames.ts';
import type { DecodedRequest } from '../../../src/protocol/frames.ts';
import { decodeRecords, iterateBatches } from '../../../src/protocol/records/record-batch.ts';
import { hasValidCrc } from '../../../src/protocol/records/batch-header.ts';
import { decodeAssignment, decodeSubscription } from '../../../src/protocol/messages/consumer-protocol.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = readdirSync(HERE).filter((f) => f.endsWith('.hex')).sort();

function load(name: string): { whole: Buffer; req: DecodedRequest } {
  const whole = Buffer.from(readFileSync(join(HERE, name), 'utf8').trim(), 'hex');
  expect(whole.readInt32BE(0)).toBe(whole.length - 4);
  return { whole, req: decodeRequest(whole.subarray(4)) };
}

const CLIENT_IDS: Record<string, string> = {
  kafkajs: 'golden-kafkajs',
  kcat: 'golden-kcat',
  'kafka-python': 'golden-kafka-python',
};

describe('golden request frames from real clients', () => {
  it('has the fixtures the brief requires', () => {
    for (const f of [
      'kafkajs-api-versions-v2.hex', 'kafkajs-metadata-v6.hex', 'kafkajs-produce-v7.hex',
      'kcat-api-versions-v3.hex', 'kcat-metadata-v4.hex', 'kcat-produce-v7.hex',
      'kafka-python-api-versions-v0.hex', 'kafka-python-metadata-v0.hex', 'kafka-python-metadata-v1.hex',
      'kafka-python-produce-v7.hex',
      'kafkajs-consumer-join-group-v5.hex', 'kcat-consumer-join-group-v5.hex', 'kafka-python-consumer-join-group-v2.hex',
      'kafkajs-consumer-fetch-v11.hex', 'kcat-consumer-fetch-v11.hex', 'kafka-python-consumer-fetch-v4.hex',
    ]) {
      expect(FIXTURES).toContain(f);
    }
  });

  for (const name of FIXTURES) {
    it(`${name}: decodes and re-encodes to identical bytes`, () => {
      const { whole, req } = load(name);
      const [, version] = /-v(\d+)\.hex$/.exec(name)!;
      expect(req.apiVersion).toBe(Number(version));
      const expectedId = name.startsWith('kafka-python') ? CLIENT_IDS['kafka-python'] : name.startsWith('kafkajs') ? CLIENT_IDS.kafkajs : CLIENT_IDS.kcat;
      expect(req.header.clientId).toBe(expectedId);
      const again = encodeRequest(
        { apiKey: req.apiKey, apiVersion: req.apiVersion, correlationId: req.header.correlationId, clientId: req.header.clientId },
        req.body as never,
      );
      expect(again.toString('hex')).toBe(whole.toString('hex'));
    });
  }
});

describe('meaningful fields', () => {
  it('librdkafka ApiVersions v3 is flexible and names the client software', () => {
    const { req } = load('kcat-api-versions-v3.hex');
    if (req.apiKey !== 18) throw new Error('expected ApiVersions');
    expect(req.body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  it('kafkajs ApiVersions v2 and kafka-python v0 have empty bodies', () => {
    for (const f of ['kafkajs-api-versions-v2.hex', 'kafka-python-api-versions-v0.hex']) {
      const { req } = load(f);
      if (req.apiKey !== 18) throw new Error('expected ApiVersions');
      expect(req.body).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
    }
  });

  it('Metadata requests name the topic (or all topics) as each client does', () => {
    const topicsOf = (f: string) => {
      const { req } = load(f);
      if (req.apiKey !== 3) throw new Error('expected Metadata');
      return { topics: req.body.topics?.map((t) => t.name) ?? null, auto: req.body.allowAutoTopicCreation };
    };
    expect(topicsOf('kafkajs-metadata-v6.hex')).toEqual({ topics: ['golden'], auto: false });
    expect(topicsOf('kcat-metadata-v4.hex')).toEqual({ topics: ['golden'], auto: true });
    // kafka-python: v0 sentinel with an empty list (= all topics in v0), then v1 with null (= all).
    expect(topicsOf('kafka-python-metadata-v0.hex').topics).toEqual([]);
    expect(topicsOf('kafka-python-metadata-v1.hex').topics).toBeNull();
  });

  const produceCases: Array<[string, number, string[], number]> = [
    ['kafkajs-produce-v7.hex', 1, ['value-1', 'value-2'], -1],
    ['kcat-produce-v7.hex', 0, ['value-1', 'value-2'], -1],
    ['kafka-python-produce-v7.hex', 0, ['value-1', 'value-2'], 1],
    ['kcat-snappy-produce-v7.hex', 2, [`value-1-${'x'.repeat(300)}`, `value-2-${'y'.repeat(300)}`], -1],
    ['kcat-lz4-produce-v7.hex', 3, [`value-1-${'x'.repeat(300)}`, `value-2-${'y'.repeat(300)}`], -1],
    ['kcat-zstd-produce-v7.hex', 4, [`value-1-${'x'.repeat(300)}`, `value-2-${'y'.repeat(300)}`], -1],
  ];
  for (const [file, codec, values, acks] of produceCases) {
    it(`${file}: one valid-CRC batch (codec ${codec}) with the produced keys and values`, () => {
      const { req } = load(file);
      if (req.apiKey !== 0) throw new Error('expected Produce');
      expect(req.body.acks).toBe(acks);
      expect(req.body.transactionalId).toBeNull();
      expect(req.body.topicData.map((t) => t.name)).toEqual(['golden']);
      const records = req.body.topicData[0]!.partitionData[0]!.records!;
      const batches = [...iterateBatches(records)];
      expect(batches).toHaveLength(1);
      expect(hasValidCrc(batches[0]!.bytes)).toBe(true);
      expect(batches[0]!.header.baseOffset).toBe(0);
      const [decoded] = decodeRecords(records);
      expect(decoded!.compression).toBe(codec);
      expect(decoded!.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([
        [0, 'key-1', values[0]],
        [1, 'key-2', values[1]],
      ]);
    });
  }

  it('kafkajs sends record headers', () => {
    const { req } = load('kafkajs-produce-v7.hex');
    if (req.apiKey !== 0) throw new Error('expected Produce');
    const [decoded] = decodeRecords(req.body.topicData[0]!.partitionData[0]!.records);
    expect(decoded!.records[0]!.headers).toEqual([{ key: 'trace', value: Buffer.from('abc') }]);
  });
});

describe('consumer-group flows (one member, two records at offsets 0-1)', () => {
  const golden0 = [{ topic: 'golden', partitions: [0] }];
  type Flow = { client: string; join: string; sync: string; fetch: string; commit: string; protocols: string[]; isolation: number; firstAssignment: unknown };
  const flows: Flow[] = [
    { client: 'kafkajs', join: 'join-group-v5', sync: 'sync-group-v3', fetch: 'fetch-v11', commit: 'offset-commit-v5', protocols: ['RoundRobinAssigner'], isolation: 1, firstAssignment: golden0 },
    { client: 'kcat', join: 'join-group-v5', sync: 'sync-group-v3', fetch: 'fetch-v11', commit: 'offset-commit-v7', protocols: ['range', 'roundrobin'], isolation: 1, firstAssignment: golden0 },
    // kafka-python led its first generation before its metadata knew the topic: it assigned
    // nothing (encoded as version 0, no topics, EMPTY user data), then rejoined.
    { client: 'kafka-python', join: 'join-group-v2', sync: 'sync-group-v1', fetch: 'fetch-v4', commit: 'offset-commit-v2', protocols: ['range', 'roundrobin'], isolation: 0, firstAssignment: [] },
  ];
  for (const f of flows) {
    it(`${f.client}: JoinGroup subscribes to golden, SyncGroup assigns golden-0, Fetch from 0, commit offset 2`, () => {
      const join = load(`${f.client}-consumer-${f.join}.hex`).req;
      if (join.apiKey !== 11) throw new Error('expected JoinGroup');
      expect(join.body.groupId).toBe('golden-group');
      expect(join.body.memberId).toBe('');
      expect(join.body.protocolType).toBe('consumer');
      expect(join.body.protocols.map((p) => p.name)).toEqual(f.protocols);
      for (const p of join.body.protocols) expect(decodeSubscription(p.metadata).value.topics).toEqual(['golden']);

      const sync = load(`${f.client}-consumer-${f.sync}.hex`).req;
      if (sync.apiKey !== 14) throw new Error('expected SyncGroup');
      expect(sync.body.generationId).toBe(1);
      expect(sync.body.assignments).toHaveLength(1);
      expect(sync.body.assignments[0]!.memberId).toBe(sync.body.memberId);
      expect(decodeAssignment(sync.body.assignments[0]!.assignment).value.assignedPartitions).toEqual(f.firstAssignment);

      const fetch = load(`${f.client}-consumer-${f.fetch}.hex`).req;
      if (fetch.apiKey !== 1) throw new Error('expected Fetch');
      expect(fetch.body.isolationLevel).toBe(f.isolation);
      expect(fetch.body.topics.map((t) => [t.topic, t.partitions.map((p) => [p.partition, p.fetchOffset])])).toEqual([['golden', [[0, 0n]]]]);

      const commit = load(`${f.client}-consumer-${f.commit}.hex`).req;
      if (commit.apiKey !== 8) throw new Error('expected OffsetCommit');
      expect(commit.body.generationIdOrMemberEpoch).toBe(1);
      expect(commit.body.memberId).toBe(sync.body.memberId);
      expect(commit.body.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])])).toEqual([['golden', [[0, 2n]]]]);
    });
  }
});
