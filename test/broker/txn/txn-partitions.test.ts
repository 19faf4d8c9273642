/*
 * Transactions in compacted partitions of a running broker: the cleaner stops at the LSO the
 * transaction service supplies, compacts committed transactional records by key, and removes a
 * transaction's marker once its data is gone and delete.retention.ms has passed on the broker's
 * clock.
 */
import { describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { RawClient } from '../raw-client.ts';
import { addTxnPartitions, cleanupAfterEach, endTxn, initTxn, produceKeyed } from './txn-requests.ts';

const { open } = cleanupAfterEach();

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
});
