// Retention through the broker: with tiny segments and a short retention check interval, old
// segments are deleted by time (retention.ms) and by size (retention.bytes), ListOffsets earliest
// moves forward, fetching below it is OFFSET_OUT_OF_RANGE, and the newest data stays readable.
import { describe, it, expect, afterEach } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { RawClient, batchOffsets, makeBatch } from '../broker/raw-client.ts';

let tb: TestBroker | undefined;
let client: RawClient | undefined;
afterEach(async () => {
  client?.close();
  await tb?.stop();
});

async function setup(topic: string, configs: Record<string, string>): Promise<RawClient> {
  tb = await startTestBroker({ retentionCheckIntervalMs: 20 });
  client = await RawClient.connect(tb.port);
  const res = await client.request(19, 3, {
    topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([name, value]) => ({ name, value })) }],
    timeoutMs: 1000,
  });
  expect(res.topics[0]!.errorCode).toBe(0);
  return client;
}

async function produce(c: RawClient, topic: string, value: string, timestamp: number): Promise<number> {
  const res = await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: makeBatch([{ value }], timestamp) }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  expect(p.errorCode).toBe(0);
  return Number(p.baseOffset);
}

async function earliest(c: RawClient, topic: string): Promise<number> {
  const res = await c.request(2, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
  return Number(res.topics[0]!.partitions[0]!.offset);
}

async function fetchFrom(c: RawClient, topic: string, offset: number) {
  const res = await c.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0]!.partitions[0]!;
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

describe('retention', () => {
  it('deletes segments older than retention.ms and moves the log start', async () => {
    const c = await setup('by-time', { 'segment.bytes': '150', 'retention.ms': '60000' });
    const hourAgo = Date.now() - 3_600_000;
    for (let i = 0; i < 4; i++) await produce(c, 'by-time', `old-${i}-${'o'.repeat(40)}`, hourAgo);
    const fresh = await produce(c, 'by-time', `fresh-${'f'.repeat(40)}`, Date.now());
    await produce(c, 'by-time', `fresh2-${'f'.repeat(40)}`, Date.now());
    await eventually(async () => (await earliest(c, 'by-time')) === fresh);
    expect((await fetchFrom(c, 'by-time', 0)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const p = await fetchFrom(c, 'by-time', fresh);
    expect(p.errorCode).toBe(0);
    expect(Number(p.logStartOffset)).toBe(fresh);
    expect(batchOffsets(p.records).map((b) => b.baseOffset)).toEqual([fresh, fresh + 1]);
  });

  it('deletes the oldest segments beyond retention.bytes, never the active one', async () => {
    const c = await setup('by-size', { 'segment.bytes': '150', 'retention.bytes': '300', 'retention.ms': '-1' });
    for (let i = 0; i < 10; i++) await produce(c, 'by-size', `v-${i}-${'s'.repeat(40)}`, Date.now());
    await eventually(async () => (await earliest(c, 'by-size')) > 0);
    const log = tb!.broker.partitions.get('by-size', 0)!;
    await eventually(async () => log.sizeInBytes <= 300 + 150);
    const start = await earliest(c, 'by-size');
    expect(start).toBeGreaterThan(0);
    expect(log.logEndOffset).toBe(10);
    const p = await fetchFrom(c, 'by-size', start);
    const offsets = batchOffsets(p.records).map((b) => b.baseOffset);
    expect(offsets[0]).toBe(start);
    expect(offsets.at(-1)).toBe(9);
    expect((await fetchFrom(c, 'by-size', start - 1)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });
});
