// Bounded response memory: clients that pipeline large fetches and never read their sockets are
// muted once their response queue is over budget, so the broker's queued response bytes stay
// bounded (instead of growing with every pipelined request), and a normal client keeps being
// served meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { encodeRequest } from '../../src/protocol/frames.ts';
import { RawClient, makeBatch } from './raw-client.ts';

const PER_CONNECTION = 64 * 1024;
const TOTAL = 512 * 1024;
const FETCH_BYTES = 1024 * 1024;
const FETCHERS = 10;
const PIPELINED = 40;

let tb: TestBroker;
const sockets: Socket[] = [];
beforeAll(async () => {
  tb = await startTestBroker({ maxQueuedResponseBytesPerConnection: PER_CONNECTION, maxQueuedResponseBytes: TOTAL });
  const c = await RawClient.connect(tb.port);
  // 4 MiB of data: every fetch below gets a full 1 MiB response.
  for (let i = 0; i < 64; i++) {
    const records = makeBatch(Array.from({ length: 16 }, (_, j) => ({ key: `k${j}`, value: Buffer.alloc(4096, i) })));
    await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'big', partitionData: [{ index: 0, records }] }] });
  }
  c.close();
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await tb.stop();
});

function fetchFrame(correlationId: number): Buffer {
  return encodeRequest(
    { apiKey: 1, apiVersion: 11, correlationId, clientId: 'hog' },
    {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: FETCH_BYTES, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'big', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: FETCH_BYTES }] }],
      forgottenTopicsData: [], rackId: '',
    },
  );
}

/** A client that sends `PIPELINED` fetches at once and never reads a byte of the answers. */
async function hog(): Promise<Socket> {
  const s = connect(tb.port, '127.0.0.1');
  sockets.push(s);
  s.on('error', () => undefined);
  await new Promise<void>((resolve) => s.once('connect', () => resolve()));
  s.pause();
  s.write(Buffer.concat(Array.from({ length: PIPELINED }, (_, i) => fetchFrame(i + 1))));
  return s;
}

describe('response memory budget', () => {
  it('keeps queued response bytes bounded under non-reading fetchers while a normal client is served', async () => {
    for (let i = 0; i < FETCHERS; i++) await hog();
    const samples: number[] = [];
    const sample = (): void => {
      samples.push(tb.broker.queuedResponseBytes);
    };
    const timer = setInterval(sample, 5);

    // A normal client produces and consumes meanwhile (and so do the hogs' requests, muted).
    const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'normal', messages: [{ key: 'a', value: 'still served' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'budget-test' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'normal', fromBeginning: true });
    const seen = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') });
    });
    await consumer.disconnect();
    clearInterval(timer);
    sample();
    expect(seen).toBe('still served');

    // Without muting every hog would queue PIPELINED × 1 MiB (400 MiB in all). With it, a hog
    // holds at most its limit plus one reply, and the broker at most the budget plus one reply
    // per connection.
    const oneReply = FETCH_BYTES + 64 * 1024;
    const bound = TOTAL + FETCHERS * (PER_CONNECTION + oneReply);
    expect(Math.max(...samples)).toBeLessThanOrEqual(bound);
    expect(tb.broker.queuedResponseBytes).toBeGreaterThan(0); // the hogs really are stuck

    // Once the hogs go, their bytes are released.
    for (const s of sockets.splice(0)) s.destroy();
    while (tb.broker.connectionCount > 0) await new Promise((r) => setTimeout(r, 10));
    expect(tb.broker.queuedResponseBytes).toBe(0);
  });
});
