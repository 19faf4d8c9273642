/*
 * The transaction APIs on the wire (raw requests against an in-process broker): error codes per
 * request version, produce checks, pending transactional offsets (KIP-447 requireStable),
 * ListOffsets read_committed, timeouts, and state reloaded by a restarted broker.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';
import { RawClient } from '../raw-client.ts';

const open: { tb: TestBroker; c: RawClient }[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.c.close();
    await o.tb.stop();
  }
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setup(opts: Parameters<typeof startTestBroker>[0] = {}): Promise<{ tb: TestBroker; c: RawClient }> {
  const tb = await startTestBroker(opts);
  await tb.broker.topicManager.create({ name: 't', numPartitions: 2, replicationFactor: 1, configs: [] });
  const c = await RawClient.connect(tb.port);
  open.push({ tb, c });
  return { tb, c };
}

async function init(c: RawClient, id: string, version = 1, timeoutMs = 60_000) {
  return c.request(22, version, { transactionalId: id, transactionTimeoutMs: timeoutMs, producerId: -1n, producerEpoch: -1 });
}

async function addPartitions(c: RawClient, id: string, pid: bigint, epoch: number, partitions: number[], version = 1): Promise<number[]> {
  const r = await c.request(24, version, {
    v3AndBelowTransactionalId: id, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch,
    v3AndBelowTopics: [{ name: 't', partitions }],
  });
  return r.resultsByTopicV3AndBelow[0]!.resultsByPartition.map((p) => p.partitionErrorCode);
}

async function produce(c: RawClient, id: string, pid: bigint, epoch: number, seq: number, partition: number, value: string): Promise<number> {
  const records = buildRecordBatch([{ value: Buffer.from(value) }], { producerId: pid, producerEpoch: epoch, baseSequence: seq, transactional: true });
  const r = await c.request(0, 7, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: partition, records }] }] });
  return r.responses[0]!.partitionResponses[0]!.errorCode;
}

async function endTxn(c: RawClient, id: string, pid: bigint, epoch: number, committed: boolean, version = 1): Promise<number> {
  return (await c.request(26, version, { transactionalId: id, producerId: pid, producerEpoch: epoch, committed })).errorCode;
}

async function latest(c: RawClient, isolationLevel: number): Promise<bigint> {
  const r = await c.request(2, 2, { replicaId: -1, isolationLevel, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
  return r.topics[0]!.partitions[0]!.offset;
}

describe('transaction coordinator on the wire', () => {
  it('InitProducerId bumps the epoch per call and refuses a timeout above transaction.max.timeout.ms', async () => {
    const { c } = await setup({ transaction: { maxTimeoutMs: 10_000 } });
    const a = await init(c, 'x', 1, 5000);
    const b = await init(c, 'x', 1, 5000);
    expect([a.errorCode, b.errorCode]).toEqual([0, 0]);
    expect(b.producerId).toBe(a.producerId);
    expect(b.producerEpoch).toBe(a.producerEpoch + 1);
    expect((await init(c, 'x', 1, 20_000)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it('a fenced epoch is INVALID_PRODUCER_EPOCH before the version that knows PRODUCER_FENCED, 90 from it', async () => {
    const { c } = await setup();
    const old = await init(c, 'f');
    await init(c, 'f');
    expect(await addPartitions(c, 'f', old.producerId, old.producerEpoch, [0], 1)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH]);
    expect(await addPartitions(c, 'f', old.producerId, old.producerEpoch, [0], 2)).toEqual([ErrorCode.PRODUCER_FENCED]);
    expect(await endTxn(c, 'f', old.producerId, old.producerEpoch, true, 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await endTxn(c, 'f', old.producerId, old.producerEpoch, true, 3)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await addPartitions(c, 'f', old.producerId + 100n, old.producerEpoch + 1, [0], 1)).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
  });

  it('transactional data needs its partition added; unknown partitions fail the whole AddPartitionsToTxn', async () => {
    const { tb, c } = await setup();
    const p = await init(c, 'p');
    expect(await produce(c, 'p', p.producerId, p.producerEpoch, 0, 0, 'no')).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(tb.broker.partitions.get('t', 0)!.logEndOffset).toBe(0);
    expect(await addPartitions(c, 'p', p.producerId, p.producerEpoch, [0, 9])).toEqual([ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await addPartitions(c, 'p', p.producerId, p.producerEpoch, [0])).toEqual([0]);
    expect(await produce(c, 'p', p.producerId, p.producerEpoch, 0, 1, 'other partition')).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await produce(c, 'p', p.producerId, p.producerEpoch, 0, 0, 'yes')).toBe(0);
  });

  it('EndTxn: no transaction → INVALID_TXN_STATE; a retried commit succeeds, an abort after it does not', async () => {
    const { c } = await setup();
    const p = await init(c, 'e');
    expect(await endTxn(c, 'e', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    await addPartitions(c, 'e', p.producerId, p.producerEpoch, [0]);
    expect(await produce(c, 'e', p.producerId, p.producerEpoch, 0, 0, 'v')).toBe(0);
    expect(await endTxn(c, 'e', p.producerId, p.producerEpoch, true)).toBe(0);
    expect(await endTxn(c, 'e', p.producerId, p.producerEpoch, true)).toBe(0);
    expect(await endTxn(c, 'e', p.producerId, p.producerEpoch, false)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it("EndTxn left in PrepareCommit by a failed marker write: the other outcome is INVALID_TXN_STATE (Kafka's answer), the same one writes the markers again", async () => {
    const { tb, c } = await setup();
    const p = await init(c, 'pc', 3);
    await addPartitions(c, 'pc', p.producerId, p.producerEpoch, [0, 1]);
    expect(await produce(c, 'pc', p.producerId, p.producerEpoch, 0, 0, 'v0')).toBe(0);
    expect(await produce(c, 'pc', p.producerId, p.producerEpoch, 0, 1, 'v1')).toBe(0);
    const coordinator = tb.broker.service(TRANSACTIONS).coordinator;
    const partitions = coordinator.partitions;
    const writeMarker = partitions.writeMarker.bind(partitions);
    let failures = 2;
    partitions.writeMarker = (...args) => {
      if (failures-- > 0) throw new Error('injected: disk full');
      return writeMarker(...args);
    };
    await expect(coordinator.endTxn('pc', p, true, 3)).rejects.toThrow(/injected/);
    expect(coordinator.get('pc')!.state).toBe('PrepareCommit');
    expect(await endTxn(c, 'pc', p.producerId, p.producerEpoch, false, 3)).toBe(ErrorCode.INVALID_TXN_STATE);
    // Still failing: CONCURRENT_TRANSACTIONS (the client retries it, bounded by its max block).
    expect(await endTxn(c, 'pc', p.producerId, p.producerEpoch, true, 3)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await endTxn(c, 'pc', p.producerId, p.producerEpoch, true, 3)).toBe(0);
    expect(coordinator.get('pc')!.state).toBe('CompleteCommit');
    expect(await latest(c, 1)).toBe(2n); // v0 and its commit marker: partition 0 is stable again
  });

  it('ListOffsets latest: read_committed answers the LSO while a transaction is open', async () => {
    const { c } = await setup();
    const plain = buildRecordBatch([{ value: Buffer.from('plain') }]);
    await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records: plain }] }] });
    const p = await init(c, 'l');
    await addPartitions(c, 'l', p.producerId, p.producerEpoch, [0]);
    expect(await produce(c, 'l', p.producerId, p.producerEpoch, 0, 0, 'open')).toBe(0);
    expect([await latest(c, 0), await latest(c, 1)]).toEqual([2n, 1n]);
    expect(await endTxn(c, 'l', p.producerId, p.producerEpoch, false)).toBe(0);
    expect([await latest(c, 0), await latest(c, 1)]).toEqual([3n, 3n]);
  });

  it('transactional offsets are pending until commit: requireStable answers UNSTABLE_OFFSET_COMMIT', async () => {
    const { c } = await setup();
    const p = await init(c, 'o');
    const txnCommit = () =>
      c.request(28, 1, {
        transactionalId: 'o', groupId: 'g', producerId: p.producerId, producerEpoch: p.producerEpoch,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedMetadata: null }] }],
      });
    expect((await txnCommit()).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await c.request(25, 1, { transactionalId: 'o', producerId: p.producerId, producerEpoch: p.producerEpoch, groupId: 'g' })).errorCode).toBe(0);
    expect((await txnCommit()).topics[0]!.partitions[0]!.errorCode).toBe(0);
    const fetch = async (requireStable: boolean) =>
      (await c.request(9, 7, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], requireStable })).topics[0]!.partitions[0]!;
    expect((await fetch(true)).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(await fetch(false)).toMatchObject({ errorCode: 0, committedOffset: -1n });
    expect(await endTxn(c, 'o', p.producerId, p.producerEpoch, true)).toBe(0);
    expect(await fetch(true)).toMatchObject({ errorCode: 0, committedOffset: 42n });
  });

  it('a transaction open longer than its timeout is aborted and its producer fenced', async () => {
    const { tb, c } = await setup({ transaction: { abortTimedOutIntervalMs: 20 } });
    const p = await init(c, 'slow', 1, 100);
    await addPartitions(c, 'slow', p.producerId, p.producerEpoch, [0]);
    expect(await produce(c, 'slow', p.producerId, p.producerEpoch, 0, 0, 'late')).toBe(0);
    const coordinator = tb.broker.service(TRANSACTIONS).coordinator;
    while (coordinator.get('slow')!.state !== 'CompleteAbort') await new Promise((r) => setTimeout(r, 20));
    expect(await endTxn(c, 'slow', p.producerId, p.producerEpoch, true)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await latest(c, 1)).toBe(await latest(c, 0));
  });

  it('an idle transactional id expires after transactional.id.expiration.ms, an open one does not, and the expiry survives a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-txn-'));
    dirs.push(dataDir);
    const transaction = { idExpirationMs: 300, removeExpiredIntervalMs: 20 };
    const first = await startTestBroker({ dataDir, transaction });
    await first.broker.topicManager.create({ name: 't', numPartitions: 1, replicationFactor: 1, configs: [] });
    let c = await RawClient.connect(first.port);
    const idle = await init(c, 'idle');
    await addPartitions(c, 'idle', idle.producerId, idle.producerEpoch, [0]);
    expect(await produce(c, 'idle', idle.producerId, idle.producerEpoch, 0, 0, 'done')).toBe(0);
    expect(await endTxn(c, 'idle', idle.producerId, idle.producerEpoch, true)).toBe(0);
    const ongoing = await init(c, 'open', 1, 60_000);
    await addPartitions(c, 'open', ongoing.producerId, ongoing.producerEpoch, [0]);
    const coordinator = first.broker.service(TRANSACTIONS).coordinator;
    while (coordinator.get('idle') !== undefined) await new Promise((r) => setTimeout(r, 20));
    // Ongoing transactions never expire (the transaction timeout aborts them instead).
    expect(coordinator.get('open')?.state).toBe('Ongoing');
    // The expired id's producer id maps to nothing any more.
    expect(await produce(c, 'idle', idle.producerId, idle.producerEpoch, 1, 0, 'late')).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    c.close();
    await first.stop();
    const second = await startTestBroker({ dataDir, transaction: { idExpirationMs: 3_600_000 } });
    c = await RawClient.connect(second.port);
    open.push({ tb: second, c });
    expect(second.broker.service(TRANSACTIONS).coordinator.get('idle')).toBeUndefined();
    // A new InitProducerId with the expired id starts afresh at epoch 0.
    expect(await init(c, 'idle')).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(second.broker.service(TRANSACTIONS).coordinator.get('open')?.state).toBe('Ongoing');
  });

  it('a restarted broker reloads transaction state from __transaction_state', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-txn-'));
    dirs.push(dataDir);
    const first = await startTestBroker({ dataDir });
    await first.broker.topicManager.create({ name: 't', numPartitions: 1, replicationFactor: 1, configs: [] });
    let c = await RawClient.connect(first.port);
    const p = await init(c, 'r');
    await addPartitions(c, 'r', p.producerId, p.producerEpoch, [0]);
    expect(await produce(c, 'r', p.producerId, p.producerEpoch, 0, 0, 'kept')).toBe(0);
    c.close();
    await first.stop();
    const second = await startTestBroker({ dataDir });
    c = await RawClient.connect(second.port);
    open.push({ tb: second, c });
    const m = second.broker.service(TRANSACTIONS).coordinator.get('r')!;
    expect(m).toMatchObject({ state: 'Ongoing', producerId: p.producerId, producerEpoch: p.producerEpoch, partitions: [{ topic: 't', partition: 0 }] });
    expect(await latest(c, 1)).toBe(0n);
    expect(await endTxn(c, 'r', p.producerId, p.producerEpoch, true)).toBe(0);
    expect(await latest(c, 1)).toBe(2n);
  });
});
