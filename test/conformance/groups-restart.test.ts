/*
 * Committed offsets survive a broker restart: a kafkajs group commits part of a topic, the
 * broker is closed and started again on the same data directory (offsets reload from
 * __consumer_offsets), and the group resumes exactly from its committed offsets: nothing lost,
 * nothing committed read again.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../src/testing/broker-harness.ts';
import { GROUPS } from '../../src/broker/coordinator/service.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function consumeFrom(bootstrap: string, stopAfter: number | null, total: number) {
  const kafka = new Kafka({ clientId: 'restart', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: 'restart-group', sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
  const got: { partition: number; offset: number; value: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'restart-topic', fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (stopAfter !== null && got.length >= stopAfter) return;
      got.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
      await consumer.commitOffsets([{ topic: 'restart-topic', partition, offset: String(Number(message.offset) + 1) }]);
      if (got.length === (stopAfter ?? total)) resolveDone();
    },
  });
  const timer = setTimeout(resolveDone, 30_000);
  await done;
  clearTimeout(timer);
  await consumer.disconnect();
  return got;
}

describe('group offsets across a broker restart', () => {
  it('resumes from the committed offsets on the same data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-restart-'));
    dirs.push(dataDir);
    let tb = await startTestBroker({ dataDir, defaultPartitions: 2 });
    const kafka = new Kafka({ clientId: 'restart-producer', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'restart-topic', messages: Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();

    const first = await consumeFrom(tb.bootstrap, 400, 1000);
    expect(first).toHaveLength(400);
    const committedBefore = tb.broker.service(GROUPS).offsets.groupOffsets('restart-group').map((o) => [o.partition, o.committed.offset]);
    const generationBefore = tb.broker.service(GROUPS).coordinator.group('restart-group')!.generationId;
    await tb.stop();

    tb = await startTestBroker({ dataDir, defaultPartitions: 2 });
    try {
      const groups = tb.broker.service(GROUPS);
      await groups.whenLoaded();
      expect(groups.offsets.groupOffsets('restart-group').map((o) => [o.partition, o.committed.offset])).toEqual(committedBefore);
      const g = groups.coordinator.group('restart-group')!;
      expect(g.state).toBe('Empty');
      expect(g.generationId).toBe(generationBefore);

      const second = await consumeFrom(tb.bootstrap, null, 600);
      expect(second).toHaveLength(600);
      const values = new Set([...first, ...second].map((m) => m.value));
      expect(values.size).toBe(1000);
      const firstIds = new Set(first.map((m) => `${m.partition}:${m.offset}`));
      expect(second.filter((m) => firstIds.has(`${m.partition}:${m.offset}`))).toEqual([]);
    } finally {
      await tb.stop();
    }
  }, 120_000);
});
