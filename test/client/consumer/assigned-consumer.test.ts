/*
 * The assign-only consumer (the factory's assignedConsumer: CLI `consume`, benchmarks, changelog
 * restore) against the bundled broker — start positions (earliest, latest, explicit), every
 * partition in offset order with headers, position(), pause/seek, the reset after an
 * out-of-range position — and against a scripted broker serving transactional batches
 * (read_committed / read_uncommitted, control markers, a corrupt batch).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import { KafkaClientError } from '../../../src/client/errors.ts';
import type { AssignedConsumer, AssignedConsumerOptions, ClientFactory, ConsumedRecord, TopicPartition } from '../../../src/client/types.ts';
import { encodeResponse } from '../../../src/protocol/frames.ts';
import { buildControlBatch, ControlType } from '../../../src/protocol/records/control.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { answerApiVersions, scriptedBroker } from '../helpers/scripted-broker.ts';

const factory = (bootstrap: string): ClientFactory => createClientFactory({ bootstrapServers: [bootstrap], clientId: 'assigned-test', logLevel: 'nothing' });

/** Polls until `expected` records arrived or 40 polls came back empty. */
async function drain(consumer: AssignedConsumer, expected: number): Promise<ConsumedRecord[]> {
  const got: ConsumedRecord[] = [];
  for (let idle = 0; idle < 40 && got.length < expected; ) {
    const batches = await consumer.poll(expected - got.length, 50);
    if (batches.length === 0) idle++;
    for (const b of batches) got.push(...b.records);
  }
  return got;
}

