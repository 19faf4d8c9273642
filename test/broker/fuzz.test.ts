// Fuzz: random frames and mutations of valid requests against a live broker. Whatever arrives,
// the broker answers or closes that connection; afterwards a normal client (kafkajs) still
// creates, produces and consumes. An exception escaping to the process fails the run (vitest
// reports unhandled errors).
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import fc from 'fast-check';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { encodeRequest } from '../../src/protocol/frames.ts';
import type { ImplementedApiKey } from '../../src/protocol/messages/index.ts';
import { RawClient, makeBatch } from './raw-client.ts';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb.stop();
});

function target<K extends ImplementedApiKey>(apiKey: K, apiVersion: number) {
  return { apiKey, apiVersion, correlationId: 7, clientId: 'fuzz' };
}

/** Valid requests, captured from our codec; mutations of these reach deep into the decoders. */
function corpus(): Buffer[] {
  const fetch = {
    replicaId: -1, maxWaitMs: 10, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'fz', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  };
  return [
    encodeRequest(target(18, 0), {}),
    encodeRequest(target(18, 3), { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
    encodeRequest(target(3, 1), { topics: [{ name: 'fz' }] }),
    encodeRequest(target(3, 4), { topics: [{ name: 'fz' }], allowAutoTopicCreation: true }),
    encodeRequest(target(0, 7), {
      transactionalId: null, acks: -1, timeoutMs: 1000,
      topicData: [{ name: 'fz', partitionData: [{ index: 0, records: makeBatch([{ key: 'k', value: 'value' }, { value: 'v2' }]) }] }],
    }),
    encodeRequest(target(0, 3), {
      transactionalId: null, acks: 1, timeoutMs: 1000,
      topicData: [{ name: 'fz', partitionData: [{ index: 0, records: makeBatch([{ value: 'x' }]) }] }],
    }),
    encodeRequest(target(1, 11), fetch),
    encodeRequest(target(1, 4), fetch),
    encodeRequest(target(2, 1), { replicaId: -1, topics: [{ name: 'fz', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }),
    encodeRequest(target(2, 0), { replicaId: -1, topics: [{ name: 'fz', partitions: [{ partitionIndex: 0, timestamp: -2n, maxNumOffsets: 3 }] }] }),
  ];
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('int32' as const), at: fc.nat(), value: fc.integer({ min: -2, max: 0x7fffffff }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** Applies mutations to a framed request; keeps the size prefix consistent unless mutated. */
function mutate(framed: Buffer, muts: Mutation[]): Buffer {
  let body = Buffer.from(framed.subarray(4));
  for (const m of muts) {
    if (body.length === 0) break;
    if (m.kind === 'flip') body[m.at % body.length]! ^= m.xor;
    else if (m.kind === 'truncate') body = body.subarray(0, m.at % body.length);
    else if (m.kind === 'extend') body = Buffer.concat([body, Buffer.from(m.extra)]);
    else if (body.length >= 4) body.writeInt32BE(m.value, m.at % (body.length - 3));
  }
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

const outcomes = { replied: 0, closed: 0, waiting: 0 };

async function sendAndSettle(frames: Buffer[]): Promise<void> {
  const c = await RawClient.connect(tb.port);
  try {
    for (const f of frames) c.sendRaw(f);
    // Either some reply or a close; a frame that claims more bytes than sent just waits.
    const got = await c.nextFrame(200).then(
      () => 'replied' as const,
      () => (c.closed ? ('closed' as const) : ('waiting' as const)),
    );
    outcomes[got]++;
  } finally {
    c.close();
  }
}

describe('broker fuzz', () => {
  it('survives 200 random and mutated frames, then serves kafkajs normally', async () => {
    const base = corpus();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: fc.record({ pick: fc.nat(), muts: fc.array(mutation, { minLength: 1, maxLength: 4 }) }) },
          { weight: 1, arbitrary: fc.record({ random: fc.uint8Array({ minLength: 0, maxLength: 64 }), apiKey: fc.integer({ min: -1, max: 70 }), version: fc.integer({ min: -1, max: 20 }) }) },
        ),
        async (input) => {
          let frame: Buffer;
          if ('pick' in input) {
            frame = mutate(base[input.pick % base.length]!, input.muts);
          } else {
            const body = Buffer.alloc(8 + input.random.length);
            body.writeInt16BE(input.apiKey, 0);
            body.writeInt16BE(input.version, 2);
            body.writeInt32BE(1, 4);
            Buffer.from(input.random).copy(body, 8);
            frame = Buffer.alloc(4 + body.length);
            frame.writeInt32BE(body.length, 0);
            body.copy(frame, 4);
          }
          await sendAndSettle([frame]);
        },
      ),
      { numRuns: 200, seed: 20261122 },
    );

    // The run exercised both paths: answered requests and closed connections.
    expect(outcomes.replied).toBeGreaterThan(10);
    expect(outcomes.closed).toBeGreaterThan(10);

    // The broker still works for a real client.
    const kafka = new Kafka({ brokers: [tb.bootstrap], clientId: 'after-fuzz', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'after-fuzz', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: 'after-fuzz', acks: -1, messages });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'after-fuzz-group', sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'after-fuzz', fromBeginning: true });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.add(message.value!.toString());
            if (seen.size === messages.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen.size).toBe(50);
  });
});
