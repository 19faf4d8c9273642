/*
 * The DeleteTopics / CreateTopics race: a transaction's EndTxn is in flight (its Prepare record
 * not yet durable) when another client deletes the transaction's topic and a third re-creates it
 * under the same name. Before the fix, the partitions left the transaction only after the delete
 * (queued behind the EndTxn), so the namesake was created first and the marker landed in it. The
 * durability of __transaction_state is held back by a gate, so the order of events is fixed: the
 * gate opens once either the namesake exists (the race) or the transaction has already dropped the
 * topic (the fix). No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { TRANSACTIONS } from '../../../src/broker/txn/txn-service.ts';
import { TRANSACTION_STATE_TOPIC } from '../../../src/broker/txn/txn-log.ts';
import { RawClient } from '../raw-client.ts';
import { addTxnPartitions, cleanupAfterEach, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const { open } = cleanupAfterEach();

/** Waits, a turn of the event loop at a time, until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setImmediate(r));
}

describe('DeleteTopics racing a CreateTopics of the same name', () => {
  it('no marker of a transaction reaches the namesake, even while an EndTxn is in flight', async () => {
    const tb = await startTestBroker();
    const [a, b, c] = [await RawClient.connect(tb.port), await RawClient.connect(tb.port), await RawClient.connect(tb.port)];
    open.push({ tb, c: a });
    const closeOthers = () => {
      b.close();
      c.close();
    };
    try {
      await tb.broker.topicManager.create({ name: 't', numPartitions: 1, replicationFactor: 1, configs: [] });
      const x = await initTxn(a, 'x');
      expect(await addTxnPartitions(a, 'x', x, 't', [0])).toEqual([0]);
      expect(await produceKeyed(a, 't', 'k', 'v', { id: 'x', p: x, seq: 0 })).toBe(0);

      // Hold every __transaction_state write short of durable until the gate opens.
      const stateLog = tb.broker.partitions.get(TRANSACTION_STATE_TOPIC, 0)!;
      const durable = stateLog.waitDurable.bind(stateLog);
      let open_: () => void = () => undefined;
      const gate = new Promise<void>((r) => (open_ = r));
      stateLog.waitDurable = (offset: number) => gate.then(() => durable(offset));

      const stateEnd = stateLog.logEndOffset;
      const ended = endTxn(a, 'x', x, true);
      await until(() => stateLog.logEndOffset > stateEnd); // PrepareCommit appended, waiting for the gate
      const deleted = b.request(20, 4, { topicNames: ['t'], timeoutMs: 5000 });
      let createdDone = false;
      const created = c
        .request(19, 3, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 })
        .finally(() => (createdDone = true));
      const coordinator = tb.broker.service(TRANSACTIONS).coordinator;
      await until(() => createdDone || !coordinator.get('x')!.partitions.some((tp) => tp.topic === 't'));
      open_();

      expect(await ended).toBe(0);
      expect((await deleted).responses[0]!.errorCode).toBe(0);
      expect((await created).topics[0]!.errorCode).toBe(0);
      expect(coordinator.get('x')).toMatchObject({ state: 'CompleteCommit', partitions: [] });
      expect(tb.broker.partitions.get('t', 0)!.logEndOffset).toBe(0); // no marker in the namesake
    } finally {
      closeOthers();
    }
  });
});
