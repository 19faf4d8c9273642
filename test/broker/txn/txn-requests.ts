/*
 * Test helper: the transactional requests a producer sends, as raw requests on a RawClient,
 * for any topic (InitProducerId, AddPartitionsToTxn, Produce, EndTxn, plain Produce), and the
 * clean-up of the brokers a test starts.
 */
import { afterEach } from 'vitest';
import { rm } from 'node:fs/promises';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import type { TestBroker } from '../../../src/testing/broker-harness.ts';
import type { RawClient } from '../raw-client.ts';

export interface TxnProducer {
  producerId: bigint;
  producerEpoch: number;
}

export async function initTxn(c: RawClient, id: string, timeoutMs = 60_000): Promise<TxnProducer & { errorCode: number }> {
  return c.request(22, 1, { transactionalId: id, transactionTimeoutMs: timeoutMs, producerId: -1n, producerEpoch: -1 });
}

export async function addTxnPartitions(c: RawClient, id: string, p: TxnProducer, topic: string, partitions: number[]): Promise<number[]> {
  const r = await c.request(24, 1, {
    v3AndBelowTransactionalId: id, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [{ name: topic, partitions }],
  });
  return r.resultsByTopicV3AndBelow[0]!.resultsByPartition.map((x: { partitionErrorCode: number }) => x.partitionErrorCode);
}

/** Produces one keyed record (transactional when `txn` is given); returns the error code. */
export async function produceKeyed(
  c: RawClient,
  topic: string,
  key: string,
  value: string | null,
  txn?: { id: string; p: TxnProducer; seq: number },
): Promise<number> {
  const records = buildRecordBatch(
    [{ key: Buffer.from(key), value: value === null ? null : Buffer.from(value) }],
    txn === undefined ? {} : { producerId: txn.p.producerId, producerEpoch: txn.p.producerEpoch, baseSequence: txn.seq, transactional: true },
  );
  const r = await c.request(0, 7, { transactionalId: txn?.id ?? null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return r.responses[0]!.partitionResponses[0]!.errorCode;
}

export async function endTxn(c: RawClient, id: string, p: TxnProducer, committed: boolean): Promise<number> {
  return (await c.request(26, 1, { transactionalId: id, producerId: p.producerId, producerEpoch: p.producerEpoch, committed })).errorCode;
}

/** Registers an afterEach that closes the clients and brokers pushed here and removes the dirs. */
export function cleanupAfterEach(): { open: { tb: TestBroker; c: RawClient }[]; dirs: string[] } {
  const state = { open: [] as { tb: TestBroker; c: RawClient }[], dirs: [] as string[] };
  afterEach(async () => {
    for (const o of state.open.splice(0)) {
      o.c.close();
      await o.tb.stop();
    }
    for (const d of state.dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  return state;
}
