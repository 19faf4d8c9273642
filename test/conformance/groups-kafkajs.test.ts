/*
 * kafkajs 2.2.4 (JoinGroup v5 with MEMBER_ID_REQUIRED, SyncGroup v3, Heartbeat v3, OffsetCommit v5,
 * OffsetFetch v4, LeaveGroup v3, DescribeGroups v2, ListGroups v2, DeleteGroups v1) against the
 * bundled broker: a group of two consumers where the second joins mid-stream receives every
 * message (duplicates only around the rebalance, counted and bounded), and the admin client
 * describes and lists the group.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';

const TOTAL = 2000;

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kafkajs consumer group', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('a second member joining mid-stream takes over partitions; every message arrives', async () => {
    const kafka = new Kafka({ clientId: 'kjs', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kjs-stream', numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();

    const seen = new Map<string, number>();
    const perMember: number[] = [0, 0];
    const consumers: Consumer[] = [];
    const start = async (i: number) => {
      const c = kafka.consumer({ groupId: 'kjs-group', sessionTimeout: 6000, rebalanceTimeout: 10000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
      await c.connect();
      await c.subscribe({ topic: 'kjs-stream', fromBeginning: true });
      await c.run({
        eachMessage: async ({ message }) => {
          const v = message.value!.toString();
          seen.set(v, (seen.get(v) ?? 0) + 1);
          perMember[i]! += 1;
        },
      });
      consumers.push(c);
    };
    try {
      await start(0);
      let sent = 0;
      const send = async (n: number) => {
        const messages = Array.from({ length: n }, (_, k) => ({ key: `k${sent + k}`, value: `v${sent + k}` }));
        sent += n;
        await producer.send({ topic: 'kjs-stream', messages });
      };
      for (let i = 0; i < 10; i++) await send(100);
      await until(() => seen.size >= 500, 30_000, 'the first member to consume');
      await start(1);
      for (let i = 0; i < 10; i++) {
        await send(100);
        await new Promise((r) => setTimeout(r, 50));
      }
      await until(() => seen.size === TOTAL, 60_000, `all ${TOTAL} messages (have ${seen.size})`);
      await until(() => perMember[1]! > 0, 30_000, 'the second member to receive messages');
      const duplicates = [...seen.values()].reduce((a, n) => a + n - 1, 0);
      // Re-deliveries can only come from uncommitted messages at the rebalance: far fewer than all.
      expect(duplicates).toBeLessThan(TOTAL / 2);
      expect(perMember[0]! + perMember[1]!).toBe(TOTAL + duplicates);

      const described = await admin.describeGroups(['kjs-group']);
      const g = described.groups[0]!;
      expect(g.state).toBe('Stable');
      expect(g.protocol).toBe('RoundRobinAssigner');
      expect(g.members).toHaveLength(2);
      const listed = await admin.listGroups();
      expect(listed.groups).toContainEqual({ groupId: 'kjs-group', protocolType: 'consumer' });
    } finally {
      for (const c of consumers) await c.disconnect();
      await producer.disconnect();
    }
    // Both members left: the group is Empty and can be deleted; its offsets go with it.
    const offsetsBefore = await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs-stream'] });
    expect(offsetsBefore[0]!.partitions.map((p) => Number(p.offset)).reduce((a, b) => a + b, 0)).toBe(TOTAL);
    await admin.deleteGroups(['kjs-group']);
    expect((await admin.listGroups()).groups.map((x) => x.groupId)).not.toContain('kjs-group');
    await admin.disconnect();
  }, 120_000);
});
