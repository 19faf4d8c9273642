/*
 * @platformatic/kafka 1.x in a classic consumer group against the bundled broker (FindCoordinator
 * v5, JoinGroup v9 with MEMBER_ID_REQUIRED, SyncGroup v5, Heartbeat v4, OffsetCommit v9,
 * OffsetFetch v9, LeaveGroup v5, DescribeGroups v5, ListGroups v5, DeleteGroups v2, plus the
 * flexible Metadata v12 / Produce v11 / Fetch v16 / ListOffsets v8 it needs to get there):
 * and InitProducerId v5 for its idempotent producer):
 *   1. a group of two consumers, the second joining mid-stream, receives every one of 1000
 *      messages (re-deliveries only around the rebalance, counted and bounded); the committed
 *      offsets add up to 1000; the admin client describes, lists and deletes the group, then
 *      deletes the topic (DeleteTopics v6).
 *   2. a one-member group reads back 1000 messages from an idempotent producer with their keys,
 *      values and headers intact, each once, dense and in send order per partition; Metadata
 *      reports the topic id CreateTopics returned, and ListOffsets agrees with what was read.
 * (test/conformance/platformatic-kafka.test.ts covers producing with acks=all checked by kcat.)
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { groupBy, range } from './helpers/setup.ts';

const TOTAL = 1000;
const TOPIC = 'plt-group-stream';
const GROUP = 'plt-group';

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@platformatic/kafka consumer group', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('produces and consumes 1000 messages in a group of two', async () => {
    const bootstrapBrokers = [tb.bootstrap];
    const admin = new Admin({ clientId: 'plt-group-admin', bootstrapBrokers });
    const producer = new Producer({ clientId: 'plt-group-producer', bootstrapBrokers, serializers: stringSerializers });
    const consumers: Consumer<string, string, string, string>[] = [];
    const streams: MessagesStream<string, string, string, string>[] = [];
    const seen = new Map<string, number>();
    const perMember = [0, 0];

    const start = async (i: number): Promise<void> => {
      const consumer = new Consumer({
        groupId: GROUP,
        clientId: `plt-member-${i}`,
        bootstrapBrokers,
        deserializers: stringDeserializers,
      });
      consumers.push(consumer);
      const stream = await consumer.consume({
        topics: [TOPIC],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: 100,
        maxWaitTime: 200,
        sessionTimeout: 6000,
        rebalanceTimeout: 10000,
        heartbeatInterval: 300,
      });
      streams.push(stream);
      stream.on('data', (m) => {
        seen.set(m.value, (seen.get(m.value) ?? 0) + 1);
        perMember[i]! += 1;
      });
    };
    let sent = 0;
    const send = async (n: number): Promise<void> => {
      const messages = range(n).map((k) => ({ topic: TOPIC, key: `k${sent + k}`, value: `v${sent + k}` }));
      sent += n;
      await producer.send({ messages });
    };
    const committedTotal = async (): Promise<number> => {
      const [group] = await admin.listConsumerGroupOffsets({ groups: [GROUP] });
      return (group?.topics ?? []).flatMap((t) => t.partitions).reduce((a, p) => a + Math.max(0, Number(p.committedOffset)), 0);
    };

    try {
      await admin.createTopics({ topics: [TOPIC], partitions: 2, replicas: 1 });
      await start(0);
      for (let i = 0; i < 5; i++) await send(100);
      await until(() => seen.size >= 250, 30_000, `the first member to consume (has ${seen.size})`);
      await start(1);
      for (let i = 0; i < 5; i++) {
        await send(100);
        await new Promise((r) => setTimeout(r, 50));
      }
      await until(() => seen.size === TOTAL, 60_000, `all ${TOTAL} messages (have ${seen.size})`);
      await until(() => perMember[1]! > 0, 30_000, 'the second member to receive messages');
      expect([...seen.keys()].sort()).toEqual(range(TOTAL).map((n) => `v${n}`).sort());
      const duplicates = [...seen.values()].reduce((a, n) => a + n - 1, 0);
      // Re-deliveries can only come from offsets not yet committed at the rebalance.
      expect(duplicates).toBeLessThan(TOTAL / 2);
      expect(perMember[0]! + perMember[1]!).toBe(TOTAL + duplicates);

      const described = await admin.describeGroups({ groups: [GROUP] });
      const g = described.get(GROUP)!;
      expect(g.state).toBe('STABLE');
      expect(g.protocolType).toBe('consumer');
      expect(g.members.size).toBe(2);
      const listed = await admin.listGroups();
      expect([...listed.keys()]).toContain(GROUP);

      await until(async () => (await committedTotal()) === TOTAL, 30_000, 'the committed offsets to reach the end of both partitions');
    } finally {
      for (const s of streams) await s.close();
      for (const c of consumers) await c.close(true);
      await producer.close();
    }
    try {
      // Both members left: the group is empty and can be deleted; its offsets go with it.
      await until(async () => (await admin.describeGroups({ groups: [GROUP] })).get(GROUP)?.state === 'EMPTY', 15_000, 'the group to be empty');
      await admin.deleteGroups({ groups: [GROUP] });
      expect([...(await admin.listGroups()).keys()]).not.toContain(GROUP);
      expect(await committedTotal()).toBe(0);
      await admin.deleteTopics({ topics: [TOPIC] });
      expect(await admin.listTopics()).not.toContain(TOPIC);
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('one member reads back 1000 messages from an idempotent producer, keys, values and headers intact', async () => {
    const bootstrapBrokers = [tb.bootstrap];
    const topic = 'plt-readback';
    const admin = new Admin({ clientId: 'plt-readback-admin', bootstrapBrokers });
    const producer = new Producer({ clientId: 'plt-readback-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true });
    const consumer = new Consumer({ groupId: 'plt-readback', clientId: 'plt-readback-consumer', bootstrapBrokers, deserializers: stringDeserializers });
    try {
      const [created] = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
      const meta = await admin.metadata({ topics: [topic] });
      expect(meta.topics.get(topic)?.id).toBe(created!.id);
      for (let b = 0; b < 10; b++) {
        const messages = range(100).map((i) => {
          const n = b * 100 + i;
          return { topic, key: `k${n}`, value: `v${n}`, headers: new Map([['n', String(n)]]) };
        });
        await producer.send({ messages });
      }

      const received: Message<string, string, string, string>[] = [];
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200, sessionTimeout: 6000, heartbeatInterval: 500 });
      try {
        for await (const m of stream) {
          received.push(m);
          if (received.length === TOTAL) break;
        }
      } finally {
        await stream.close();
      }
      expect(received.map((m) => m.value).sort()).toEqual(range(TOTAL).map((n) => `v${n}`).sort());
      for (const m of received) {
        expect(m.key).toBe(`k${m.value.slice(1)}`);
        expect(m.headers.get('n')).toBe(m.value.slice(1));
      }
      const byPartition = groupBy(received, (m) => m.partition);
      expect([...byPartition.keys()].sort()).toEqual([0, 1, 2]);
      for (const msgs of byPartition.values()) {
        expect(msgs.map((m) => Number(m.offset))).toEqual(range(msgs.length));
        const ns = msgs.map((m) => Number(m.value.slice(1)));
        expect(ns).toEqual([...ns].sort((a, b) => a - b));
      }
      const listed = await admin.listOffsets({ topics: [{ name: topic, partitions: [0, 1, 2].map((p) => ({ partitionIndex: p, timestamp: -1n })) }] });
      expect(listed[0]!.partitions.map((p) => [p.partitionIndex, Number(p.offset)]).sort()).toEqual(
        [0, 1, 2].map((p) => [p, byPartition.get(p)!.length]),
      );
    } finally {
      await consumer.close(true);
      await producer.close();
      await admin.close();
    }
  }, 60_000);
});
