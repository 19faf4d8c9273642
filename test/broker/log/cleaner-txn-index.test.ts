/*
 * The cleaner writes the `.txnindex` of the segments it produces (cleaner-txn-index.ts), as
 * Kafka's cleaner does:
 *   - on a running broker, a compacted partition with aborted and committed transactions: after
 *     the first cleaning every aborted transaction keeps its entry (its data was read in that
 *     cleaning, so its marker stays); after the second, the entry of a transaction whose data is
 *     all gone is dropped, while those kept alive by a producer's last (emptied) batch stay;
 *   - a restart after cleaning reads no segment (the loader finds every index valid) and
 *     read_committed still hides every aborted record;
 *   - the index is part of the crash-safe swap: rolled forward with a committed swap, discarded
 *     with an uncommitted one; a replaced segment without a valid index leaves the new segment
 *     without one, for the loader to rebuild.
 */
import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner.ts';
import { segmentFileName } from '../../../src/broker/log/log-segment.ts';
import { cleanedLogPath, completeInterruptedSwap, SWAP_MANIFEST, writeCleanedTxnIndex } from '../../../src/broker/log/segment-swap.ts';
import { decodeTxnEntries, encodeTxnEntries, type AbortedTxnEntry } from '../../../src/broker/log/transaction-index.ts';
import { Attributes } from '../../../src/protocol/records/batch-header.ts';
import { buildControlBatch, ControlType } from '../../../src/protocol/records/control.ts';
import { RawClient } from '../raw-client.ts';
import { addTxnPartitions, endTxn, initTxn, produceKeyed, type TxnProducer } from '../txn/txn-requests.ts';
import { readCommittedView } from '../txn/read-committed.ts';
import { buildBatch, tempDir } from './batch-fixture.ts';
import { countScans } from './count-scans.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Every entry of every segment's index, by marker offset; throws when a segment has none. */
function indexedMarkers(log: PartitionLog): number[] {
  return log.allSegments().flatMap((s) => {
    const status = s.txnIndex.check(s.baseOffset, s.nextOffset);
    if (status.kind !== 'ok') throw new Error(`segment ${s.baseOffset}: .txnindex ${status.kind}`);
    return status.entries.map((e) => e.lastOffset);
  });
}

