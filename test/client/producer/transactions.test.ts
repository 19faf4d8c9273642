/*
 * The transactional producer (KafkaProducer with transactionalId; src/client/producer/transactions.ts)
 * against the bundled broker, as a user sees it through a read_committed consumer: committed
 * records appear together, aborted ones never do (though they are in the log), offsets sent in a
 * transaction are committed with it, an older producer with the same id is fenced and its open
 * transaction never becomes visible, and a failed batch makes the transaction abortable only.
 * Each test ends with a committed sentinel transaction and reads up to it, so "nothing visible"
 * is observed, not assumed. Every test runs twice: against a broker finalizing transaction.version
 * 2 (the producer speaks KIP-890 part 2, txn-protocol.ts) and 1 (part 1).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useFactorySession, type FactorySession } from '../helpers/factory-session.ts';
import type { ConsumedRecord, Producer, ProducerRecord } from '../../../src/client/types.ts';
import { isProducerFenced } from '../../../src/client/producer/transactions.ts';
import { rangeAssignor } from '../helpers/range-assignor.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';

/** The session of the describe block that runs now (one broker per transaction.version). */
let session: FactorySession;

function rec(topic: string, value: string, partition = 0): ProducerRecord {
  return { topic, partition, key: Buffer.from(value), value: Buffer.from(value), timestamp: 1_700_000_000_000, headers: {} };
}

async function txnProducer(id: string): Promise<Producer> {
  const p = session.clients.producer({ transactionalId: id });
  await p.connect();
  return p;
}

/** Values of every committed record of the partitions, read until `sentinel` (a committed value) appears. */
async function readCommitted(topic: string, partitions: number, sentinel: string): Promise<string[]> {
  const c = session.clients.assignedConsumer();
  await c.connect();
  await c.assign(Array.from({ length: partitions }, (_, p) => ({ topic, partition: p })));
  const out: ConsumedRecord[] = [];
  try {
    for (let i = 0; i < 100 && !out.some((r) => r.value?.toString() === sentinel); i++) {
      for (const b of await c.poll(1000, 100)) out.push(...b.records);
    }
  } finally {
    await c.disconnect();
  }
  return out.map((r) => r.value!.toString());
}

async function commitSentinel(p: Producer, topic: string, value = 'sentinel'): Promise<void> {
  p.beginTransaction();
  await p.send([rec(topic, value)]);
  await p.commitTransaction();
}

