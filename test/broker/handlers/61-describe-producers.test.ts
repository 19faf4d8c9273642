/*
 * DescribeProducers on the wire: an idempotent producer and a producer with an open transaction
 * are listed with their epoch, last sequence, last timestamp and transaction start; once the
 * broker's clock is past producer.id.expiration.ms the idle one is gone and the one with an open
 * transaction stays (the clock is moved ahead, nothing waits for the expiration itself). Unknown
 * partitions answer UNKNOWN_TOPIC_OR_PARTITION.
 */
import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { PRODUCERS } from '../../../src/broker/txn/service.ts';
import { RawClient } from '../raw-client.ts';
import { AheadClock } from '../ahead-clock.ts';
import { addTxnPartitions, cleanupAfterEach, initTxn, produceKeyed } from '../txn/txn-requests.ts';

const { open } = cleanupAfterEach();

describe('DescribeProducers', () => {
  it('lists the active producers of a partition, and no longer an expired one', async () => {
    const clock = new AheadClock();
    const tb = await startTestBroker({ producer: { idExpirationMs: 60_000, idExpirationCheckIntervalMs: 10 }, deps: { clock } });
    const c = await RawClient.connect(tb.port);
    open.push({ tb, c });
    await tb.broker.topicManager.create({ name: 'p', numPartitions: 1, replicationFactor: 1, configs: [] });
    const idem = (await c.request(22, 1, { transactionalId: null, transactionTimeoutMs: 0, producerId: -1n, producerEpoch: -1 })).producerId as bigint;
    const written = clock.now(); // a CreateTime on the broker's clock (expiration is measured from it)
    const records = buildRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { producerId: idem, producerEpoch: 0, baseSequence: 0, timestamp: written });
    await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'p', partitionData: [{ index: 0, records }] }] });
    const x = await initTxn(c, 'x', 600_000);
    expect(await addTxnPartitions(c, 'x', x, 'p', [0])).toEqual([0]);
    expect(await produceKeyed(c, 'p', 'k', 'v', { id: 'x', p: x, seq: 0 })).toBe(0);

    const describe = async () => (await c.request(61, 0, { topics: [{ name: 'p', partitionIndexes: [0, 7] }] })).topics[0]!.partitions;
    const [p0, p7] = await describe();
    expect(p7).toMatchObject({ partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, activeProducers: [] });
    expect(p0!.errorCode).toBe(0);
    expect(p0!.activeProducers).toEqual([
      { producerId: idem, producerEpoch: 0, lastSequence: 1, lastTimestamp: BigInt(written), coordinatorEpoch: -1, currentTxnStartOffset: -1n },
      expect.objectContaining({ producerId: x.producerId, producerEpoch: x.producerEpoch, lastSequence: 0, currentTxnStartOffset: 2n }),
    ]);

    clock.ahead = 60_000;
    while (tb.broker.service(PRODUCERS).state.peek('p', 0)?.producers.has(idem) === true) await new Promise((r) => setTimeout(r, 5));
    const [after] = await describe();
    expect(after!.activeProducers.map((p: { producerId: bigint }) => p.producerId)).toEqual([x.producerId]);
  });
});
