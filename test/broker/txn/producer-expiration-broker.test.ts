/*
 * Producer-id and transactional-id expiration on a real broker whose clock the test moves ahead
 * (BrokerDeps.clock), so nothing waits for the expirations themselves; the checks run on their
 * (short) timers and the test waits for their effect, never for a duration:
 *   - an idle idempotent producer leaves the partition's producer state: a batch with a sequence
 *     gap is then accepted (it was OUT_OF_ORDER_SEQUENCE_NUMBER before), and it is absent from the
 *     snapshot written at shutdown (after a restart its gap is accepted too);
 *   - our own idempotent producer, idle past the expiration, just goes on: every record once;
 *   - the cleaner then drops the producer's emptied last batch, and later its marker;
 *   - an idle transactional id is gone from ListTransactions / DescribeTransactions, also after a
 *     restart, and InitProducerId with it starts afresh.
 */
import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerClock } from '../../../src/broker/clock.ts';
import { PRODUCERS } from '../../../src/broker/txn/service.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { buildRecordBatch, decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { startTestBroker, type TestBroker, type TestBrokerOptions } from '../../../src/testing/broker-harness.ts';
import { RawClient } from '../raw-client.ts';
import { AheadClock } from '../ahead-clock.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import { fetchBatches } from '../../integration/broker-process.ts';
import { addTxnPartitions, cleanupAfterEach, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const { open, dirs } = cleanupAfterEach();
const EXPIRY = 60_000;

async function start(dataDir: string, clock: BrokerClock, opts: TestBrokerOptions = {}): Promise<{ tb: TestBroker; c: RawClient }> {
  const tb = await startTestBroker({ dataDir, producer: { idExpirationMs: EXPIRY, idExpirationCheckIntervalMs: 10 }, ...opts, deps: { clock } });
  const c = await RawClient.connect(tb.port);
  open.push({ tb, c });
  return { tb, c };
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
}

async function initIdempotent(c: RawClient): Promise<bigint> {
  const r = await c.request(22, 1, { transactionalId: null, transactionTimeoutMs: 0, producerId: -1n, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return r.producerId;
}

/** One idempotent record stamped `timestamp` (a producer's CreateTime, on the broker's clock here). */
async function produceSeq(c: RawClient, topic: string, pid: bigint, seq: number, timestamp: number): Promise<{ errorCode: number; baseOffset: bigint }> {
  const records = buildRecordBatch([{ value: Buffer.from(`seq-${seq}`) }], { producerId: pid, producerEpoch: 0, baseSequence: seq, timestamp });
  const r = await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return r.responses[0]!.partitionResponses[0]!;
}

async function newDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tributary-expire-'));
  dirs.push(d);
  return d;
}

describe('producer-id expiration on a broker', () => {
  it('an idle producer leaves producer state and the next snapshot; its next batch is accepted at any sequence', async () => {
    const dir = await newDir();
    const clock = new AheadClock();
    let { tb, c } = await start(dir, clock);
    await tb.broker.topicManager.create({ name: 'p', numPartitions: 1, replicationFactor: 1, configs: [] });
    const a = await initIdempotent(c);
    const b = await initIdempotent(c);
    expect((await produceSeq(c, 'p', a, 0, clock.now())).errorCode).toBe(0);
    expect((await produceSeq(c, 'p', b, 0, clock.now())).errorCode).toBe(0);
    expect((await produceSeq(c, 'p', a, 5, clock.now())).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);

    clock.ahead = EXPIRY;
    await until(() => tb.broker.service(PRODUCERS).state.peek('p', 0) === undefined);
    expect((await produceSeq(c, 'p', a, 5, clock.now())).errorCode).toBe(0); // a is back, at sequence 5
    expect(await produceSeq(c, 'p', a, 5, clock.now())).toMatchObject({ errorCode: 0, baseOffset: 2n }); // a retry: duplicate

    // A clean stop writes a snapshot without b. Restarted on the wall clock, b would not be
    // expired by age, so only its absence from the snapshot lets its gap through.
    c.close();
    open.splice(0);
    await tb.stop();
    ({ tb, c } = await start(dir, new BrokerClock(), { producer: { idExpirationMs: EXPIRY, idExpirationCheckIntervalMs: 3_600_000 } }));
    expect((await produceSeq(c, 'p', b, 7, clock.now())).errorCode).toBe(0);
    expect(await produceSeq(c, 'p', a, 5, clock.now())).toMatchObject({ errorCode: 0, baseOffset: 2n }); // a's state survived
  });

  it('an idle idempotent client producer goes on after its id expired: every record once, in order', async () => {
    const clock = new AheadClock();
    const { tb } = await start(await newDir(), clock);
    await tb.broker.topicManager.create({ name: 'i', numPartitions: 1, replicationFactor: 1, configs: [] });
    const p = new KafkaProducer({ bootstrapServers: [tb.bootstrap], clientId: 'expiring' }, { idempotent: true }, { deliveryTimeoutMs: 60_000 });
    await p.connect();
    try {
      const send = (i: number) => p.send([{ topic: 'i', partition: 0, key: null, value: Buffer.from(`v${i}`), timestamp: clock.now(), headers: {} }]);
      for (let i = 0; i < 3; i++) await send(i);
      clock.ahead = EXPIRY;
      await until(() => tb.broker.service(PRODUCERS).state.peek('i', 0) === undefined);
      for (let i = 3; i < 6; i++) await send(i);
    } finally {
      await p.disconnect();
    }
    const values = (await fetchBatches(tb.port, 'i', 0)).flatMap((b) => b.records.map((r) => r.value!.toString()));
    expect(values).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });

  it("the cleaner keeps an active producer's emptied last batch, and drops it and then its marker once the producer expired", async () => {
    const clock = new AheadClock();
    const { tb, c } = await start(await newDir(), clock);
    await tb.broker.topicManager.create({
      name: 'c', numPartitions: 1, replicationFactor: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'delete.retention.ms', value: '1000' }],
    });
    const x = await initTxn(c, 'x');
    expect(await addTxnPartitions(c, 'x', x, 'c', [0])).toEqual([0]);
    expect(await produceKeyed(c, 'c', 'k', 'aborted', { id: 'x', p: x, seq: 0 })).toBe(0);
    expect(await endTxn(c, 'x', x, false)).toBe(0);
    expect(await produceKeyed(c, 'c', 'k', 'plain')).toBe(0);
    const log = tb.broker.partitions.get('c', 0)!;
    log.roll();
    const cleaner = tb.broker.partitions.manager.cleaner;
    const batches = () => decodeRecords(Buffer.concat(log.read(0, { maxBytes: 1 << 20 }).chunks)).map((d) => [Number(d.header.baseOffset), d.records.length]);

    await cleaner.clean(log, { force: true });
    expect(batches()).toEqual([[0, 0], [1, 1], [2, 1]]); // x's aborted batch emptied but kept, its marker, the plain record

    clock.ahead = EXPIRY;
    await until(() => tb.broker.service(PRODUCERS).state.peek('c', 0) === undefined);
    for (let pass = 0; pass < 3 && batches().length > 1; pass++) {
      clock.ahead += 1001; // past the marker's delete horizon once one is stamped
      await cleaner.clean(log, { force: true });
    }
    expect(batches()).toEqual([[2, 1]]);
  });
});

