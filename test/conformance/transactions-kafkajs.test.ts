/*
 * kafkajs 2.2.4 transactions (InitProducerId v1 with a transactional id, AddPartitionsToTxn v1,
 * AddOffsetsToTxn v1, TxnOffsetCommit v1, EndTxn v1, Fetch v11 with isolation level 1) against the
 * bundled broker:
 *   - committed data is read by read_committed consumers, aborted data never is; read_uncommitted
 *     consumers read both; neither sees a control record;
 *   - consume-transform-produce with sendOffsets: the group's offsets move only on commit;
 *   - zombie fencing: a second producer with the same transactional id fences the first, whose
 *     open transaction is aborted and whose later writes are refused and never become visible.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Reads `topic` from the beginning with a fresh group until every value in `expected` arrived;
 * returns every value read. Records of one partition arrive in offset order, so once the last
 * committed records are in, anything before them in the log has been delivered too.
 */
async function readUntil(kafka: Kafka, topic: string, expected: readonly string[], readUncommitted: boolean): Promise<string[]> {
  const values: string[] = [];
  const c: Consumer = kafka.consumer({ groupId: `reader-${topic}-${readUncommitted}-${Math.random()}`, readUncommitted, maxWaitTimeInMs: 100 });
  await c.connect();
  try {
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await until(() => expected.every((v) => values.includes(v)), 30_000, `${expected.length} values in ${topic}`);
  } finally {
    await c.disconnect();
  }
  return values;
}

describe('kafkajs transactions', () => {
  let tb: TestBroker;
  let kafka: Kafka;
  beforeAll(async () => {
    tb = await startTestBroker();
    kafka = new Kafka({ clientId: 'txn-kjs', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'txn-out', numPartitions: 2 }, { topic: 'txn-in' }, { topic: 'txn-zombie' }] });
    await admin.disconnect();
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('read_committed sees committed data only; read_uncommitted sees aborted data too; no control records', async () => {
    const producer = kafka.producer({ transactionalId: 'kjs-commit-abort', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const batch = (tag: string) => Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}` }));
    let t = await producer.transaction();
    await t.send({ topic: 'txn-out', messages: batch('c1') });
    await t.commit();
    t = await producer.transaction();
    await t.send({ topic: 'txn-out', messages: batch('a1') });
    await t.abort();
    t = await producer.transaction();
    await t.send({ topic: 'txn-out', messages: batch('c2') });
    await t.commit();
    await producer.disconnect();

    const values = (tag: string) => batch(tag).map((m) => m.value);
    const committed = await readUntil(kafka, 'txn-out', [...values('c1'), ...values('c2')], false);
    expect(committed.sort()).toEqual([...values('c1'), ...values('c2')].sort());
    const uncommitted = await readUntil(kafka, 'txn-out', [...values('c1'), ...values('a1'), ...values('c2')], true);
    for (const tag of ['c1', 'a1', 'c2']) {
      for (let i = 0; i < 10; i++) expect(uncommitted).toContain(`${tag}-${i}`);
    }
    expect(uncommitted.every((v) => /^(c1|a1|c2)-\d$/.test(v))).toBe(true);

    // The log holds 30 data records and 3 markers per written partition: LSO = HW, nothing open.
    const txns = tb.broker.service((await import('../../src/broker/txn/txn-service.ts')).TRANSACTIONS).coordinator;
    for (let p = 0; p < 2; p++) {
      const log = tb.broker.partitions.get('txn-out', p)!;
      expect(txns.partitions.lastStableOffset('txn-out', p, log)).toBe(log.highWatermark);
    }
    expect(txns.get('kjs-commit-abort')!.state).toBe('CompleteCommit');
  }, 90_000);

  it('consume-transform-produce: sendOffsets moves the group offset only on commit', async () => {
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: 'txn-in', messages: Array.from({ length: 6 }, (_, i) => ({ value: `in-${i}` })) });
    await plain.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const committedOffset = async () => {
      const r = await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['txn-in'] });
      return r[0]!.partitions[0]!.offset;
    };
    const producer = kafka.producer({ transactionalId: 'kjs-ctp', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      let t = await producer.transaction();
      await t.send({ topic: 'txn-out', messages: [{ value: 'ctp-0' }, { value: 'ctp-1' }, { value: 'ctp-2' }] });
      await t.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '3' }] }] });
      expect(await committedOffset()).toBe('-1');
      await t.commit();
      expect(await committedOffset()).toBe('3');

      t = await producer.transaction();
      await t.send({ topic: 'txn-out', messages: [{ value: 'ctp-aborted' }] });
      await t.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'txn-in', partitions: [{ partition: 0, offset: '6' }] }] });
      await t.abort();
      expect(await committedOffset()).toBe('3');
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }, 60_000);

  it('zombie fencing: the old producer is fenced, its open transaction aborted, its writes never visible', async () => {
    const zombie = kafka.producer({ transactionalId: "kjs-fenced", idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50 } });
    await zombie.connect();
    const zt = await zombie.transaction();
    await zt.send({ topic: 'txn-zombie', messages: [{ value: 'zombie-open' }] });

    const fresh = kafka.producer({ transactionalId: 'kjs-fenced', idempotent: true, maxInFlightRequests: 1 });
    await fresh.connect(); // InitProducerId: bumps the epoch, aborts the zombie's transaction
    const ft = await fresh.transaction();
    await ft.send({ topic: 'txn-zombie', messages: [{ value: 'fresh-0' }] });

    await expect(zt.send({ topic: 'txn-zombie', messages: [{ value: 'zombie-late' }] })).rejects.toThrow();
    await expect(zt.commit()).rejects.toThrow();
    await ft.commit();
    await fresh.disconnect();
    await zombie.disconnect().catch(() => undefined);

    const seen = await readUntil(kafka, 'txn-zombie', ['fresh-0'], false);
    expect(seen).toEqual(['fresh-0']);
  }, 60_000);
});
