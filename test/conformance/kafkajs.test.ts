/*
 * kafkajs 2.2.4 against a live bundled broker: admin createTopics (3 partitions) and
 * fetchTopicOffsets, and a producer sending 10k keyed messages with acks -1 whose keys land on
 * the partitions Java's murmur2 partitioner chooses (computed with the project's murmur2 and
 * compared with where kcat finds each record).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../src/util/murmur2.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { kcatConsumeAll } from './helpers/clients.ts';
import { kafkajs, range } from './helpers/setup.ts';

describe('kafkajs against the bundled broker', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it('admin creates a 3-partition topic and reads its offsets', async () => {
    const admin = kafkajs(broker.bootstrap).admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'js-admin', numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      // Creating it again is refused (createTopics resolves false on TOPIC_ALREADY_EXISTS).
      expect(await admin.createTopics({ topics: [{ topic: 'js-admin', numPartitions: 3 }] })).toBe(false);
      expect(await admin.listTopics()).toContain('js-admin');
      const offsets = await admin.fetchTopicOffsets('js-admin');
      expect(offsets.map((o) => [o.partition, o.low, o.high]).sort()).toEqual([
        [0, '0', '0'],
        [1, '0', '0'],
        [2, '0', '0'],
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('sends 10k keyed messages with acks -1; each key lands on its murmur2 partition', async () => {
    const topic = 'js-keyed';
    const count = 10_000;
    const kafka = kafkajs(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const keyOf = (i: number): string => `user-${i % 997}`;
    for (let start = 0; start < count; start += 1000) {
      await producer.send({
        topic,
        acks: -1,
        messages: range(1000).map((j) => ({ key: keyOf(start + j), value: `value-${start + j}` })),
      });
    }
    await producer.disconnect();

    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(count);

    const msgs = await kcatConsumeAll(broker.bootstrap, topic);
    expect(msgs).toHaveLength(count);
    // Every value arrived once, with the key it was sent with.
    const seqs = msgs.map((m) => Number(m.payload!.slice('value-'.length)));
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(count));
    let mismatches = 0;
    for (const [i, m] of msgs.entries()) {
      expect(m.key).toBe(keyOf(seqs[i]!));
      if (m.partition !== partitionForKey(Buffer.from(m.key!), 3)) mismatches++;
    }
    expect(mismatches).toBe(0);
    // All three partitions are used, so the check above compared real choices.
    expect(new Set(msgs.map((m) => m.partition)).size).toBe(3);
  });
});
