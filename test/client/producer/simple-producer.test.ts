/*
 * WireProducer against the bundled broker: Java-compatible key partitioning, explicit and
 * keyless partitions, acks 0/1/-1, batches split by size with order and offsets kept, and the
 * errors for a partition that does not exist or a topic that cannot be created.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTopics, describeTopic } from '../../../src/client/admin.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { PartitionConsumer, type ConsumedRecord } from '../../../src/client/consumer/partition-consumer.ts';
import { WireProducer } from '../../../src/client/producer/batch-encoder.ts';
import { KafkaClientError, KafkaResponseError } from '../../../src/client/errors.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { partitionForKey } from '../../../src/util/murmur2.ts';

async function readAll(cluster: WireCluster, topic: string, expected: number): Promise<ConsumedRecord[]> {
  const consumer = new PartitionConsumer(cluster, { maxWaitMs: 50 });
  await consumer.assign(topic, 'earliest');
  const got: ConsumedRecord[] = [];
  for (let i = 0; i < 100 && got.length < expected; i++) got.push(...(await consumer.poll()));
  return got;
}

describe('WireProducer', () => {
  let broker: TestBroker;
  let cluster: WireCluster;
  beforeEach(async () => {
    broker = await startTestBroker();
    cluster = new WireCluster({ bootstrap: broker.bootstrap });
  });
  afterEach(async () => {
    cluster.close();
    await broker.stop();
  });

  it('puts each keyed record on murmur2(key) % partitions and reports its offset', async () => {
    await createTopics(cluster, [{ name: 'keyed', numPartitions: 5, replicationFactor: 1 }]);
    const producer = new WireProducer(cluster);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 30 }), async (keys) => {
        const acks = await producer.send('keyed', keys.map((k) => ({ key: k, value: 'x' })));
        keys.forEach((k, i) => expect(acks[i]!.partition).toBe(partitionForKey(Buffer.from(k), 5)));
        // Offsets within a partition are consecutive in input order.
        const last = new Map<number, bigint>();
        for (const a of acks) {
          const prev = last.get(a.partition);
          if (prev !== undefined) expect(a.offset).toBe(prev + 1n);
          last.set(a.partition, a.offset!);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('honours explicit partitions, sends a keyless call to one partition, and rotates between calls', async () => {
    await createTopics(cluster, [{ name: 'spread', numPartitions: 3, replicationFactor: 1 }]);
    const producer = new WireProducer(cluster);
    const fixed = await producer.send('spread', [{ value: 'a', partition: 2 }, { key: 'k', value: 'b', partition: 2 }]);
    expect(fixed.map((a) => a.partition)).toEqual([2, 2]);
    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await producer.send('spread', [{ value: `n${i}` }, { value: `m${i}` }]));
    for (const acks of calls) expect(new Set(acks.map((a) => a.partition)).size).toBe(1);
    expect(new Set(calls.map((acks) => acks[0]!.partition))).toEqual(new Set([0, 1, 2]));

    const bad = await producer.send('spread', [{ value: 'x', partition: 3 }]).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(KafkaClientError);
    expect((bad as Error).message).toContain('partitions 0-2');
  });

  it('splits large sends into batches and keeps order and offsets', async () => {
    await createTopics(cluster, [{ name: 'big', numPartitions: 1, replicationFactor: 1 }]);
    const producer = new WireProducer(cluster, { maxBatchBytes: 4096 });
    const value = 'v'.repeat(300);
    const acks = await producer.send('big', Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `${i}:${value}` })));
    expect(acks.map((a) => a.offset)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
    const got = await readAll(cluster, 'big', 200);
    expect(got.map((r) => r.value!.toString().split(':')[0])).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  it('with acks=0 reports no offsets, and the records still arrive', async () => {
    await createTopics(cluster, [{ name: 'fire', numPartitions: 1, replicationFactor: 1 }]);
    const producer = new WireProducer(cluster, { acks: 0 });
    const acks = await producer.send('fire', [{ value: 'a' }, { value: 'b' }]);
    expect(acks).toEqual([
      { partition: 0, offset: null },
      { partition: 0, offset: null },
    ]);
    const got = await readAll(cluster, 'fire', 2);
    expect(got.map((r) => r.value!.toString())).toEqual(['a', 'b']);
  });

  it('auto-creates a missing topic when the broker allows it, and fails clearly when it does not', async () => {
    const producer = new WireProducer(cluster);
    await producer.send('fresh', [{ value: 'hello' }]);
    expect((await describeTopic(cluster, 'fresh')).offsets.get(0)).toEqual({ start: 0n, end: 1n });

    const strict = await startTestBroker({ autoCreateTopics: false });
    const strictCluster = new WireCluster({ bootstrap: strict.bootstrap });
    try {
      const err = await new WireProducer(strictCluster, { retries: 0 }).send('absent', [{ value: 'x' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaResponseError);
      expect((err as KafkaResponseError).code).toBe(3);
      expect((err as Error).message).toContain('"absent"');
    } finally {
      strictCluster.close();
      await strict.stop();
    }
  });
});
