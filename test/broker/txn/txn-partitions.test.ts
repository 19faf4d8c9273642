/*
 * Transactions in compacted partitions of a running broker: the cleaner stops at the LSO the
 * transaction service supplies, compacts committed transactional records by key, and removes a
 * transaction's marker once its data is gone and delete.retention.ms has passed on the broker's
 * clock. And the two together with the per-segment aborted-transaction index: after cleaning, a
 * read_committed consumer still sees no aborted record, before and after a restart (the cleaner
 * writes the .txnindex of the segments it produces; log/cleaner-txn-index.test.ts checks them).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClientFactory } from '../../../src/client/client-factory.ts';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { RawClient } from '../raw-client.ts';
import { addTxnPartitions, cleanupAfterEach, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const { open, dirs } = cleanupAfterEach();

/** [offset, what] per batch: 'A:commit' for a marker of producer A, else the records' key=value. */
function layout(tb: TestBroker, pids: Map<bigint, string>): string[] {
  const log = tb.broker.partitions.get('c', 0)!;
  return decodeRecords(Buffer.concat(log.read(log.logStartOffset, { maxBytes: 1 << 20 }).chunks)).map((b) => {
    if (b.isControl) return `${b.header.baseOffset} ${pids.get(b.header.producerId)}:marker`;
    const recs = b.records.map((r) => `${r.key!.toString()}=${r.value?.toString() ?? 'null'}`).join(',');
    return `${b.header.baseOffset} ${recs || '(empty)'}`;
  });
}

