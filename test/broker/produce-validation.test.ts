// Produce against a live broker: a batch with a valid CRC but bad records is refused with the
// failing record named (Produce v8+ RecordErrors, KIP-467) and leaves the partition readable;
// clients cannot append to internal topics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../src/protocol/error-codes.ts';
import { decodeRecords } from '../../src/protocol/records/record-batch.ts';
import { Offsets, updateCrc } from '../../src/protocol/records/batch-header.ts';
import { RawClient, makeBatch } from './raw-client.ts';

let tb: TestBroker;
let c: RawClient;
beforeAll(async () => {
  tb = await startTestBroker();
  c = await RawClient.connect(tb.port);
});
afterAll(async () => {
  c.close();
  await tb.stop();
});

function produce(topic: string, records: Buffer, version = 8) {
  return c.request(0, version, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
}

async function fetchAll(topic: string) {
  const res = await c.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = res.responses[0]!.partitions[0]!;
  return { highWatermark: Number(p.highWatermark), batches: decodeRecords(p.records) };
}

describe('Produce record validation', () => {
  it('refuses a lying record count with CORRUPT_MESSAGE and the record index, and the partition stays readable', async () => {
    expect((await produce('pv', makeBatch([{ key: 'a', value: 'first' }]))).responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    const bad = makeBatch([{ value: 'x' }, { value: 'y' }]);
    bad.writeInt32BE(5, Offsets.recordCount);
    bad.writeInt32BE(4, Offsets.lastOffsetDelta);
    updateCrc(bad);
    const r = (await produce('pv', bad)).responses[0]!.partitionResponses[0]!;
    expect(r.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(r.recordErrors).toEqual([{ batchIndex: 2, batchIndexErrorMessage: expect.stringContaining('holds only 2') }]);
    expect(r.errorMessage).toMatch(/record 2/);
    expect((await produce('pv', makeBatch([{ value: 'second' }]))).responses[0]!.partitionResponses[0]!.baseOffset).toBe(1n);
    const read = await fetchAll('pv');
    expect(read.highWatermark).toBe(2);
    expect(read.batches.flatMap((b) => b.records.map((rec) => rec.value?.toString()))).toEqual(['first', 'second']);
  });

  it('answers keyless records on a compacted topic with INVALID_RECORD and every keyless index', async () => {
    const created = await c.request(19, 4, {
      topics: [{ name: 'pv-compact', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics[0]!.errorCode).toBe(0);
    const r = (await produce('pv-compact', makeBatch([{ value: 'a' }, { key: 'k', value: 'b' }, { value: 'c' }]))).responses[0]!.partitionResponses[0]!;
    expect(r.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(r.recordErrors.map((e) => e.batchIndex)).toEqual([0, 2]);
    expect((await produce('pv-compact', makeBatch([{ key: 'k', value: 'ok' }]))).responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  it('refuses client appends to internal topics with INVALID_TOPIC_EXCEPTION and creates none', async () => {
    // The coordinators create their internal topics themselves; a client's produce never creates
    // one nor appends to one (the log end offsets stay where they were).
    const existedBefore = tb.broker.topics.has('__transaction_state');
    const internal = ['__consumer_offsets', '__transaction_state'].filter((t) => tb.broker.topics.has(t));
    const endOffsets = async () =>
      (await c.request(2, 1, { replicaId: -1, topics: internal.map((name) => ({ name, partitions: [{ partitionIndex: 0, timestamp: -1n }] })) })).topics.map(
        (t) => t.partitions[0]!.offset,
      );
    const endsBefore = await endOffsets();
    for (const topic of ['__consumer_offsets', '__transaction_state']) {
      const r = (await produce(topic, makeBatch([{ key: 'g', value: 'phantom group' }]))).responses[0]!.partitionResponses[0]!;
      expect(r.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
      expect(r.errorMessage).toBe(`Cannot append to internal topic ${topic}`);
    }
    expect(tb.broker.topics.has('__transaction_state')).toBe(existedBefore);
    expect(await endOffsets()).toEqual(endsBefore);
  });
});