describe('AssignedConsumer', () => {
  let broker: TestBroker;
  let clients: ClientFactory;
  const open: AssignedConsumer[] = [];
  const consumer = async (options: AssignedConsumerOptions = {}): Promise<AssignedConsumer> => {
    const c = clients.assignedConsumer({ maxWaitMs: 50, ...options });
    open.push(c);
    await c.connect();
    return c;
  };
  const both: TopicPartition[] = [
    { topic: 'events', partition: 0 },
    { topic: 'events', partition: 1 },
  ];
  beforeEach(async () => {
    broker = await startTestBroker();
    clients = factory(broker.bootstrap);
    const admin = clients.admin();
    await admin.createTopics([{ topic: 'events', numPartitions: 2, replicationFactor: 1 }]);
    await admin.disconnect();
    const producer = clients.producer();
    await producer.connect();
    await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic: 'events', partition: i % 2, key: null, value: Buffer.from(`e${i}`), timestamp: 1_700_000_000_000 + i, headers: { h: Buffer.from(String(i)) } })));
    await producer.disconnect();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.disconnect();
    await broker.stop();
  });

  it('reads every partition from the beginning, in offset order, with headers and timestamps', async () => {
    const c = await consumer();
    await c.assign(both);
    expect(c.assignment()).toEqual(both);
    const got = await drain(c, 20);
    expect(got).toHaveLength(20);
    for (const p of [0, 1]) {
      const mine = got.filter((r) => r.partition === p);
      expect(mine.map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(mine.map((r) => r.value!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `e${i * 2 + p}`));
      expect(mine.map((r) => r.headers['h']!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => String(i * 2 + p)));
      expect(mine.map((r) => r.timestamp)).toEqual(Array.from({ length: 10 }, (_, i) => 1_700_000_000_000 + i * 2 + p));
    }
    expect(c.position({ topic: 'events', partition: 0 })).toBe(10);
    expect(await c.endOffsets(both)).toEqual([
      { topic: 'events', partition: 0, offset: 10 },
      { topic: 'events', partition: 1, offset: 10 },
    ]);
  });

  it('from latest sees only records written after assign(); an idle poll returns none', async () => {
    const c = await consumer({ offsetReset: 'latest' });
    await c.assign([{ topic: 'events', partition: 1 }]);
    expect(await c.poll(10, 100)).toEqual([]);
    const producer = clients.producer();
    await producer.connect();
    await producer.send([
      { topic: 'events', partition: 1, key: null, value: Buffer.from('new'), timestamp: 1, headers: {} },
      { topic: 'events', partition: 0, key: null, value: Buffer.from('other'), timestamp: 1, headers: {} },
    ]);
    await producer.disconnect();
    expect((await drain(c, 1)).map((r) => [r.partition, r.offset, r.value!.toString()])).toEqual([[1, 10, 'new']]);
  });

  it('starts at an explicit offset, and resets to offsetReset after an out-of-range one', async () => {
    const mid = await consumer();
    await mid.assign([{ topic: 'events', partition: 0, offset: 7 }]);
    expect((await drain(mid, 3)).map((r) => r.offset)).toEqual([7, 8, 9]);

    const beyond = await consumer({ offsetReset: 'earliest' });
    await beyond.assign([{ topic: 'events', partition: 0, offset: 500 }]);
    expect((await drain(beyond, 10)).map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('returns at most maxRecords per poll, skips paused partitions, and re-reads after seek()', async () => {
    const c = await consumer();
    await c.assign(both);
    c.pause([{ topic: 'events', partition: 1 }]);
    const first = await c.poll(4, 1000);
    expect(first.flatMap((b) => b.records.map((r) => [r.partition, r.offset]))).toEqual([[0, 0], [0, 1], [0, 2], [0, 3]]);
    expect(c.position({ topic: 'events', partition: 0 })).toBe(4);
    expect((await drain(c, 6)).every((r) => r.partition === 0)).toBe(true);
    c.seek({ topic: 'events', partition: 0, offset: 8 });
    c.resume([{ topic: 'events', partition: 1 }]);
    const rest = await drain(c, 12);
    expect(rest.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual([8, 9]);
    expect(rest.filter((r) => r.partition === 1).map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('refuses to pause, seek or report a partition that is not assigned, naming it', async () => {
    const c = await consumer();
    await c.assign([{ topic: 'events', partition: 0 }]);
    expect(() => c.pause([{ topic: 'events', partition: 1 }])).toThrow(/events-1/);
    expect(() => c.seek({ topic: 'events', partition: 1, offset: 0 })).toThrow(/events-1/);
    expect(() => c.position({ topic: 'events', partition: 1 })).toThrow(KafkaClientError);
    const err = await c.assign([{ topic: 'events', partition: 5 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaClientError);
    expect((err as Error).message).toContain('events-5');
  });
});

/*
 * Transactions on the wire, from a scripted broker: one Fetch response holding plain, aborted and
 * committed transactional batches and their control markers.
 *
 *   offsets 0-1  plain          a0 a1
 *   offsets 2-3  pid 7 (txn)    t0 t1      aborted (listed in AbortedTransactions from offset 2)
 *   offset  4    pid 8 (txn)    c0         committed
 *   offset  5    pid 7 ABORT marker
 *   offset  6    pid 8 COMMIT marker
 *   offsets 7-8  pid 7 (txn)    n0 n1      a later transaction of pid 7, not aborted
 */
describe('AssignedConsumer with transactional data', () => {
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

  async function readFromScript(isolationLevel: AssignedConsumerOptions['isolationLevel'], start: number): Promise<{ values: string[]; position: number }> {
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
    const c = factory(`127.0.0.1:${fake.port}`).assignedConsumer({ isolationLevel, maxWaitMs: 10 });
    try {
      const tp = { topic: 'tx', partition: 0 };
      await c.assign([{ ...tp, offset: start }]);
      const values: string[] = [];
      for (let i = 0; i < 20 && c.position(tp) < 9; i++) for (const b of await c.poll(100, 50)) values.push(...b.records.map((r) => r.value!.toString()));
      return { values, position: c.position(tp) };
    } finally {
      await c.disconnect();
      await fake.close();
    }
  }

  it('read_committed (the default) skips aborted batches and control markers, and moves past them', async () => {
    expect(await readFromScript(undefined, 0)).toEqual({ values: ['a0', 'a1', 'c0', 'n0', 'n1'], position: 9 });
  });

  it('read_uncommitted returns every data record but never the markers', async () => {
    expect(await readFromScript('read_uncommitted', 0)).toEqual({ values: ['a0', 'a1', 't0', 't1', 'c0', 'n0', 'n1'], position: 9 });
  });

  it('drops the records of a returned batch that precede the fetch position', async () => {
    expect((await readFromScript('read_committed', 1)).values).toEqual(['a1', 'c0', 'n0', 'n1']);
  });

  it("honours an abort marker below the position, keeping the producer's later transaction", async () => {
    // Fetching from offset 6, past the ABORT at 5: pid 7's next transaction (7-8) is not aborted.
    expect(await readFromScript('read_committed', 6)).toEqual({ values: ['n0', 'n1'], position: 9 });
  });

  it('fails the poll, not retriable, with the partition named when a batch is corrupt', async () => {
    corrupt = true;
    try {
      const err = await readFromScript('read_committed', 0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KafkaClientError);
      expect((err as KafkaClientError).retriable).toBe(false);
      expect((err as Error).message).toContain('tx-0');
    } finally {
      corrupt = false;
    }
  });
});
