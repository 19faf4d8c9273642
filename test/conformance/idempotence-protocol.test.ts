/*
 * Idempotent produce at the protocol level, driven with the project's own codec and wire client
 * (so the exact bytes of a retry are under the test's control): a retried batch is acknowledged
 * with its original offset and not written twice; a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER
 * 45; a stale epoch is INVALID_PRODUCER_EPOCH 47; and after a restart on the same data dir the
 * producer state (rebuilt from the log) still recognises the retry, and producer ids are not
 * handed out again.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { WireConnection } from '../../src/client/connection.ts';
import { ApiKeys } from '../../src/protocol/api-keys.ts';
import { buildRecordBatch } from '../../src/protocol/records/record-batch.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const TOPIC = 'idem';

// Records carry a current CreateTime: producer state older than producer.id.expiration.ms (1 day)
// is dropped at the restart below, as Kafka does.
function batch(producerId: bigint, producerEpoch: number, baseSequence: number, count: number): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${baseSequence + i}`), value: Buffer.from(`v${baseSequence + i}`) }));
  return buildRecordBatch(records, { producerId, producerEpoch, baseSequence, timestamp: Date.now() });
}

async function produce(conn: WireConnection, records: Buffer): Promise<{ errorCode: number; baseOffset: bigint }> {
  const { body } = await conn.request(ApiKeys.Produce, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  });
  const p = body.responses[0]!.partitionResponses[0]!;
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

async function initProducerId(conn: WireConnection, current?: { producerId: bigint; producerEpoch: number }) {
  const { body } = await conn.request(
    ApiKeys.InitProducerId,
    { transactionalId: null, transactionTimeoutMs: 60_000, producerId: current?.producerId ?? -1n, producerEpoch: current?.producerEpoch ?? -1 },
    current ? { minVersion: 3 } : { maxVersion: 1 },
  );
  expect(body.errorCode).toBe(0);
  return { producerId: body.producerId, producerEpoch: body.producerEpoch };
}

describe('idempotent producer (protocol level)', () => {
  it('acknowledges a retried batch with its original offset and never writes it twice', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-idem-'));
    dirs.push(dataDir);
    let tb: TestBroker = await startTestBroker({ dataDir, fsync: 'acks-all' });
    let conn = await WireConnection.open({ host: '127.0.0.1', port: tb.port, clientId: 'idem-test' });
    const leo = () => tb.broker.partitions.get(TOPIC, 0)!.logEndOffset;
    let pid: { producerId: bigint; producerEpoch: number };
    let last: Buffer;
    try {
      pid = await initProducerId(conn);
      expect(pid.producerEpoch).toBe(0);
      const first = batch(pid.producerId, 0, 0, 3);
      expect(await produce(conn, first)).toEqual({ errorCode: 0, baseOffset: 0n });
      expect(await produce(conn, first)).toEqual({ errorCode: 0, baseOffset: 0n }); // the retry
      expect(leo()).toBe(3);
      expect(await produce(conn, batch(pid.producerId, 0, 3, 2))).toEqual({ errorCode: 0, baseOffset: 3n });
      expect((await produce(conn, batch(pid.producerId, 0, 9, 1))).errorCode).toBe(45); // gap
      expect(await produce(conn, first)).toEqual({ errorCode: 0, baseOffset: 0n }); // still in the window
      expect(leo()).toBe(5);

      // KIP-360 epoch bump: same id, next epoch, sequence restarts at 0; the old epoch is fenced.
      const bumped = await initProducerId(conn, pid);
      expect(bumped).toEqual({ producerId: pid.producerId, producerEpoch: 1 });
      last = batch(pid.producerId, 1, 0, 4);
      expect(await produce(conn, last)).toEqual({ errorCode: 0, baseOffset: 5n });
      expect((await produce(conn, batch(pid.producerId, 0, 5, 1))).errorCode).toBe(47);
      expect(leo()).toBe(9);
    } finally {
      conn.close();
      await tb.stop();
    }

    tb = await startTestBroker({ dataDir, fsync: 'acks-all' });
    conn = await WireConnection.open({ host: '127.0.0.1', port: tb.port, clientId: 'idem-test' });
    try {
      expect(await produce(conn, last)).toEqual({ errorCode: 0, baseOffset: 5n });
      expect(leo()).toBe(9);
      expect(await produce(conn, batch(pid.producerId, 1, 4, 1))).toEqual({ errorCode: 0, baseOffset: 9n });
      const fresh = await initProducerId(conn);
      expect(fresh.producerId).not.toBe(pid.producerId);
    } finally {
      conn.close();
      await tb.stop();
    }
  }, 60_000);
});