describe('transactional-id expiration on a broker', () => {
  it('an idle transactional id is gone from ListTransactions and DescribeTransactions, also after a restart, and starts afresh', async () => {
    const dir = await newDir();
    const clock = new AheadClock();
    let { tb, c } = await start(dir, clock, { transaction: { idExpirationMs: EXPIRY, removeExpiredIntervalMs: 10 } });
    await tb.broker.topicManager.create({ name: 't', numPartitions: 1, replicationFactor: 1, configs: [] });
    const x = await initTxn(c, 'gone');
    expect(await addTxnPartitions(c, 'gone', x, 't', [0])).toEqual([0]);
    expect(await produceKeyed(c, 't', 'k', 'v', { id: 'gone', p: x, seq: 0 })).toBe(0);
    expect(await endTxn(c, 'gone', x, true)).toBe(0);
    const listed = async () => (await c.request(66, 0, { stateFilters: [], producerIdFilters: [] })).transactionStates.map((s: { transactionalId: string }) => s.transactionalId);
    expect(await listed()).toEqual(['gone']);

    clock.ahead = EXPIRY;
    while ((await listed()).length > 0) await new Promise((r) => setTimeout(r, 5));
    const described = await c.request(65, 0, { transactionalIds: ['gone'] });
    expect(described.transactionStates[0]!.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

    c.close();
    open.splice(0);
    await tb.stop();
    ({ tb, c } = await start(dir, new BrokerClock(), { transaction: { idExpirationMs: 3_600_000 } }));
    expect(await listed()).toEqual([]);
    const again = await initTxn(c, 'gone');
    expect(again).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(again.producerId).not.toBe(x.producerId);
  });
});
