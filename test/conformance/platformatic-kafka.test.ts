/*
 * @platformatic/kafka 1.x against a live bundled broker. This client speaks only the flexible
 * Kafka 3.5+ protocol (Metadata 9–12 with topic ids, Produce 9–11,
 * CreateTopics 7, …), so it checks that the broker serves those versions: admin createTopics and
 * listTopics, then 1000 keyed messages produced with acks -1, all found in the log by kcat with
 * their keys, at dense offsets per partition. (Group consumption with this client belongs to the group
 * conformance suite.)
 */
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { kcatConsumeAll } from './helpers/clients.ts';
import { range } from './helpers/setup.ts';

describe('@platformatic/kafka against the bundled broker', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it('creates and lists topics, produces 1000 keyed messages, and they are all in the log', async () => {
    const topic = 'plat-keyed';
    const admin = new Admin({ clientId: 'conformance', bootstrapBrokers: [broker.bootstrap] });
    try {
      const created = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
      expect(created.map((t) => [t.name, t.partitions])).toEqual([[topic, 3]]);
      // Flexible Metadata/CreateTopics carry topic ids: a real one, not the zero uuid.
      expect(created[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created[0]!.id).not.toBe('00000000-0000-0000-0000-000000000000');
      expect(await admin.listTopics()).toContain(topic);
    } finally {
      await admin.close();
    }

    const producer = new Producer({ clientId: 'conformance', bootstrapBrokers: [broker.bootstrap], serializers: stringSerializers });
    try {
      for (let start = 0; start < 1000; start += 100) {
        const result = await producer.send({
          acks: ProduceAcks.ALL,
          messages: range(100).map((j) => ({ topic, key: `k${(start + j) % 41}`, value: `v${start + j}` })),
        });
        expect(result.offsets?.length).toBeGreaterThan(0);
      }
    } finally {
      await producer.close();
    }

    const msgs = await kcatConsumeAll(broker.bootstrap, topic);
    expect(msgs).toHaveLength(1000);
    expect(msgs.map((m) => Number(m.payload!.slice(1))).sort((a, b) => a - b)).toEqual(range(1000));
    for (const m of msgs) expect(m.key).toBe(`k${Number(m.payload!.slice(1)) % 41}`);
    // Records spread over partitions, and each partition's records are dense from offset 0.
    const perPartition = new Map<number, number>();
    for (const m of msgs) perPartition.set(m.partition, (perPartition.get(m.partition) ?? 0) + 1);
    expect(perPartition.size).toBeGreaterThan(1);
    for (const [p, count] of perPartition) {
      expect(msgs.filter((m) => m.partition === p).map((m) => m.offset)).toEqual(range(count));
    }
  });
});
