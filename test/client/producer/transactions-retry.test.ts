/*
 * The transactional producer's retries of coordinator answers (src/client/producer/transactions.ts,
 * "Errors"): a retriable answer (CONCURRENT_TRANSACTIONS, COORDINATOR_LOAD_IN_PROGRESS) is retried
 * for at most maxBlockMs, as Java's TransactionManager bounds its calls by max.block.ms, and then
 * fails the call with the coordinator's error named — abortable, never a retry without end. The
 * bundled broker's coordinator is made to answer retriably forever by replacing one of its
 * methods for the duration of a test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useFactorySession } from '../helpers/factory-session.ts';
import type { Producer, ProducerRecord } from '../../../src/client/types.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';
import type { TransactionCoordinator } from '../../../src/broker/txn/transaction-coordinator.ts';

// One broker per transaction.version: level 1 serves the part-1 requests (EndTxn v4,
// AddPartitionsToTxn), level 2 the v2 ones (EndTxn v5; partitions are added by Produce v12).
const sessions = { 1: useFactorySession('txn-retry-test-1', { transaction: { version: 1 } }), 2: useFactorySession('txn-retry-test-2') };
let session = sessions[1];
const MAX_BLOCK_MS = 300;
const restore: (() => void)[] = [];
afterEach(() => {
  for (const r of restore.splice(0)) r();
});

function rec(topic: string, value: string): ProducerRecord {
  return { topic, partition: 0, key: null, value: Buffer.from(value), timestamp: 1_700_000_000_000, headers: {} };
}

function coordinator(): TransactionCoordinator {
  return session.broker.broker.service(TRANSACTIONS).coordinator;
}

/** Makes the coordinator's `method` answer `answer` until `undo()`; `calls()` counts the requests. */
function stuck<K extends 'endTxn' | 'endTxnV2' | 'addPartitions'>(method: K, answer: (...args: Parameters<TransactionCoordinator[K]>) => ReturnType<TransactionCoordinator[K]>): { undo(): void; calls(): number } {
  const c = coordinator() as unknown as Record<string, unknown>;
  const original = c[method];
  let calls = 0;
  c[method] = (...args: Parameters<TransactionCoordinator[K]>) => {
    calls++;
    return answer(...args);
  };
  const undo = () => {
    c[method] = original;
  };
  restore.push(undo);
  return { undo, calls: () => calls };
}

async function txnProducer(id: string): Promise<Producer> {
  const p = session.clients.producer({ transactionalId: id, maxBlockMs: MAX_BLOCK_MS });
  await p.connect();
  return p;
}

describe('transactional producer retries', () => {
  it.each([1, 2] as const)('EndTxn answered CONCURRENT_TRANSACTIONS forever (transaction.version %s): the commit fails after maxBlockMs, naming it, and the transaction can be aborted once the coordinator recovers', async (level) => {
    session = sessions[level];
    const topic = `retry-end-${level}`;
    await session.admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const p = await txnProducer(topic);
    p.beginTransaction();
    await p.send([rec(topic, 'a')]);
    const coord =
      level === 1
        ? stuck('endTxn', () => Promise.resolve(ErrorCode.CONCURRENT_TRANSACTIONS))
        : stuck('endTxnV2', () => Promise.resolve({ errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, producerId: -1n, producerEpoch: -1 }));
    const error = await p.commitTransaction().then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ kafkaType: 'CONCURRENT_TRANSACTIONS', retriable: false });
    expect((error as Error).message).toMatch(/committing the transaction for transactional id "retry-end-\d" failed: CONCURRENT_TRANSACTIONS \(Kafka error 51\) after retrying for \d+ ms/);
    // Retried, not given up at the first answer.
    expect(coord.calls()).toBeGreaterThan(1);
    // Abortable: a second commit is refused with the same error, without asking the coordinator.
    await expect(p.commitTransaction()).rejects.toBe(error);
    coord.undo();
    await p.abortTransaction();
    p.beginTransaction();
    await p.send([rec(topic, 'b')]);
    await p.commitTransaction();
    await p.disconnect();
  });

  it('AddPartitionsToTxn answered COORDINATOR_LOAD_IN_PROGRESS forever: the send fails after maxBlockMs and the transaction is abortable', async () => {
    session = sessions[1];
    await session.admin.createTopics([{ topic: 'retry-add', numPartitions: 1, replicationFactor: 1 }]);
    const p = await txnProducer('retry-add');
    p.beginTransaction();
    const coord = stuck('addPartitions', (_id, _p, parts) => Promise.resolve(new Map(parts.map((tp) => [tp, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]))));
    const error = await p.send([rec('retry-add', 'a')]).then(() => null, (e: unknown) => e);
    expect(error).toMatchObject({ kafkaType: 'COORDINATOR_LOAD_IN_PROGRESS' });
    expect((error as Error).message).toMatch(/after retrying for \d+ ms/);
    await expect(p.send([rec('retry-add', 'b')])).rejects.toMatchObject({ kafkaType: 'COORDINATOR_LOAD_IN_PROGRESS' });
    await expect(p.commitTransaction()).rejects.toMatchObject({ kafkaType: 'COORDINATOR_LOAD_IN_PROGRESS' });
    expect(coord.calls()).toBeGreaterThan(1);
    coord.undo();
    // Nothing reached the coordinator: the abort ends locally; the next transaction works.
    await p.abortTransaction();
    p.beginTransaction();
    await p.send([rec('retry-add', 'c')]);
    await p.commitTransaction();
    await p.disconnect();
  });
});
