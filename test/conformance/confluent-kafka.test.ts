/*
 * confluent-kafka-python 1.7.0 (librdkafka 2.0.2) against a live bundled broker: 5000 messages
 * produced with acks=all are all delivered, and all of them are in the log — checked by the
 * partitions' end offsets and by reading every record back with kcat.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { kcatConsumeAll, python } from './helpers/clients.ts';
import { createTopic, kafkajs, range } from './helpers/setup.ts';

interface Row {
  type: 'partition' | 'done';
  partition?: number;
  delivered: number;
  maxOffset?: number;
  errors?: string[];
}

describe('confluent-kafka-python against the bundled broker', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it('produces 5000 messages, all delivered and all in the log', async () => {
    const topic = 'ck-produce';
    const count = 5000;
    await createTopic(broker.bootstrap, topic, 2);
    const rows = await python<Row>('confluent_produce.py', [broker.bootstrap, topic, String(count), 'all']);
    const done = rows.find((r) => r.type === 'done');
    expect(done).toMatchObject({ delivered: count, errors: [] });

    // End offsets: each partition's log holds exactly what was delivered to it.
    const admin = kafkajs(broker.bootstrap).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    for (const p of rows.filter((r) => r.type === 'partition')) {
      const o = offsets.find((x) => x.partition === p.partition);
      expect(o?.high).toBe(String(p.delivered));
      expect(p.maxOffset).toBe(p.delivered - 1);
    }
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(count);

    // And every record is readable: each key once, with its value.
    const msgs = await kcatConsumeAll(broker.bootstrap, topic);
    expect(msgs.map((m) => m.key).sort()).toEqual(range(count).map((i) => `k${i}`).sort());
    for (const m of msgs) expect(m.payload).toBe(`v${m.key!.slice(1)}`);
  });
});
