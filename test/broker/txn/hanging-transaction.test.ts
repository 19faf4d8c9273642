/*
 * Regression: the hanging transaction of KIP-890 ("Transactions Server-Side Defense").
 *
 * The bug: a transactional producer's batch is delayed in the network; the producer gives up on
 * it and aborts (EndTxn abort: the ABORT marker closes the transaction in the partition); then the
 * delayed batch arrives. A broker that appends it starts a new transaction in the partition that
 * the coordinator does not know about (its transaction is CompleteAbort, holding no partitions),
 * so no marker and no timeout ever ends it, and the last stable offset stays at that batch for
 * good: every read_committed consumer of the partition stops there, and so does compaction.
 *
 * Here the delayed batch is a Produce request held back by the test and sent after the abort.
 * With verification (src/broker/txn/txn-verification.ts) it is refused — INVALID_TXN_STATE for a
 * Produce below v11, TRANSACTION_ABORTABLE from v11 — and the LSO keeps up with the high
 * watermark, so records written after it reach read_committed consumers. Without the check (the
 * Produce hook appending any transactional batch) each of these tests fails: the LSO stays at the
 * delayed batch's offset.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { buildRecordBatch, decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { isControlBatch } from '../../../src/protocol/records/batch-header.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { RawClient } from '../raw-client.ts';

const open: (TestBroker | RawClient)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if (x instanceof RawClient) x.close();
    else await x.stop();
  }
});

type Producer = { producerId: bigint; producerEpoch: number };

async function setup(): Promise<RawClient> {
  const tb = await startTestBroker();
  open.push(tb);
  await tb.broker.topicManager.create({ name: 't', numPartitions: 2, replicationFactor: 1, configs: [] });
  const c = await RawClient.connect(tb.port);
  open.push(c);
  return c;
}

async function init(c: RawClient, id: string): Promise<Producer> {
  const r = await c.request(22, 4, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return r;
}

async function addPartition(c: RawClient, id: string, p: Producer, partition: number): Promise<void> {
  const r = await c.request(24, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 't', partitions: [partition] }] });
  expect(r.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(0);
}

/** A produce of one record; `p` null = a plain (non-transactional) record. Sent by `send()`. */
function produceRequest(c: RawClient, version: number, id: string | null, p: Producer | null, seq: number, value: string) {
  const records = buildRecordBatch([{ value: Buffer.from(value) }], p === null ? {} : { producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: seq, transactional: true });
  return {
    send: async (): Promise<number> => {
      const r = await c.request(0, version, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] });
      return r.responses[0]!.partitionResponses[0]!.errorCode;
    },
  };
}

async function endTxn(c: RawClient, id: string, p: Producer, committed: boolean): Promise<void> {
  expect((await c.request(26, 3, { transactionalId: id, producerId: p.producerId, producerEpoch: p.producerEpoch, committed })).errorCode).toBe(0);
}

/** Partition 0 as a read_committed consumer fetches it from offset 0: LSO, HW and the plain values. */
async function readCommitted(c: RawClient): Promise<{ lastStableOffset: bigint; highWatermark: bigint; plain: string[] }> {
  const res = await c.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.responses[0]!.partitions[0]!;
  expect(p.errorCode).toBe(0);
  const plain = decodeRecords(p.records)
    .filter((b) => !isControlBatch(b.header.attributes) && b.header.producerId < 0n)
    .flatMap((b) => b.records.map((r) => r.value!.toString()));
  return { lastStableOffset: p.lastStableOffset, highWatermark: p.highWatermark, plain };
}

describe('hanging transaction (KIP-890): a produce delayed past its transaction’s abort', () => {
  for (const [version, refusal] of [[10, ErrorCode.INVALID_TXN_STATE], [11, ErrorCode.TRANSACTION_ABORTABLE]] as const) {
    it(`is refused (Produce v${version}: ${refusal}) and the LSO is not stuck`, async () => {
      const c = await setup();
      const p = await init(c, 'h');
      await addPartition(c, 'h', p, 0);
      expect(await produceRequest(c, version, 'h', p, 0, 'first').send()).toBe(0);
      const delayed = produceRequest(c, version, 'h', p, 1, 'late'); // held back "in the network"
      await endTxn(c, 'h', p, false);

      const answer = await delayed.send();
      expect(await produceRequest(c, version, null, null, 0, 'after').send()).toBe(0);
      // The LSO first: it is what the old code path breaks (stuck at the late batch's offset 2).
      const view = await readCommitted(c);
      expect(view.lastStableOffset).toBe(view.highWatermark);
      expect(view.plain).toEqual(['after']);
      expect(answer).toBe(refusal);
    });
  }

  it('is refused when the producer has already begun its next transaction elsewhere, which then commits', async () => {
    const c = await setup();
    const p = await init(c, 'h');
    await addPartition(c, 'h', p, 0);
    expect(await produceRequest(c, 11, 'h', p, 0, 'first').send()).toBe(0);
    const delayed = produceRequest(c, 11, 'h', p, 1, 'late');
    await endTxn(c, 'h', p, false);
    await addPartition(c, 'h', p, 1); // the next transaction writes partition 1 only

    const answer = await delayed.send();
    await endTxn(c, 'h', p, true);
    expect(await produceRequest(c, 11, null, null, 0, 'after').send()).toBe(0);
    const view = await readCommitted(c);
    expect(view.lastStableOffset).toBe(view.highWatermark);
    expect(view.plain).toEqual(['after']);
    expect(answer).toBe(ErrorCode.TRANSACTION_ABORTABLE);
  });
});