describe('the cleaner and the aborted-transaction index', () => {
  it('writes the index of cleaned segments, so a restart scans nothing and read_committed still hides aborted records', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'clean-txnindex-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    let tb: TestBroker = await startTestBroker({ dataDir });
    cleanups.push(() => tb.stop());
    const c = await RawClient.connect(tb.port);
    await tb.broker.topicManager.create({
      name: 'cx', numPartitions: 1, replicationFactor: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '160' }],
    });
    const a = await initTxn(c, 'A');
    const b = await initTxn(c, 'B');
    const txn = async (id: string, p: TxnProducer, seq: number, key: string, value: string, commit: boolean) => {
      expect(await addTxnPartitions(c, id, p, 'cx', [0])).toEqual([0]);
      expect(await produceKeyed(c, 'cx', key, value, { id, p, seq })).toBe(0);
      expect(await endTxn(c, id, p, commit)).toBe(0);
    };
    await txn('A', a, 0, 'k1', 'a1', true); // 0, marker 1
    await txn('B', b, 0, 'k2', 'b-aborted-1', false); // 2, marker 3
    expect(await produceKeyed(c, 'cx', 'k2', 'p2')).toBe(0); // 4
    await txn('A', a, 1, 'k3', 'a-aborted-2', false); // 5 (A's last data batch), marker 6
    await txn('B', b, 1, 'k2', 'b-aborted-3', false); // 7 (B's last data batch), marker 8
    for (let i = 0; i < 8; i++) expect(await produceKeyed(c, 'cx', 'k4', `p4-${i}`)).toBe(0);
    c.close();
    const log = () => tb.broker.partitions.get('cx', 0)!;
    expect(indexedMarkers(log())).toEqual([3, 6, 8]);
    const before = await readCommittedView(tb.port, 'cx', 0);
    expect(before.values).toEqual(['a1', 'p2', ...Array.from({ length: 8 }, (_, i) => `p4-${i}`)]);

    await tb.broker.partitions.manager.runCleaner({ force: true });
    expect(indexedMarkers(log())).toEqual([3, 6, 8]);
    await tb.broker.partitions.manager.runCleaner({ force: true });
    // B's first transaction has no data left: entry dropped (its marker waits for its horizon).
    // A's and B's last transactions keep their producers' emptied last batches: entries stay.
    expect(indexedMarkers(log())).toEqual([6, 8]);
    const cleaned = await readCommittedView(tb.port, 'cx', 0);
    // Below the active segment only the latest k4 survives; the active one is never cleaned.
    expect(cleaned.values).toEqual(['a1', 'p2', 'p4-6', 'p4-7']);
    expect(cleaned.values.filter((v) => v.includes('aborted'))).toEqual([]);

    await tb.stop();
    const partitionDir = path.join(dataDir, 'cx-0');
    const run = await countScans(partitionDir, () => startTestBroker({ dataDir }));
    tb = run.result;
    expect([...run.scanned]).toEqual([]);
    expect(indexedMarkers(log())).toEqual([6, 8]);
    expect(await readCommittedView(tb.port, 'cx', 0)).toEqual(cleaned);
  });

  it('a replaced segment without a valid index leaves the cleaned segment without one', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = PartitionLog.open({ dir: t.dir, config: { segmentBytes: 10_000, cleanupPolicy: 'compact' }, fsync: 'never' });
    cleanups.push(() => log.close());
    const k = Buffer.from('k');
    log.append(buildBatch([{ key: k, value: Buffer.from('aborted') }], { attributes: Attributes.transactional, producerId: 5n, producerEpoch: 0, baseSequence: 0 }));
    log.append(buildControlBatch({ producerId: 5n, producerEpoch: 0, type: ControlType.Abort }), { origin: 'coordinator' });
    log.appendAbortedTxn({ producerId: 5n, firstOffset: 0, lastOffset: 1, lastStableOffset: 2 });
    log.append(buildBatch([{ key: k, value: Buffer.from('v') }]));
    log.roll();
    const first = log.allSegments()[0]!;
    fs.rmSync(first.txnIndex.path);
    expect(await new LogCleaner({ fsync: false }).clean(log, { force: true })).not.toBeNull();
    const cleaned = log.allSegments()[0]!;
    expect(cleaned).not.toBe(first);
    expect(cleaned.txnIndex.check(cleaned.baseOffset, cleaned.nextOffset)).toEqual({ kind: 'missing' });
  });

  it('rolls the new index forward with a committed swap and discards it with an uncommitted one', () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const entry: AbortedTxnEntry = { producerId: 5n, firstOffset: 0, lastOffset: 1, lastStableOffset: 2 };
    const file = (suffix: string) => path.join(t.dir, segmentFileName(0, suffix));
    // Uncommitted (no manifest): both `.cleaned` files go, the live index stays.
    fs.writeFileSync(file('.txnindex'), encodeTxnEntries([]));
    fs.writeFileSync(cleanedLogPath(t.dir, 0), 'new segment');
    writeCleanedTxnIndex(t.dir, 0, [entry], false);
    completeInterruptedSwap(t.dir);
    expect(fs.readdirSync(t.dir).sort()).toEqual([segmentFileName(0, '.txnindex')]);
    // Committed, crashed before any rename: the old files go, both new ones take their place.
    fs.writeFileSync(file('.log'), 'old segment');
    fs.writeFileSync(cleanedLogPath(t.dir, 0), 'new segment');
    writeCleanedTxnIndex(t.dir, 0, [entry], false);
    fs.writeFileSync(path.join(t.dir, SWAP_MANIFEST), JSON.stringify({ base: 0, replaced: [0] }));
    completeInterruptedSwap(t.dir);
    expect(fs.readFileSync(file('.log'), 'utf8')).toBe('new segment');
    expect(decodeTxnEntries(fs.readFileSync(file('.txnindex')))).toEqual([entry]);
    expect(fs.existsSync(path.join(t.dir, SWAP_MANIFEST))).toBe(false);
    // Committed, crashed between the two renames: the new `.log` is in place, the index follows.
    writeCleanedTxnIndex(t.dir, 0, [], false);
    fs.writeFileSync(path.join(t.dir, SWAP_MANIFEST), JSON.stringify({ base: 0, replaced: [0] }));
    completeInterruptedSwap(t.dir);
    expect(fs.readFileSync(file('.log'), 'utf8')).toBe('new segment');
    expect(fs.readFileSync(file('.txnindex')).length).toBe(0);
  });
});