describe.each([
  { level: 2, protocol: 'v2' },
  { level: 1, protocol: 'v1' },
] as const)('transactional producer, broker transaction.version $level (protocol $protocol)', ({ level, protocol }) => {
  const own = useFactorySession(`txn-test-${level}`, { transaction: { version: level } });
  beforeAll(() => {
    session = own;
  });

  it(`speaks protocol ${protocol}: ${protocol === 'v2' ? 'no AddPartitionsToTxn/AddOffsetsToTxn, the epoch bumped by every EndTxn' : 'AddPartitionsToTxn/AddOffsetsToTxn, the epoch kept across transactions'}`, async () => {
    await session.admin.createTopics([{ topic: 'txn-proto', numPartitions: 1, replicationFactor: 1 }]);
    const metrics = session.broker.broker.metrics;
    const calls = () => [metrics.requests('AddPartitionsToTxn')?.count ?? 0, metrics.requests('AddOffsetsToTxn')?.count ?? 0];
    const before = calls();
    const p = await txnProducer('txn-proto');
    const coordinator = session.broker.broker.service(TRANSACTIONS).coordinator;
    const epoch0 = coordinator.get('txn-proto')!.producerEpoch;
    const group = { groupId: 'txn-proto-group', generationId: -1, memberId: '', groupInstanceId: null };
    for (const v of ['one', 'two']) {
      p.beginTransaction();
      await p.send([rec('txn-proto', v)]);
      await p.sendOffsetsToTransaction([{ topic: 'txn-proto', partition: 0, offset: 1 }], group);
      await p.commitTransaction();
    }
    await commitSentinel(p, 'txn-proto');
    expect(await readCommitted('txn-proto', 1, 'sentinel')).toEqual(['one', 'two', 'sentinel']);
    const m = coordinator.get('txn-proto')!;
    if (protocol === 'v2') {
      expect(calls()).toEqual(before);
      expect(m).toMatchObject({ producerEpoch: epoch0 + 3, clientTransactionVersion: 2 });
    } else {
      // Three transactions, each adding its offsets partition: the sentinel's too, at its start
      // (the group of the last sendOffsetsToTransaction; "Offsets first" in transactions.ts).
      expect(calls().map((n, i) => n - before[i]!)).toEqual([3, 3]);
      expect(m).toMatchObject({ producerEpoch: epoch0, clientTransactionVersion: 0 });
    }
    await p.disconnect();
  });

  it('makes committed records visible to read_committed consumers and hides aborted ones', async () => {
    await session.admin.createTopics([{ topic: 'txn-a', numPartitions: 2, replicationFactor: 1 }]);
    const p = await txnProducer('txn-a');
    p.beginTransaction();
    await p.send([rec('txn-a', 'c1', 0), rec('txn-a', 'c2', 1)]);
    await p.commitTransaction();
    p.beginTransaction();
    await p.send([rec('txn-a', 'a1', 0), rec('txn-a', 'a2', 1)]);
    await p.abortTransaction();
    await commitSentinel(p, 'txn-a');
    expect((await readCommitted('txn-a', 2, 'sentinel')).sort()).toEqual(['c1', 'c2', 'sentinel']);
    // The aborted records are in the log all the same (plus one marker per partition and transaction).
    const ends = await session.admin.listOffsets([{ topic: 'txn-a', partition: 0 }, { topic: 'txn-a', partition: 1 }], 'latest');
    expect(ends.map((e) => e.offset)).toEqual([6, 4]);
    await p.disconnect();
  });

  it('commits consumed offsets with the transaction, and only then', async () => {
    await session.admin.createTopics([{ topic: 'txn-in', numPartitions: 1, replicationFactor: 1 }, { topic: 'txn-out', numPartitions: 1, replicationFactor: 1 }]);
    await session.producer.send([rec('txn-in', 'i0'), rec('txn-in', 'i1'), rec('txn-in', 'i2')]);
    const consumer = session.clients.consumer({ groupId: 'txn-group', assignor: rangeAssignor('txn') });
    await consumer.connect();
    await consumer.subscribe(['txn-in']);
    let got: ConsumedRecord[] = [];
    for (let i = 0; i < 50 && got.length < 3; i++) for (const b of await consumer.poll(100, 100)) got = got.concat(b.records);
    expect(got.map((r) => r.value!.toString())).toEqual(['i0', 'i1', 'i2']);

    const p = await txnProducer('txn-offsets');
    p.beginTransaction();
    await p.send([rec('txn-out', 'o0')]);
    await p.sendOffsetsToTransaction([{ topic: 'txn-in', partition: 0, offset: 2 }], consumer.groupMetadata());
    await p.abortTransaction();
    expect(await consumer.committed([{ topic: 'txn-in', partition: 0 }])).toEqual([{ topic: 'txn-in', partition: 0, offset: -1 }]);

    p.beginTransaction();
    await p.send([rec('txn-out', 'o1')]);
    await p.sendOffsetsToTransaction([{ topic: 'txn-in', partition: 0, offset: 3 }], consumer.groupMetadata());
    await p.commitTransaction();
    expect(await consumer.committed([{ topic: 'txn-in', partition: 0 }])).toEqual([{ topic: 'txn-in', partition: 0, offset: 3 }]);
    expect(await readCommitted('txn-out', 1, 'o1')).toEqual(['o1']);
    await p.disconnect();
    await consumer.disconnect();
  });

  it('fences an older producer with the same transactional id: its open transaction never becomes visible', async () => {
    await session.admin.createTopics([{ topic: 'txn-zombie', numPartitions: 1, replicationFactor: 1 }]);
    const zombie = await txnProducer('txn-zombie');
    zombie.beginTransaction();
    await zombie.send([rec('txn-zombie', 'zombie-1')]);
    const successor = await txnProducer('txn-zombie');
    // The zombie's next write and its commit are refused as fenced.
    const sendError = await zombie.send([rec('txn-zombie', 'zombie-2')]).then(() => undefined, (e: unknown) => e);
    const commitError = await zombie.commitTransaction().then(() => undefined, (e: unknown) => e);
    expect(isProducerFenced(sendError) || isProducerFenced(commitError)).toBe(true);
    expect(commitError).toBeInstanceOf(Error);
    await commitSentinel(successor, 'txn-zombie');
    expect(await readCommitted('txn-zombie', 1, 'sentinel')).toEqual(['sentinel']);
    await zombie.disconnect();
    await successor.disconnect();
  });

  it('lets a transaction with a failed batch only abort, then carries on under a new epoch', async () => {
    await session.admin.createTopics([{ topic: 'txn-fail', numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '2000' } }]);
    const p = await txnProducer('txn-fail');
    p.beginTransaction();
    await p.send([rec('txn-fail', 'ok-but-aborted')]);
    await expect(p.send([rec('txn-fail', 'x'.repeat(5000))])).rejects.toThrow(/MESSAGE_TOO_LARGE|RECORD_TOO_LARGE/);
    await expect(p.commitTransaction()).rejects.toThrow();
    await expect(p.send([rec('txn-fail', 'after-failure')])).rejects.toThrow();
    await p.abortTransaction();
    await commitSentinel(p, 'txn-fail');
    expect(await readCommitted('txn-fail', 1, 'sentinel')).toEqual(['sentinel']);
    await p.disconnect();
  });

  // Part 1 only: with part 2 the coordinator never aborts at the producer's epoch (a timeout or a
  // new instance fences it first, the test above shows that), and a Produce v12 after such an
  // abort would simply start the next transaction.
  it.runIf(protocol === 'v1')('treats TRANSACTION_ABORTABLE (KIP-890) as abortable: the send and commit fail, abort works, the producer carries on', async () => {
    // The open transaction is aborted on the broker behind the producer's back (as an operator's
    // abort of a hanging transaction would): the partition is no longer in an ongoing transaction,
    // so the broker's verification refuses the next batch with 120 (Produce v11 is negotiated).
    await session.admin.createTopics([{ topic: 'txn-abortable', numPartitions: 1, replicationFactor: 1, configs: {} }]);
    const p = await txnProducer('txn-abortable');
    p.beginTransaction();
    await p.send([rec('txn-abortable', 'before-server-abort')]);
    const coordinator = session.broker.broker.service(TRANSACTIONS).coordinator;
    const m = coordinator.get('txn-abortable')!;
    expect(await coordinator.endTxn('txn-abortable', { producerId: m.producerId, producerEpoch: m.producerEpoch }, false, 4)).toBe(0);

    const sendError = await p.send([rec('txn-abortable', 'refused')]).then(() => null, (e: unknown) => e);
    expect(sendError).toMatchObject({ kafkaType: 'TRANSACTION_ABORTABLE', retriable: false });
    expect(isProducerFenced(sendError)).toBe(false);
    await expect(p.commitTransaction()).rejects.toMatchObject({ kafkaType: 'TRANSACTION_ABORTABLE' });
    await p.abortTransaction();
    await commitSentinel(p, 'txn-abortable');
    expect(await readCommitted('txn-abortable', 1, 'sentinel')).toEqual(['sentinel']);
    await p.disconnect();
  });

  describe('a transaction aborted on the broker after its last batch was acknowledged', () => {
    // Nothing the producer sends after such an abort touches a partition of the old transaction
    // except the commit itself: AddOffsetsToTxn alone would begin a new transaction holding only
    // the offsets, and the commit would then commit the consumed offsets of aborted output. The
    // offsets partition joins each transaction at its start instead ("Offsets first" in
    // transactions.ts), so TxnOffsetCommit is refused and nothing is committed.
    async function scenario(id: string, options: { offsetsGroupId?: string; warmUp?: boolean }) {
      const input = `${id}-in`;
      const output = `${id}-out`;
      await session.admin.createTopics([{ topic: input, numPartitions: 1, replicationFactor: 1 }, { topic: output, numPartitions: 1, replicationFactor: 1 }]);
      await session.producer.send([rec(input, 'i0'), rec(input, 'i1')]);
      const consumer = session.clients.consumer({ groupId: `${id}-group`, assignor: rangeAssignor('txn') });
      await consumer.connect();
      await consumer.subscribe([input]);
      for (let i = 0; i < 50 && (await consumer.poll(100, 100)).length === 0; i++);
      const p = session.clients.producer({ transactionalId: id, offsetsGroupId: options.offsetsGroupId });
      await p.connect();
      if (options.warmUp === true) {
        // A committed transaction whose offsets name the group: the next one starts with it.
        p.beginTransaction();
        await p.send([rec(output, 'warm-up')]);
        await p.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 1 }], consumer.groupMetadata());
        await p.commitTransaction();
      }
      p.beginTransaction();
      await p.send([rec(output, 'aborted-on-the-broker')]);
      const coordinator = session.broker.broker.service(TRANSACTIONS).coordinator;
      const m = coordinator.get(id)!;
      expect(await coordinator.endTxn(id, { producerId: m.producerId, producerEpoch: m.producerEpoch }, false, 4)).toBe(0);

      const offsetsError = await p.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 2 }], consumer.groupMetadata()).then(() => null, (e: unknown) => e);
      expect(offsetsError).toMatchObject({ kafkaType: 'TRANSACTION_ABORTABLE' });
      await expect(p.commitTransaction()).rejects.toMatchObject({ kafkaType: 'TRANSACTION_ABORTABLE' });
      await p.abortTransaction();
      expect(await consumer.committed([{ topic: input, partition: 0 }])).toEqual([{ topic: input, partition: 0, offset: options.warmUp === true ? 1 : -1 }]);
      // The producer carries on: the same offsets commit with the records of a new transaction.
      p.beginTransaction();
      await p.send([rec(output, 'sentinel')]);
      await p.sendOffsetsToTransaction([{ topic: input, partition: 0, offset: 2 }], consumer.groupMetadata());
      await p.commitTransaction();
      expect(await consumer.committed([{ topic: input, partition: 0 }])).toEqual([{ topic: input, partition: 0, offset: 2 }]);
      const expected = options.warmUp === true ? ['warm-up', 'sentinel'] : ['sentinel'];
      expect(await readCommitted(output, 1, 'sentinel')).toEqual(expected);
      await p.disconnect();
      await consumer.disconnect();
    }

    // Part 1 only: under part 2 such an abort bumps the epoch (EndTxn v5), so the producer is
    // fenced instead (test/integration/streams-transaction-abortable.test.ts runs both levels).
    it.runIf(protocol === 'v1')('with offsetsGroupId, even its first transaction: the offsets are refused (120) and not committed', async () => {
      await scenario('txn-late-abort-first', { offsetsGroupId: 'txn-late-abort-first-group' });
    });

    it.runIf(protocol === 'v1')('without it, every transaction after one that sent offsets: the offsets are refused (120) and not committed', async () => {
      await scenario('txn-late-abort-next', { warmUp: true });
    });
  });

  it('refuses transactional calls out of order, with the call named', async () => {
    const p = await txnProducer('txn-order');
    await expect(p.send([rec('txn-a', 'outside')])).rejects.toThrow(/send\(\) is not allowed while the transactional producer "txn-order" is ready/);
    await expect(p.commitTransaction()).rejects.toThrow(/commitTransaction\(\) is not allowed/);
    p.beginTransaction();
    expect(() => p.beginTransaction()).toThrow(/beginTransaction\(\) is not allowed .* inTransaction/);
    await p.commitTransaction(); // nothing added: ends locally
    await p.disconnect();
    const plain = session.clients.producer();
    await plain.connect();
    expect(() => plain.beginTransaction()).toThrow(/needs a transactional producer/);
    await plain.disconnect();
  });
});
