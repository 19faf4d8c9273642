/*
 * Test helper for the producer-state recovery tests: a long log in one partition (many small
 * segments) mixing idempotent batches (raw Produce, so a batch can be re-sent byte for byte),
 * committed and aborted transactions (kafkajs), and one transaction left open; plus the checks a
 * restart must pass: the same read_committed view (values, LSO, aborted list) and the same
 * idempotence decisions (a retried batch is a duplicate answered with its original offset, a
 * sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER).
 */
import { expect } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { RawClient } from '../raw-client.ts';
import { readCommittedView, type CommittedView } from './read-committed.ts';

export const WORKLOAD_TOPIC = 'txnlog';
/** Small segments, so the workload spans dozens of them. */
export const WORKLOAD_TOPIC_CONFIG = { 'segment.bytes': '8192' };

export interface IdempotentBatch {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  count: number;
  baseOffset: bigint;
}

export interface Workload {
  view: CommittedView;
  lastBatch: IdempotentBatch;
  /** The idempotent producer's batch before lastBatch. */
  previousBatch: IdempotentBatch;
}

function kafka(port: number): Kafka {
  return new Kafka({ clientId: 'txnlog', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
}

function idempotentBatch(b: Omit<IdempotentBatch, 'baseOffset'>, tag: string): Buffer {
  const value = (i: number) => Buffer.from(`${tag}-${i}-${'x'.repeat(120)}`);
  return buildRecordBatch(Array.from({ length: b.count }, (_, i) => ({ value: value(i) })), {
    producerId: b.producerId,
    producerEpoch: b.producerEpoch,
    baseSequence: b.baseSequence,
  });
}

async function produceRaw(c: RawClient, records: Buffer): Promise<{ errorCode: number; baseOffset: bigint }> {
  const res = await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: WORKLOAD_TOPIC, partitionData: [{ index: 0, records }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

/** Creates the topic and writes `rounds` rounds; returns the read_committed view and the last idempotent batch. */
export async function writeWorkload(port: number, rounds: number): Promise<Workload> {
  const admin = kafka(port).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: WORKLOAD_TOPIC, numPartitions: 1, configEntries: Object.entries(WORKLOAD_TOPIC_CONFIG).map(([name, value]) => ({ name, value })) }] });
  await admin.disconnect();
  const c = await RawClient.connect(port);
  const txn = kafka(port).producer({ transactionalId: 'txnlog-tx', idempotent: true, maxInFlightRequests: 1 });
  const open = kafka(port).producer({ transactionalId: 'txnlog-open', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 600_000 });
  try {
    await txn.connect();
    const init = await c.request(22, 1, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    expect(init.errorCode).toBe(0);
    let lastBatch: IdempotentBatch | null = null;
    let previousBatch: IdempotentBatch | null = null;
    let seq = 0;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < 3; k++) {
        const b = { producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: seq, count: 10 };
        const res = await produceRaw(c, idempotentBatch(b, `idem-${r}-${k}`));
        expect(res.errorCode).toBe(0);
        previousBatch = lastBatch;
        lastBatch = { ...b, baseOffset: res.baseOffset };
        seq += b.count;
      }
      const t = await txn.transaction();
      await t.send({ topic: WORKLOAD_TOPIC, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `txn-${r}-${i}` })) });
      if (r % 3 === 1) await t.abort();
      else await t.commit();
    }
    await open.connect();
    const t = await open.transaction();
    await t.send({ topic: WORKLOAD_TOPIC, acks: -1, messages: [{ partition: 0, value: 'open-0' }] });
    return { view: await readCommittedView(port, WORKLOAD_TOPIC, 0), lastBatch: lastBatch!, previousBatch: previousBatch! };
  } finally {
    c.close();
    await txn.disconnect().catch(() => undefined);
    await open.disconnect().catch(() => undefined);
  }
}

/** Sends `b` again, byte for byte as the first time: what the broker answers. */
export async function retryBatch(port: number, b: IdempotentBatch): Promise<{ errorCode: number; baseOffset: bigint }> {
  const c = await RawClient.connect(port);
  try {
    return await produceRaw(c, idempotentBatch(b, 'retried'));
  } finally {
    c.close();
  }
}

/** After a restart: the same read_committed view, and producer state that still deduplicates. */
export async function expectSameState(port: number, before: Workload): Promise<void> {
  expect(await readCommittedView(port, WORKLOAD_TOPIC, 0)).toEqual(before.view);
  const c = await RawClient.connect(port);
  try {
    const last = before.lastBatch;
    const retried = await produceRaw(c, idempotentBatch(last, 'retried'));
    expect(retried).toEqual({ errorCode: 0, baseOffset: last.baseOffset });
    const gap = await produceRaw(c, idempotentBatch({ ...last, baseSequence: last.baseSequence + last.count + 1 }, 'gap'));
    expect(gap.errorCode).toBe(45);
  } finally {
    c.close();
  }
  // Neither the duplicate nor the gap was written.
  expect(await readCommittedView(port, WORKLOAD_TOPIC, 0)).toEqual(before.view);
}
