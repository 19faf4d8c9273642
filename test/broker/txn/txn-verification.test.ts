/*
 * KIP-890 part 1 on the wire (src/broker/txn/txn-verification.ts and the handlers that use it):
 * the Produce check's error per Produce version, AddPartitionsToTxn v4/v5 (the batched form with
 * VerifyOnly), TxnOffsetCommit v4's TRANSACTION_ABORTABLE, and what ApiVersions advertises;
 * and, as a property, that the Produce check and the VerifyOnly answer never disagree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ABORTABLE_SINCE, abortableFor, verifyPartitions, verifyProduce } from '../../../src/broker/txn/txn-verification.ts';
import { ALL_TXN_STATES } from '../../../src/broker/txn/txn-state-machine.ts';
import type { TxnMetadata } from '../../../src/broker/txn/txn-log.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';
import { RawClient } from '../raw-client.ts';

const open: (TestBroker | RawClient)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if (x instanceof RawClient) x.close();
    else await x.stop();
  }
});

async function setup(opts: Parameters<typeof startTestBroker>[0] = {}, clientId?: string): Promise<{ tb: TestBroker; c: RawClient }> {
  const tb = await startTestBroker(opts);
  open.push(tb);
  await tb.broker.topicManager.create({ name: 't', numPartitions: 3, replicationFactor: 1, configs: [] });
  const c = await RawClient.connect(tb.port, clientId);
  open.push(c);
  return { tb, c };
}

async function init(c: RawClient, id: string): Promise<{ producerId: bigint; producerEpoch: number }> {
  const r = await c.request(22, 4, { transactionalId: id, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return r;
}

async function addV3(c: RawClient, id: string, p: { producerId: bigint; producerEpoch: number }, partitions: number[]): Promise<void> {
  const r = await c.request(24, 3, { v3AndBelowTransactionalId: id, v3AndBelowProducerId: p.producerId, v3AndBelowProducerEpoch: p.producerEpoch, v3AndBelowTopics: [{ name: 't', partitions }] });
  expect(r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((x) => x.partitionErrorCode))).toEqual(partitions.map(() => 0));
}

async function produce(c: RawClient, version: number, id: string, p: { producerId: bigint; producerEpoch: number }, seq: number, partition: number): Promise<number> {
  const records = buildRecordBatch([{ value: Buffer.from(`v${seq}`) }], { producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: seq, transactional: true });
  const r = await c.request(0, version, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: partition, records }] }] });
  return r.responses[0]!.partitionResponses[0]!.errorCode;
}

type Txn = { transactionalId: string; producerId: bigint; producerEpoch: number; verifyOnly: boolean; partitions: number[] };

async function batched(c: RawClient, version: number, txns: Txn[]) {
  const r = await c.request(24, version, {
    transactions: txns.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, producerEpoch: t.producerEpoch, verifyOnly: t.verifyOnly, topics: [{ name: 't', partitions: t.partitions }] })),
  });
  return {
    errorCode: r.errorCode,
    results: Object.fromEntries(r.resultsByTransaction.map((x) => [x.transactionalId, x.topicResults.flatMap((t) => t.resultsByPartition.map((p) => [p.partitionIndex, p.partitionErrorCode]))])),
  };
}

describe('Produce: a transactional batch outside its ongoing transaction', () => {
  it('is refused with TRANSACTION_ABORTABLE from Produce v11 and INVALID_TXN_STATE before, and nothing is written', async () => {
    const { tb, c } = await setup();
    const p = await init(c, 'a');
    await addV3(c, 'a', p, [0]);
    expect(await produce(c, 10, 'a', p, 0, 1)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await produce(c, 11, 'a', p, 0, 1)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    expect(tb.broker.partitions.get('t', 1)!.logEndOffset).toBe(0);
    expect(await produce(c, 11, 'a', p, 0, 0)).toBe(0);
    // A stale epoch stays a fencing error at every version (the producer is a zombie, not abortable).
    const newer = await init(c, 'a');
    expect(newer.producerEpoch).toBeGreaterThan(p.producerEpoch);
    expect(await produce(c, 11, 'a', p, 1, 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });
});

describe('transaction.partition.verification.enable=false', () => {
  it('appends a v11 batch outside the transaction unverified (Kafka before KIP-890), but still verifies Produce v12', async () => {
    const { tb, c } = await setup({ transaction: { partitionVerification: false } });
    const p = await init(c, 'a');
    await addV3(c, 'a', p, [0]);
    expect(await produce(c, 11, 'a', p, 0, 1)).toBe(0);
    expect(tb.broker.partitions.get('t', 1)!.logEndOffset).toBe(1);
    // v12 adds the partition itself; a producer id the coordinator does not know is refused either way
    const stranger = { producerId: p.producerId + 1000n, producerEpoch: 0 };
    expect(await produce(c, 12, 'a', stranger, 0, 2)).not.toBe(0);
    expect(tb.broker.partitions.get('t', 2)!.logEndOffset).toBe(0);
  });
});

describe('AddPartitionsToTxn v4/v5 (batched, VerifyOnly)', () => {
  it('verifies per transaction and partition without changing anything', async () => {
    const { tb, c } = await setup();
    const a = await init(c, 'a');
    const b = await init(c, 'b');
    await addV3(c, 'a', a, [0]);
    const ask = (version: number) =>
      batched(c, version, [
        { transactionalId: 'a', ...a, verifyOnly: true, partitions: [0, 1] },
        { transactionalId: 'b', ...b, verifyOnly: true, partitions: [2] },
      ]);
    expect(await ask(5)).toEqual({ errorCode: 0, results: { a: [[0, 0], [1, ErrorCode.TRANSACTION_ABORTABLE]], b: [[2, ErrorCode.TRANSACTION_ABORTABLE]] } });
    expect(await ask(4)).toEqual({ errorCode: 0, results: { a: [[0, 0], [1, ErrorCode.INVALID_TXN_STATE]], b: [[2, ErrorCode.INVALID_TXN_STATE]] } });
    // Verification added nothing: b has no transaction, a still only partition 0.
    expect(tb.broker.service(TRANSACTIONS).coordinator.get('b')!.state).toBe('Empty');
    expect(await produce(c, 11, 'a', a, 0, 1)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
  });

  it('adds partitions when VerifyOnly is false, and answers the coordinator’s common errors', async () => {
    const { c } = await setup();
    const a = await init(c, 'a');
    const stale = await init(c, 'b');
    const b = await init(c, 'b');
    const r = await batched(c, 5, [
      { transactionalId: 'a', ...a, verifyOnly: false, partitions: [1, 2] },
      { transactionalId: 'b', ...stale, verifyOnly: true, partitions: [0] },
      { transactionalId: 'nobody', producerId: 999n, producerEpoch: 0, verifyOnly: true, partitions: [0] },
      { transactionalId: '', producerId: 1n, producerEpoch: 0, verifyOnly: true, partitions: [0] },
    ]);
    expect(r).toEqual({
      errorCode: 0,
      results: { a: [[1, 0], [2, 0]], b: [[0, ErrorCode.PRODUCER_FENCED]], nobody: [[0, ErrorCode.INVALID_PRODUCER_ID_MAPPING]], '': [[0, ErrorCode.INVALID_REQUEST]] },
    });
    expect(b.producerEpoch).toBe(stale.producerEpoch + 1);
    expect(await produce(c, 11, 'a', a, 0, 2)).toBe(0);
    expect((await batched(c, 5, [{ transactionalId: 'a', ...a, verifyOnly: true, partitions: [1, 2] }])).results).toEqual({ a: [[1, 0], [2, 0]] });
  });

  it('refuses a request naming a transactional id twice, as a whole', async () => {
    const { c } = await setup();
    const a = await init(c, 'a');
    const twice = { transactionalId: 'a', ...a, verifyOnly: true, partitions: [0] };
    expect(await batched(c, 4, [twice, twice])).toEqual({ errorCode: ErrorCode.INVALID_REQUEST, results: {} });
  });

  it('needs CLUSTER_ACTION on the cluster when ACLs are on', async () => {
    const principalOf = ({ clientId }: { clientId: string | null }) => `User:${clientId ?? 'ANONYMOUS'}`;
    const { tb, c } = await setup({ authorizer: { enabled: true, superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false }, deps: { principalOf } }, 'alice');
    const r = await batched(c, 5, [{ transactionalId: 'a', producerId: 1n, producerEpoch: 0, verifyOnly: true, partitions: [0] }]);
    expect(r).toEqual({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: {} });
    const admin = await RawClient.connect(tb.port, 'admin');
    open.push(admin);
    expect((await batched(admin, 5, [{ transactionalId: 'a', producerId: 1n, producerEpoch: 0, verifyOnly: true, partitions: [0] }])).results).toEqual({ a: [[0, ErrorCode.INVALID_PRODUCER_ID_MAPPING]] });
  });
});

describe('TxnOffsetCommit v4', () => {
  it('answers TRANSACTION_ABORTABLE (v4) or INVALID_TXN_STATE (v3) for offsets outside an ongoing transaction', async () => {
    const { c } = await setup();
    const p = await init(c, 'o');
    const commit = async (version: number) =>
      (await c.request(28, version, {
        transactionalId: 'o', groupId: 'g', producerId: p.producerId, producerEpoch: p.producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      })).topics[0]!.partitions[0]!.errorCode;
    expect(await commit(3)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await commit(4)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    expect((await c.request(25, 3, { transactionalId: 'o', producerId: p.producerId, producerEpoch: p.producerEpoch, groupId: 'g' })).errorCode).toBe(0);
    expect(await commit(4)).toBe(0);
  });
});

describe('ApiVersions', () => {
  it('advertises the KIP-890 versions: part 1 (AddPartitionsToTxn v5, AddOffsetsToTxn v4, InitProducerId v5) and part 2 (Produce v12, EndTxn v5, TxnOffsetCommit v5)', async () => {
    const { c } = await setup();
    const r = await c.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    const max = Object.fromEntries(r.apiKeys.map((k) => [k.apiKey, k.maxVersion]));
    expect([max[0], max[22], max[24], max[25], max[26], max[28]]).toEqual([12, 5, 5, 4, 5, 5]);
  });
});

describe('the Produce check and AddPartitionsToTxn VerifyOnly agree (property)', () => {
  // What a producer is told for each coordinator answer (Kafka's AddPartitionsToTxnManager):
  // the Produce check must give exactly this for the verification of the same partition.
  const producerCode: Record<number, number> = {
    [ErrorCode.NONE]: ErrorCode.NONE,
    [ErrorCode.INVALID_PRODUCER_ID_MAPPING]: ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    [ErrorCode.PRODUCER_FENCED]: ErrorCode.INVALID_PRODUCER_EPOCH,
    [ErrorCode.CONCURRENT_TRANSACTIONS]: ErrorCode.TRANSACTION_ABORTABLE,
    [ErrorCode.TRANSACTION_ABORTABLE]: ErrorCode.TRANSACTION_ABORTABLE,
  };
  const tp = fc.record({ topic: fc.constantFrom('a', 'b'), partition: fc.integer({ min: 0, max: 2 }) });
  const metadata = fc.option(
    fc.record({ producerId: fc.bigInt({ min: 0n, max: 2n }), producerEpoch: fc.integer({ min: 0, max: 2 }), state: fc.constantFrom(...ALL_TXN_STATES), partitions: fc.array(tp, { maxLength: 4 }) }),
    { nil: undefined },
  );

  it('for every metadata, producer and partition; and 120 reaches only versions that know it', () => {
    fc.assert(
      fc.property(metadata, fc.bigInt({ min: 0n, max: 2n }), fc.integer({ min: 0, max: 2 }), tp, fc.integer({ min: 0, max: 12 }), (m, producerId, producerEpoch, part, version) => {
        const meta = m === undefined ? undefined : ({ transactionalId: 'x', ...m } as unknown as TxnMetadata);
        const verified = verifyPartitions(meta, { producerId, producerEpoch }, [part]).get(part)!;
        const verdict = verifyProduce(meta, part.topic, part.partition, producerId, producerEpoch);
        expect(verdict.kind === 'error' ? verdict.errorCode : ErrorCode.NONE).toBe(producerCode[verified]);
        const answered = abortableFor(producerCode[verified]!, version, ABORTABLE_SINCE.produce);
        if (version < ABORTABLE_SINCE.produce) expect(answered).not.toBe(ErrorCode.TRANSACTION_ABORTABLE);
        if (producerCode[verified] !== ErrorCode.TRANSACTION_ABORTABLE) expect(answered).toBe(producerCode[verified]);
      }),
      { numRuns: 500 },
    );
  });
});
