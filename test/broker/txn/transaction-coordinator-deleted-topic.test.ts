/*
 * A transaction whose partition's topic is deleted (DeleteTopics) and re-created under the same
 * name before the transaction ends: its marker must not land in the new topic, before or after a
 * broker restart.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';
import { RawClient } from '../raw-client.ts';
import { addTxnPartitions, cleanupAfterEach, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const { open, dirs } = cleanupAfterEach();

const create = (tb: TestBroker, name: string) => tb.broker.topicManager.create({ name, numPartitions: 1, replicationFactor: 1, configs: [] });

async function deleteTopic(c: RawClient, name: string): Promise<number> {
  const r = await c.request(20, 4, { topicNames: [name], timeoutMs: 5000 });
  return r.responses[0]!.errorCode;
}

describe('transactions and DeleteTopics', () => {
  it('a deleted topic leaves every transaction: no marker goes into a namesake re-created before the commit, also after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-txn-'));
    dirs.push(dataDir);
    const first = await startTestBroker({ dataDir });
    await create(first, 't');
    await create(first, 'u');
    let c = await RawClient.connect(first.port);
    const x = await initTxn(c, 'x');
    const y = await initTxn(c, 'y');
    for (const [id, p] of [['x', x], ['y', y]] as const) {
      expect(await addTxnPartitions(c, id, p, 't', [0])).toEqual([0]);
      expect(await addTxnPartitions(c, id, p, 'u', [0])).toEqual([0]);
      expect(await produceKeyed(c, 't', 'k', `${id}-old-t`, { id, p, seq: 0 })).toBe(0);
      expect(await produceKeyed(c, 'u', 'k', `${id}-u`, { id, p, seq: 0 })).toBe(0);
    }
    expect(await deleteTopic(c, 't')).toBe(0);
    await create(first, 't');
    const coordinator = first.broker.service(TRANSACTIONS).coordinator;
    expect(coordinator.get('x')!.partitions).toEqual([{ topic: 'u', partition: 0 }]);
    // The new t is not part of the transaction: producing to it needs AddPartitionsToTxn again.
    expect(await produceKeyed(c, 't', 'k', 'x-new-t', { id: 'x', p: x, seq: 1 })).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await endTxn(c, 'x', x, true)).toBe(0);
    expect(first.broker.partitions.get('t', 0)!.logEndOffset).toBe(0); // no marker in the new t
    expect(first.broker.partitions.get('u', 0)!.logEndOffset).toBe(3); // x's and y's data, x's marker

    // y is still open; the forgotten partition is durable in __transaction_state
    c.close();
    await first.stop();
    const second = await startTestBroker({ dataDir });
    c = await RawClient.connect(second.port);
    open.push({ tb: second, c });
    expect(second.broker.service(TRANSACTIONS).coordinator.get('y')).toMatchObject({ state: 'Ongoing', partitions: [{ topic: 'u', partition: 0 }] });
    expect(await endTxn(c, 'y', y, false)).toBe(0);
    expect(second.broker.partitions.get('t', 0)!.logEndOffset).toBe(0);
    expect(second.broker.partitions.get('u', 0)!.logEndOffset).toBe(4);
  });
});
