/*
 * PartitionConsumer against the bundled broker: start positions (earliest, latest, explicit), reading
 * every partition in offset order, an idle poll returning nothing, and the reset after an
 * out-of-range position.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTopics } from '../../../src/client/admin.ts';
import { WireCluster } from '../../../src/client/cluster.ts';
import { PartitionConsumer, type ConsumedRecord } from '../../../src/client/consumer/partition-consumer.ts';
import { produce } from '../helpers/produce.ts';
import { KafkaClientError, KafkaResponseError } from '../../../src/client/errors.ts';
import { encodeResponse } from '../../../src/protocol/frames.ts';
import { buildControlBatch, ControlType } from '../../../src/protocol/records/control.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { answerApiVersions, scriptedBroker } from '../helpers/scripted-broker.ts';

async function drain(consumer: PartitionConsumer, expected: number): Promise<ConsumedRecord[]> {
  const got: ConsumedRecord[] = [];
  for (let i = 0; i < 100 && got.length < expected; i++) got.push(...(await consumer.poll()));
  return got;
}

describe('PartitionConsumer', () => {
  let broker: TestBroker;
  let cluster: WireCluster;
  beforeEach(async () => {
    broker = await startTestBroker();
    cluster = new WireCluster({ bootstrap: broker.bootstrap });
    await createTopics(cluster, [{ name: 'events', numPartitions: 2, replicationFactor: 1 }]);
    await produce(cluster, 'events', Array.from({ length: 20 }, (_, i) => ({ value: `e${i}`, partition: i % 2, headers: { h: Buffer.from(String(i)) } })));
  });
  afterEach(async () => {
    cluster.close();
    await broker.stop();
  });

  it('reads every partition from the beginning, in offset order, with headers', async () => {
    const consumer = new PartitionConsumer(cluster, { maxWaitMs: 50 });
    expect(await consumer.assign('events', 'earliest')).toEqual([0, 1]);
    const got = await drain(consumer, 20);
    expect(got).toHaveLength(20);
    for (const p of [0, 1]) {
      const mine = got.filter((r) => r.partition === p);
      expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
      expect(mine.map((r) => r.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `e${i * 2 + p}`));
      expect(mine.map((r) => r.headers[0]!.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => String(i * 2 + p)));
    }
    expect(consumer.position('events', 0)).toBe(10n);
    expect(consumer.highWatermarks.get('events')?.get(1)).toBe(10n);
  });

  it('from latest sees only new records; an idle poll returns none', async () => {
    const consumer = new PartitionConsumer(cluster, { maxWaitMs: 50 });
    await consumer.assign('events', 'latest', [1]);
    expect(await consumer.poll()).toEqual([]);
    await produce(cluster, 'events', [{ value: 'new', partition: 1 }, { value: 'other', partition: 0 }]);
    const got = await drain(consumer, 1);
    expect(got.map((r) => [r.partition, r.offset, r.value!.toString()])).toEqual([[1, 10n, 'new']]);
  });

  it('starts at an explicit offset, and resets to the earliest after an out-of-range position', async () => {
    const mid = new PartitionConsumer(cluster, { maxWaitMs: 50 });
    await mid.assign('events', 7n, [0]);
    expect((await drain(mid, 3)).map((r) => r.offset)).toEqual([7n, 8n, 9n]);

    const beyond = new PartitionConsumer(cluster, { maxWaitMs: 50, resetTo: 'earliest' });
    await beyond.assign('events', 500n, [0]);
    const got = await drain(beyond, 10);
    expect(got.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
  });

  it('refuses to assign a partition the topic does not have', async () => {
    const consumer = new PartitionConsumer(cluster);
    const err = await consumer.assign('events', 'earliest', [5]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaResponseError);
    expect((err as Error).message).toContain('events-5');
  });
});

/*
 * Transactions on the wire, from a scripted broker (the bundled broker does not serve
 * transactions yet): one Fetch response holding plain, aborted and committed transactional
 * batches and their control markers.
 *
 *   offsets 0-1  plain          a0 a1
 *   offsets 2-3  pid 7 (txn)    t0 t1      aborted (listed in AbortedTransactions from offset 2)
 *   offset  4    pid 8 (txn)    c0         committed
 *   offset  5    pid 7 ABORT marker
 *   offset  6    pid 8 COMMIT marker
 *   offsets 7-8  pid 7 (txn)    n0 n1      a later transaction of pid 7, not aborted
 */
