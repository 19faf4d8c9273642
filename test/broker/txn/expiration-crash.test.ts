/*
 * Expired state stays expired across a broker kill -9 (the broker in a child process, fsync
 * acks-all, expirations of 1.5 s checked every 50 ms). The test waits for the expirations by
 * polling for their visible effect, never for a fixed time:
 *   - producer b's state is in a snapshot written at a segment roll; after b expired and the
 *     broker was killed, the restart (whose periodic check is an hour away) must not bring b back
 *     from that snapshot or the log: its batch with a sequence gap is accepted (it would be
 *     OUT_OF_ORDER_SEQUENCE_NUMBER if b's state were restored);
 *   - transactional id "gone" expired (its tombstone durable) before the kill: the restart, whose
 *     own expiration is an hour, does not list it, and InitProducerId with it starts afresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { buildRecordBatch } from '../../../src/protocol/records/record-batch.ts';
import { RawClient } from '../raw-client.ts';
import { kill, killChildren, spawnBroker } from './txn-broker-child.ts';
import { addTxnPartitions, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const dirs: string[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  killChildren();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const SHORT = { producer: { idExpirationMs: 1500, idExpirationCheckIntervalMs: 50 }, transaction: { idExpirationMs: 1500, removeExpiredIntervalMs: 50 } };
const LONG_CHECKS = { producer: { idExpirationMs: 1500, idExpirationCheckIntervalMs: 3_600_000 }, transaction: { idExpirationMs: 3_600_000 } };

async function connect(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

async function initIdempotent(c: RawClient): Promise<bigint> {
  return (await c.request(22, 1, { transactionalId: null, transactionTimeoutMs: 0, producerId: -1n, producerEpoch: -1 })).producerId;
}

async function produce(c: RawClient, pid: bigint, seq: number, value = 'v'): Promise<number> {
  const records = buildRecordBatch([{ value: Buffer.from(value) }], pid < 0n ? {} : { producerId: pid, producerEpoch: 0, baseSequence: seq });
  const r = await c.request(0, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'e', partitionData: [{ index: 0, records }] }] });
  return r.responses[0]!.partitionResponses[0]!.errorCode;
}

async function listed(c: RawClient): Promise<string[]> {
  return (await c.request(66, 0, { stateFilters: [], producerIdFilters: [] })).transactionStates.map((s: { transactionalId: string }) => s.transactionalId);
}

describe('expiration across a broker kill -9', () => {
  it('an expired producer and an expired transactional id do not come back after the restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-expire-crash-'));
    dirs.push(dir);
    const first = await spawnBroker(dir, undefined, SHORT);
    let c = await connect(first.port);
    const created = await c.request(19, 3, { topics: [{ name: 'e', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'segment.bytes', value: '200' }] }], timeoutMs: 5000 });
    expect(created.topics[0]!.errorCode).toBe(0);
    const a = await initIdempotent(c);
    const b = await initIdempotent(c);
    expect(await produce(c, b, 0)).toBe(0);
    expect(await produce(c, -1n, -1, 'x'.repeat(300))).toBe(0); // rolls the segment: a snapshot holding b
    expect((await readdir(join(dir, 'e-0'))).some((f) => f.endsWith('.snapshot'))).toBe(true);
    expect(await produce(c, b, 9)).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await produce(c, a, 0)).toBe(0);
    const x = await initTxn(c, 'gone');
    expect(await addTxnPartitions(c, 'gone', x, 'e', [0])).toEqual([0]);
    expect(await produceKeyed(c, 'e', 'k', 'v', { id: 'gone', p: x, seq: 0 })).toBe(0);
    expect(await endTxn(c, 'gone', x, true)).toBe(0);

    // a's gap is accepted once a expired; b, written before a, expired at the same check or earlier
    while ((await produce(c, a, 5)) !== 0) await new Promise((r) => setTimeout(r, 50));
    while ((await listed(c)).length > 0) await new Promise((r) => setTimeout(r, 50));
    await kill(first);

    const second = await spawnBroker(dir, undefined, LONG_CHECKS);
    c = await connect(second.port);
    expect(await produce(c, b, 9)).toBe(0);
    expect(await listed(c)).toEqual([]);
    const again = await initTxn(c, 'gone');
    expect(again).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(again.producerId).not.toBe(x.producerId);
    await kill(second);
  });
});
