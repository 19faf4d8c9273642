/*
 * `tributary transactions list|describe` against a live broker (ListTransactions,
 * FindCoordinator key type 1, DescribeTransactions over the wire client), through the command's
 * commander registration. One transaction is left open, one committed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { runCommand } from './run-command.ts';
import { registerTransactionsCommands } from '../../../src/cli/commands/transactions.ts';

const run = (args: string[]): Promise<string> => runCommand(registerTransactionsCommands, args);

describe('tributary transactions', () => {
  let tb: TestBroker;
  let producers: Producer[] = [];
  beforeAll(async () => {
    tb = await startTestBroker();
    const kafka = new Kafka({ clientId: 'cli-txn', brokers: [tb.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cli-txn', numPartitions: 2 }] });
    await admin.disconnect();
    const done = kafka.producer({ transactionalId: 'cli-done', idempotent: true, maxInFlightRequests: 1 });
    const open = kafka.producer({ transactionalId: 'cli-open', idempotent: true, maxInFlightRequests: 1 });
    producers = [done, open];
    await done.connect();
    await open.connect();
    const t1 = await done.transaction();
    await t1.send({ topic: 'cli-txn', messages: [{ partition: 0, value: 'a' }] });
    await t1.commit();
    const t2 = await open.transaction();
    await t2.send({ topic: 'cli-txn', messages: [{ partition: 1, value: 'b' }, { partition: 0, value: 'c' }] });
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await tb?.stop();
  });

  it('list shows every transactional id with its state; --state filters', async () => {
    const rows = (await run(['transactions', 'list', '--bootstrap-server', tb.bootstrap])).trim().split('\n').map((l) => l.trim().split(/\s+/));
    expect(rows[0]).toEqual(['TRANSACTIONAL-ID', 'PRODUCER-ID', 'STATE']);
    expect(rows.slice(1).map((r) => [r[0], r[2]])).toEqual([['cli-done', 'CompleteCommit'], ['cli-open', 'Ongoing']]);
    const ongoing = (await run(['transactions', 'list', '--state', 'Ongoing', '--bootstrap-server', tb.bootstrap])).trim().split('\n');
    expect(ongoing.slice(1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['cli-open']);
  });

  it('describe shows the open transaction and its partitions', async () => {
    const out = await run(['transactions', 'describe', 'cli-open', '--bootstrap-server', tb.bootstrap]);
    expect(out).toMatch(/State:\s+Ongoing/);
    expect(out).toMatch(/epoch 0/);
    const partitions = out.split('\n').filter((l) => /^cli-txn\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    expect(partitions).toEqual(['0', '1']);
  });

  it('describe of an unknown id and an unknown state filter fail with clear errors', async () => {
    await expect(run(['transactions', 'describe', 'nope', '--bootstrap-server', tb.bootstrap])).rejects.toThrow(/nope/);
    await expect(run(['transactions', 'list', '--state', 'Committing', '--bootstrap-server', tb.bootstrap])).rejects.toThrow(/unknown transaction state\(s\): Committing/);
  });
});