describe('transactions and the log cleaner in a broker', () => {
  it('cleans up to the LSO only, compacts committed records by key, and removes an empty transaction’s marker after delete.retention.ms', async () => {
    const tb = await startTestBroker();
    const c = await RawClient.connect(tb.port);
    open.push({ tb, c });
    await tb.broker.topicManager.create({
      name: 'c', numPartitions: 1, replicationFactor: 1,
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'segment.bytes', value: '160' },
        { name: 'delete.retention.ms', value: '1000' },
      ],
    });
    let now = Date.now();
    tb.broker.clock.now = () => now;
    const clean = () => tb.broker.partitions.manager.runCleaner({ force: true });

    const a = await initTxn(c, 'A');
    const b = await initTxn(c, 'B');
    const pids = new Map([[a.producerId, 'A'], [b.producerId, 'B']]);
    expect(await addTxnPartitions(c, 'A', a, 'c', [0])).toEqual([0]);
    expect(await produceKeyed(c, 'c', 'k', 'a1', { id: 'A', p: a, seq: 0 })).toBe(0); // 0
    expect(await endTxn(c, 'A', a, true)).toBe(0); // 1
    expect(await produceKeyed(c, 'c', 'k', 'p2')).toBe(0); // 2: shadows A's committed k=a1
    expect(await addTxnPartitions(c, 'A', a, 'c', [0])).toEqual([0]);
    expect(await produceKeyed(c, 'c', 'z', 'a3', { id: 'A', p: a, seq: 1 })).toBe(0); // 3
    expect(await endTxn(c, 'A', a, true)).toBe(0); // 4
    expect(await addTxnPartitions(c, 'B', b, 'c', [0])).toEqual([0]);
    expect(await produceKeyed(c, 'c', 'k', 'b5', { id: 'B', p: b, seq: 0 })).toBe(0); // 5: B stays open, LSO = 5
    for (let i = 6; i < 12; i++) expect(await produceKeyed(c, 'c', 'k', `p${i}`)).toBe(0);
    const initial = layout(tb, pids);
    expect(initial).toEqual(['0 k=a1', '1 A:marker', '2 k=p2', '3 z=a3', '4 A:marker', '5 k=b5', '6 k=p6', '7 k=p7', '8 k=p8', '9 k=p9', '10 k=p10', '11 k=p11']);

    // 1st cleaning: below the LSO (5) A's k=a1 is shadowed by k=p2 and goes; from 5 on nothing changes
    await clean();
    expect(layout(tb, pids)).toEqual(['1 A:marker', ...initial.slice(2)]);
    // 2nd: A's first transaction is empty now, so its marker gets a delete horizon but stays
    await clean();
    expect(layout(tb, pids)).toEqual(['1 A:marker', ...initial.slice(2)]);
    now += 999;
    await clean();
    expect(layout(tb, pids)).toEqual(['1 A:marker', ...initial.slice(2)]);
    now += 1;
    await clean();
    // the horizon has passed: the marker goes; A's second transaction keeps its data and marker
    expect(layout(tb, pids)).toEqual(initial.slice(2));

    // B commits: its k=b5 is committed and shadowed by the later plain k records, so it goes once
    // the cleaner may reach it
    expect(await endTxn(c, 'B', b, true)).toBe(0); // 12
    for (let i = 13; i < 16; i++) expect(await produceKeyed(c, 'c', 'k', `p${i}`)).toBe(0);
    await clean();
    const after = layout(tb, pids);
    expect(after.some((l) => l.includes('b5'))).toBe(false);
    // B's batch is B's last data batch: kept, empty, for producer state (and so is its marker)
    expect(after).toContain('5 (empty)');
    expect(after).toContain('12 B:marker');
    expect(after).toContain('3 z=a3');
  });

  it('a read_committed consumer sees no aborted record after cleaning, and none after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'txn-clean-restart-'));
    dirs.push(dataDir);
    const tb = await startTestBroker({ dataDir });
    const c = await RawClient.connect(tb.port);
    open.push({ tb, c });
    await tb.broker.topicManager.create({
      name: 'ca', numPartitions: 1, replicationFactor: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '160' }],
    });
    const a = await initTxn(c, 'A');
    const b = await initTxn(c, 'B');
    const txn = async (id: string, p: typeof a, seq: number, key: string, value: string, commit: boolean) => {
      expect(await addTxnPartitions(c, id, p, 'ca', [0])).toEqual([0]);
      expect(await produceKeyed(c, 'ca', key, value, { id, p, seq })).toBe(0);
      expect(await endTxn(c, id, p, commit)).toBe(0);
    };
    await txn('A', a, 0, 'k1', 'a1', true);
    await txn('B', b, 0, 'k2', 'b-aborted-1', false);
    expect(await produceKeyed(c, 'ca', 'k2', 'p2')).toBe(0);
    await txn('A', a, 1, 'k3', 'a-aborted-2', false);
    await txn('B', b, 1, 'k2', 'b-aborted-3', false);
    for (let i = 0; i < 8; i++) expect(await produceKeyed(c, 'ca', 'k4', `p4-${i}`)).toBe(0);
    await tb.broker.partitions.manager.runCleaner({ force: true });
    await tb.broker.partitions.manager.runCleaner({ force: true });
    // One more aborted transaction after cleaning, in segments the cleaner has not reached: only
    // the aborted-transaction index hides it from read_committed.
    await txn('A', a, 2, 'k5', 'a-aborted-4', false);
    expect(await produceKeyed(c, 'ca', 'k6', 'p6')).toBe(0);

    const readCommitted = async (bootstrap: string): Promise<string[]> => {
      const consumer = createClientFactory({ bootstrapServers: [bootstrap], clientId: 'rc', logLevel: 'nothing' }).assignedConsumer({ offsetReset: 'earliest', isolationLevel: 'read_committed' });
      await consumer.connect();
      try {
        await consumer.assign([{ topic: 'ca', partition: 0 }]);
        const end = (await consumer.endOffsets([{ topic: 'ca', partition: 0 }]))[0]!.offset;
        const seen: string[] = [];
        let last = -1;
        for (let i = 0; i < 200 && last < end - 1; i++) {
          for (const batch of await consumer.poll(100, 100)) for (const r of batch.records) {
            seen.push(`${r.key!.toString()}=${r.value!.toString()}`);
            last = r.offset;
          }
          if (seen.length > 0 && i > 20) break;
        }
        return seen;
      } finally {
        await consumer.disconnect();
      }
    };
    const check = (seen: string[]) => {
      expect(seen.filter((v) => v.includes('aborted'))).toEqual([]);
      const latest = new Map(seen.map((v) => v.split('=') as [string, string]));
      expect(Object.fromEntries(latest)).toEqual({ k1: 'a1', k2: 'p2', k4: 'p4-7', k6: 'p6' });
    };
    check(await readCommitted(tb.bootstrap));

    c.close();
    open.splice(0);
    await tb.stop();
    const again = await startTestBroker({ dataDir });
    const c2 = await RawClient.connect(again.port);
    open.push({ tb: again, c: c2 });
    check(await readCommitted(again.bootstrap));
  });
});
