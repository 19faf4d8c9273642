/*
 * confluent-kafka-python 1.7.0 / librdkafka 2.0.2 transactions (FindCoordinator key type 1,
 * InitProducerId v1, AddPartitionsToTxn v0, EndTxn v1, Fetch v11 isolation levels) against the
 * bundled broker: a committed, an aborted and a committed transaction; read_committed consumers
 * read the 20 committed records only, read_uncommitted consumers all 30, neither a control record
 * (librdkafka skips them; the offsets of the records read show the 3 marker offsets missing).
 * Consume-transform-produce with send_offsets_to_transaction (AddOffsetsToTxn v0, TxnOffsetCommit
 * v2 with the consumer's group metadata): the group's committed offset moves only on commit.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { python } from './helpers/clients.ts';
import { buildRecordBatch } from '../../src/protocol/records/record-batch.ts';
import { GROUPS } from '../../src/broker/coordinator/service.ts';

interface Line {
  type: string;
  offset?: number;
  value?: string;
  delivered?: number;
  count?: number;
  errors?: string[];
}

const values = (tag: string) => Array.from({ length: 10 }, (_, i) => `${tag}-${i}`);

describe('confluent-kafka transactions', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
    await tb.broker.topicManager.create({ name: 'ck-txn', numPartitions: 1, replicationFactor: 1, configs: [] });
  });
  afterAll(async () => {
    await tb?.stop();
  });

  it('commit and abort, read by read_committed and read_uncommitted consumers', async () => {
    const produced = await python<Line>('confluent_txn.py', ['produce', tb.bootstrap, 'ck-txn', 'ck-txn-id']);
    expect(produced.at(-1)).toMatchObject({ type: 'done', delivered: 30, errors: [] });
    // 30 records + 3 markers.
    expect(tb.broker.partitions.get('ck-txn', 0)!.logEndOffset).toBe(33);

    const committed = await python<Line>('confluent_txn.py', ['consume', tb.bootstrap, 'ck-txn', 'read_committed']);
    const cRecords = committed.filter((l) => l.type === 'record');
    expect(cRecords.map((l) => l.value)).toEqual([...values('c1'), ...values('c2')]);
    // c1 at 0-9, COMMIT at 10, a1 at 11-20, ABORT at 21, c2 at 22-31, COMMIT at 32.
    expect(cRecords.map((l) => l.offset)).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 22 + i)]);

    const uncommitted = await python<Line>('confluent_txn.py', ['consume', tb.bootstrap, 'ck-txn', 'read_uncommitted']);
    const uRecords = uncommitted.filter((l) => l.type === 'record');
    expect(uRecords.map((l) => l.value)).toEqual([...values('c1'), ...values('a1'), ...values('c2')]);
  }, 120_000);

  it('send_offsets_to_transaction commits the consumer group offset only when the transaction commits', async () => {
    await tb.broker.topicManager.create({ name: 'ck-in', numPartitions: 1, replicationFactor: 1, configs: [] });
    tb.broker.append('ck-in', 0, buildRecordBatch(Array.from({ length: 5 }, (_, i) => ({ value: Buffer.from(`in-${i}`) }))));
    const offsets = tb.broker.service(GROUPS).offsets;

    const aborted = await python<{ type: string; positions: Record<string, number> }>('confluent_txn.py', ['ctp', tb.bootstrap, 'ck-in', 'ck-out', 'ck-ctp', 'ck-ctp-id', '5', 'abort']);
    expect(aborted.at(-1)).toMatchObject({ type: 'done', positions: { '0': 5 } });
    expect(offsets.get('ck-ctp', 'ck-in', 0)).toBeUndefined();

    const committed = await python<{ type: string; positions: Record<string, number> }>('confluent_txn.py', ['ctp', tb.bootstrap, 'ck-in', 'ck-out', 'ck-ctp', 'ck-ctp-id', '5', 'commit']);
    expect(committed.at(-1)).toMatchObject({ type: 'done', positions: { '0': 5 } });
    expect(offsets.get('ck-ctp', 'ck-in', 0)?.offset).toBe(5n);
    const out = await python<Line>('confluent_txn.py', ['consume', tb.bootstrap, 'ck-out', 'read_committed']);
    expect(out.filter((l) => l.type === 'record').map((l) => l.value)).toEqual(['IN-0', 'IN-1', 'IN-2', 'IN-3', 'IN-4']);
  }, 120_000);
});