describe('PartitionConsumer with transactional data', () => {
  let corrupt = false;
  const txnBatches = (): Buffer => {
    const v = (s: string): { value: Buffer } => ({ value: Buffer.from(s) });
    const first = buildRecordBatch([v('a0'), v('a1')], { baseOffset: 0 });
    // Flipping a byte after the CRC field breaks the batch's CRC-32C.
    if (corrupt) first.writeUInt8(first.readUInt8(first.length - 1) ^ 0xff, first.length - 1);
    return Buffer.concat([
      first,
      buildRecordBatch([v('t0'), v('t1')], { baseOffset: 2, producerId: 7n, producerEpoch: 0, baseSequence: 0, transactional: true }),
      buildRecordBatch([v('c0')], { baseOffset: 4, producerId: 8n, producerEpoch: 0, baseSequence: 0, transactional: true }),
      buildControlBatch({ baseOffset: 5, producerId: 7n, producerEpoch: 0, type: ControlType.Abort }),
      buildControlBatch({ baseOffset: 6, producerId: 8n, producerEpoch: 0, type: ControlType.Commit }),
      buildRecordBatch([v('n0'), v('n1')], { baseOffset: 7, producerId: 7n, producerEpoch: 0, baseSequence: 2, transactional: true }),
    ]);
  };

  async function readFromScript(isolationLevel: 0 | 1, start: bigint): Promise<{ values: string[]; position: bigint | undefined }> {
    let port = 0;
    const fake = await scriptedBroker((req, socket) => {
      const target = { requestApiKey: req.apiKey, correlationId: req.header.correlationId };
      if (req.apiKey === 18) return answerApiVersions(req, socket);
      if (req.apiKey === 3) {
        socket.write(encodeResponse({ ...target, requestApiKey: 3 }, req.apiVersion, {
          brokers: [{ nodeId: 0, host: '127.0.0.1', port }],
          controllerId: 0,
          topics: [{ errorCode: 0, name: 'tx', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, replicaNodes: [0], isrNodes: [0] }] }],
        }));
      } else if (req.apiKey === 1) {
        const offset = req.body.topics[0]!.partitions[0]!.fetchOffset;
        const records = offset <= 8n ? txnBatches() : null;
        socket.write(encodeResponse({ ...target, requestApiKey: 1 }, req.apiVersion, {
          responses: [{ topic: 'tx', partitions: [{
            partitionIndex: 0, errorCode: 0, highWatermark: 9n, lastStableOffset: 9n, logStartOffset: 0n,
            abortedTransactions: req.body.isolationLevel === 1 ? [{ producerId: 7n, firstOffset: 2n }] : null,
            records,
          }] }],
        }));
      }
    });
    port = fake.port;
    const cluster = new WireCluster({ bootstrap: `127.0.0.1:${fake.port}` });
    try {
      const consumer = new PartitionConsumer(cluster, { isolationLevel, maxWaitMs: 10 });
      await consumer.assign('tx', start);
      const values = (await consumer.poll()).map((r) => r.value!.toString());
      return { values, position: consumer.position('tx', 0) };
    } finally {
      cluster.close();
      await fake.close();
    }
  }

  it('read_committed skips aborted batches and control markers, and moves past them', async () => {
    expect(await readFromScript(1, 0n)).toEqual({ values: ['a0', 'a1', 'c0', 'n0', 'n1'], position: 9n });
  });

  it('read_uncommitted returns every data record but never the markers', async () => {
    expect(await readFromScript(0, 0n)).toEqual({ values: ['a0', 'a1', 't0', 't1', 'c0', 'n0', 'n1'], position: 9n });
  });

  it('drops the records of a returned batch that precede the fetch position', async () => {
    expect((await readFromScript(1, 1n)).values).toEqual(['a1', 'c0', 'n0', 'n1']);
  });

  it('honours an abort marker below the position, keeping the producer\'s later transaction', async () => {
    // Fetching from offset 6, past the ABORT at 5: pid 7's next transaction (7-8) is not aborted.
    expect(await readFromScript(1, 6n)).toEqual({ values: ['n0', 'n1'], position: 9n });
  });

  it('fails the poll with the partition named when a batch is corrupt', async () => {
    corrupt = true;
    try {
      const err = await readFromScript(1, 0n).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaClientError);
      expect((err as Error).message).toContain('tx-0');
    } finally {
      corrupt = false;
    }
  });
});
