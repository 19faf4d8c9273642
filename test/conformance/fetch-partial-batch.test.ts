/*
 * Fetch responses that end inside a batch, as Kafka's do: the broker fills each partition's byte
 * budget with the first bytes of the batch that does not fit (src/broker/log/segment-reader.ts,
 * step 3b), and every client must drop that partial batch and fetch it again from its first
 * offset. Each real client reads a topic of 5-record batches (~5.2 KB each) with a per-partition
 * budget of 7,000 bytes, so every response holds one whole batch and a partial one; each must
 * deliver every record exactly once, in offset order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { RawClient, batchOffsets } from '../broker/raw-client.ts';
import { kcatConsumeAll, python } from './helpers/clients.ts';
import { createTopic, kafkajs, range } from './helpers/setup.ts';

const TOPIC = 'partial-tail';
const BATCHES = 24;
const PER_BATCH = 5;
const COUNT = BATCHES * PER_BATCH;
const BUDGET = 7000;
const value = (i: number): string => `v${i}-`.padEnd(1000, 'x');

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
  await createTopic(tb.bootstrap, TOPIC, 1);
  const producer = kafkajs(tb.bootstrap, 'partial-producer').producer();
  await producer.connect();
  try {
    // One send per batch: kafkajs writes each send's messages as one record batch.
    for (let b = 0; b < BATCHES; b++) {
      const messages = range(PER_BATCH).map((j) => ({ key: `k${b * PER_BATCH + j}`, value: value(b * PER_BATCH + j), partition: 0 }));
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
});
afterAll(async () => {
  await tb.stop();
});

const expectedOffsets = range(COUNT);
const expectedValues = range(COUNT).map(value);

describe('Fetch responses ending in a partial batch', () => {
  it('the broker answers a 7,000-byte budget with one whole batch and the start of the next', async () => {
    const c = await RawClient.connect(tb.port);
    try {
      const res = await c.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: BUDGET }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const records = res.responses[0]!.partitions[0]!.records as Buffer;
      expect(records.length).toBe(BUDGET);
      expect(batchOffsets(records)).toEqual([{ baseOffset: 0, count: PER_BATCH }]);
    } finally {
      c.close();
    }
  });

  it('kcat (librdkafka) reads every record once, in order', async () => {
    const got = await kcatConsumeAll(tb.bootstrap, TOPIC, ['-X', `fetch.message.max.bytes=${BUDGET}`]);
    expect(got.map((m) => m.offset)).toEqual(expectedOffsets);
    expect(got.map((m) => m.payload)).toEqual(expectedValues);
  });

  it('confluent-kafka (Python) reads every record once, in order', async () => {
    const [done] = await python<{ offsets: number[]; values: string[] }>('confluent_read_all.py', [tb.bootstrap, TOPIC, String(BUDGET)]);
    expect(done!.offsets).toEqual(expectedOffsets);
    expect(done!.values).toEqual(expectedValues);
  });

  it('kafka-python reads every record once', async () => {
    const [done] = await python<{ received: number; end: number }>('kafka_python_read_all.py', [tb.bootstrap, TOPIC, String(BUDGET)]);
    expect(done).toEqual({ type: 'done', received: COUNT, end: COUNT });
  });

  it('kafkajs reads every record once, in order', async () => {
    const consumer = kafkajs(tb.bootstrap, 'partial-consumer').consumer({ groupId: 'partial-kjs', maxBytesPerPartition: BUDGET, maxWaitTimeInMs: 100 });
    const got: { offset: number; value: string }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
      let resolve!: () => void;
      const all = new Promise<void>((r) => (resolve = r));
      await consumer.run({
        eachMessage: async ({ message }) => {
          got.push({ offset: Number(message.offset), value: message.value!.toString() });
          if (got.length === COUNT) resolve();
        },
      });
      await all;
    } finally {
      await consumer.disconnect();
    }
    expect(got.map((m) => m.offset)).toEqual(expectedOffsets);
    expect(got.map((m) => m.value)).toEqual(expectedValues);
  });
});
