/*
 * Broker hardening seen from real clients: kcat (librdkafka) cannot append to __consumer_offsets
 * ("Broker: Invalid topic") and the groups stored there are untouched; after a batch with a valid
 * CRC but a lying record count was refused, kcat and kafka-python still read the partition whole
 * (before record validation, librdkafka looped on "Read underflow" and kafka-python raised
 * CorruptRecordException).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { Offsets, updateCrc } from '../../src/protocol/records/batch-header.ts';
import { RawClient, makeBatch } from '../broker/raw-client.ts';
import { kcat, kcatConsumeAll, python } from './helpers/clients.ts';
import { createTopic } from './helpers/setup.ts';

describe('broker hardening against real clients', () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker();
  });
  afterEach(async () => {
    await broker.stop();
  });

  it('kcat cannot produce to __consumer_offsets', async () => {
    const before = broker.broker.partitions.get('__consumer_offsets', 0)?.logEndOffset ?? 0;
    const r = await kcat(broker.bootstrap, ['-P', '-t', '__consumer_offsets', '-K', ':'], { input: 'phantom-group:garbage\n', allowFailure: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Broker: Invalid topic');
    expect(broker.broker.partitions.get('__consumer_offsets', 0)?.logEndOffset ?? 0).toBe(before);
  });

  it('a refused lying batch leaves the partition readable by kcat and kafka-python', async () => {
    const topic = 'after-lie';
    await createTopic(broker.bootstrap, topic, 1);
    const c = await RawClient.connect(broker.port);
    try {
      const produce = (records: Buffer) =>
        c.request(0, 8, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
      await produce(makeBatch([{ key: 'a', value: 'before' }]));
      const lie = makeBatch([{ value: 'x' }]);
      lie.writeInt32BE(0x7fffffff, Offsets.recordCount);
      lie.writeInt32BE(0x7ffffffe, Offsets.lastOffsetDelta);
      updateCrc(lie);
      expect((await produce(lie)).responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
      await produce(makeBatch([{ key: 'b', value: 'after' }]));
    } finally {
      c.close();
    }
    const viaKcat = await kcatConsumeAll(broker.bootstrap, topic);
    expect(viaKcat.map((m) => [m.offset, m.payload])).toEqual([
      [0, 'before'],
      [1, 'after'],
    ]);
    const [done] = await python<{ received: number; end: number }>('kafka_python_read_all.py', [broker.bootstrap, topic]);
    expect(done).toEqual({ type: 'done', received: 2, end: 2 });
  });
});
