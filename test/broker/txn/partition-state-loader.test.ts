/*
 * Start-up of producer and transaction state from snapshots and `.txnindex` files
 * (partition-state-loader.ts), against a real broker with a long log of many segments holding
 * idempotent batches and committed, aborted and open transactions:
 *   - after a clean restart, a restart that finds no clean-shutdown marker (the log's unclean
 *     path), a restart with every snapshot and transaction index deleted (full rebuild), and one
 *     with a corrupt snapshot and a torn index, the LSO, the aborted list read_committed Fetch
 *     returns and idempotent dedup are exactly what they were (a corrupt snapshot is logged as a
 *     warning); after a clean restart, as in Kafka, only each producer's last batch is known;
 *   - the start-up reads of old segments are counted (a spy on LogSegment.scanHeaders, the one way
 *     the loader reads batch headers): none after a clean stop, only the active segment after an
 *     unclean one, every segment only when the caches are gone;
 *   - the same through a real kill -9 of a broker child process;
 *   - on a bare PartitionLog: a snapshot beyond the log end (truncation) or failing its CRC is
 *     deleted and the older one, or a scan from the log start, is used; one in Tributary's
 *     earlier layout (before an upgrade) is loaded like any other.
 */
import { describe, it, expect, afterEach, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Broker, silentLogger } from '../../../src/broker/broker.ts';
import { countScans } from '../log/count-scans.ts';
import { CLEAN_SHUTDOWN_FILE } from '../../../src/broker/log/log-checkpoint.ts';
import { listSnapshotOffsets, snapshotPath, writeSnapshot } from '../../../src/broker/log/producer-snapshot.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { loadPartitionState } from '../../../src/broker/txn/partition-state-loader.ts';
import { toSnapshot } from '../../../src/broker/txn/partition-snapshot.ts';
import { PartitionTxnState } from '../../../src/broker/txn/partition-txn-state.ts';
import { buildBatch } from '../log/batch-fixture.ts';
import { encodeLegacy } from '../log/legacy-snapshot-fixture.ts';
import { readSnapshot } from '../../../src/broker/log/producer-snapshot.ts';
import { expectSameState, retryBatch, writeWorkload, WORKLOAD_TOPIC } from './partition-state-workload.ts';
import { kill, killChildren, spawnBroker } from './txn-broker-child.ts';

const dirs: string[] = [];
const brokers: Broker[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  killChildren();
  for (const b of brokers.splice(0)) await b.close().catch(() => undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-txnlog-'));
  dirs.push(d);
  return d;
}

async function start(dataDir: string, warnings?: string[]): Promise<Broker> {
  const logger = warnings === undefined ? silentLogger : { warn: (m: string) => void warnings.push(m) };
  const b = await Broker.start({ dataDir, port: 0, group: { initialRebalanceDelayMs: 0 } }, { logger });
  brokers.push(b);
  return b;
}

async function stop(b: Broker): Promise<void> {
  brokers.splice(brokers.indexOf(b), 1);
  await b.close();
}

/** Starts a broker and returns the base offsets of the workload partition's segments whose batch headers were scanned. */
async function startCountingScans(dataDir: string, warnings?: string[]): Promise<{ broker: Broker; scanned: Set<number> }> {
  const { result, scanned } = await countScans(path.join(dataDir, `${WORKLOAD_TOPIC}-0`), () => start(dataDir, warnings));
  return { broker: result, scanned };
}

describe('producer state and transaction indexes across restarts', () => {
  it('restores the same LSO, aborted list and dedup, scanning only what the snapshots do not cover', async () => {
    const dir = newDir();
    const partitionDir = path.join(dir, `${WORKLOAD_TOPIC}-0`);
    const first = await start(dir);
    const before = await writeWorkload(first.port, 24);
    const segments = first.partitions.get(WORKLOAD_TOPIC, 0)!.segmentBaseOffsets();
    expect(segments.length).toBeGreaterThan(10);
    expect(before.view.abortedTxns.length).toBe(8);
    expect(before.view.lastStableOffset).toBeLessThan(before.view.highWatermark); // the open transaction
    await stop(first);

    // 1 clean stop: the snapshot at the log end covers everything. As in Kafka it holds each
    // producer's last batch only: a retry of the batch before it is out of order, not a duplicate.
    let run = await startCountingScans(dir);
    expect([...run.scanned]).toEqual([]);
    expect(await retryBatch(run.broker.port, before.previousBatch)).toMatchObject({ errorCode: 45 });
    await expectSameState(run.broker.port, before);
    await stop(run.broker);

    // 2 no clean-shutdown marker: the active segment is re-verified and its index rebuilt from
    // the snapshot at its base; no older segment is read.
    fs.rmSync(path.join(partitionDir, CLEAN_SHUTDOWN_FILE));
    run = await startCountingScans(dir);
    expect([...run.scanned]).toEqual([segments.at(-1)]);
    await expectSameState(run.broker.port, before);
    await stop(run.broker);

    // 3 every cache gone (as after an upgrade): a full scan rebuilds the same state.
    for (const f of fs.readdirSync(partitionDir)) if (/\.(snapshot|txnindex)$/.test(f)) fs.rmSync(path.join(partitionDir, f));
    run = await startCountingScans(dir);
    expect(run.scanned.size).toBe(segments.length);
    await expectSameState(run.broker.port, before);
    await stop(run.broker);

    // 4 a corrupt newest snapshot and a torn index with entries: both are rebuilt, same state.
    const newest = listSnapshotOffsets(partitionDir).at(-1)!;
    const snap = fs.readFileSync(snapshotPath(partitionDir, newest));
    snap[snap.length - 1]! ^= 0xff;
    fs.writeFileSync(snapshotPath(partitionDir, newest), snap);
    const withEntries = fs.readdirSync(partitionDir).find((f) => f.endsWith('.txnindex') && fs.statSync(path.join(partitionDir, f)).size > 0)!;
    fs.truncateSync(path.join(partitionDir, withEntries), 33);
    run = await startCountingScans(dir);
    expect(run.scanned.size).toBeGreaterThan(0);
    await expectSameState(run.broker.port, before);
    await stop(run.broker);

    // 5 only the newest snapshot corrupt: a warning, and the log after the older one is scanned.
    const again = fs.readFileSync(snapshotPath(partitionDir, newest));
    again[20]! ^= 0x01;
    fs.writeFileSync(snapshotPath(partitionDir, newest), again);
    const warnings: string[] = [];
    run = await startCountingScans(dir, warnings);
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`ignored producer-state snapshot ${newest}: CRC mismatch`)));
    expect(run.scanned.size).toBeGreaterThan(0);
    await expectSameState(run.broker.port, before);
  }, 120_000);

  it('a broker killed with SIGKILL restarts with the same LSO, aborted list and dedup', async () => {
    const dir = newDir();
    const first = await spawnBroker(dir);
    const before = await writeWorkload(first.port, 12);
    await kill(first);
    const second = await spawnBroker(dir);
    await expectSameState(second.port, before);
    // The restart left a snapshot at the log end: a second kill -9 restarts from it.
    await kill(second);
    const third = await spawnBroker(dir);
    await expectSameState(third.port, before);
    await kill(third);
  }, 120_000);
});

describe('loadPartitionState on a bare log', () => {
  async function logWithBatches(dir: string): Promise<{ leo: number; activeBase: number }> {
    const log = PartitionLog.open({ dir, config: { segmentBytes: 300 }, fsync: 'never' });
    for (let i = 0; i < 6; i++) log.append(buildBatch([{ value: Buffer.from(`v${i}`), timestamp: Date.now() }, { value: Buffer.from('w'), timestamp: Date.now() }], { producerId: 5n, producerEpoch: 0, baseSequence: 2 * i }));
    const out = { leo: log.logEndOffset, activeBase: log.segmentBaseOffsets().at(-1)! };
    await log.close();
    return out;
  }
  const other = (pid: bigint) => ({ producerId: pid, epoch: 0, lastSequence: -1, lastOffset: -1, offsetDelta: 0, timestamp: -1, coordinatorEpoch: -1, currentTxnFirstOffset: -1 });

  it('deletes a snapshot beyond the log end and uses the older one, scanning only after it', async () => {
    const dir = newDir();
    const { leo, activeBase } = await logWithBatches(dir);
    expect(activeBase).toBeGreaterThan(0);
    // A snapshot at the active base that (unlike the log) knows producer 77: proof it was used.
    writeSnapshot(dir, activeBase, [other(77n)], activeBase);
    writeSnapshot(dir, leo + 10, [other(99n)], activeBase);
    const log = PartitionLog.open({ dir, config: { segmentBytes: 300 }, fsync: 'never' });
    const loaded = loadPartitionState(log);
    expect(loaded.droppedSnapshots).toEqual([{ offset: leo + 10, reason: `beyond the log end ${leo}` }]);
    expect(fs.existsSync(snapshotPath(dir, leo + 10))).toBe(false);
    expect(loaded.snapshotOffset).toBe(activeBase);
    expect(loaded.scannedFrom).toBe(activeBase);
    expect([...loaded.producers.producers.keys()].sort()).toEqual([5n, 77n]);
    // Producer 5's state comes from the scanned tail only: its batches in the active segment.
    const all = [0, 2, 4, 6, 8, 10];
    expect(loaded.producers.producers.get(5n)!.batches.map((b) => b.baseOffset)).toEqual(all.filter((o) => o >= activeBase));
    await log.close();
  });

  it('after an upgrade, a snapshot in the earlier layout is loaded (no scan from the log start) and replaced by Kafka’s layout', async () => {
    const dir = newDir();
    const { leo, activeBase } = await logWithBatches(dir);
    // What the earlier broker wrote at its clean shutdown: producer 5 with its last five batches,
    // plus producer 77 with an open transaction (known only from the snapshot: proof it was used).
    const batches = [2, 4, 6, 8, 10].map((o) => ({ firstSeq: o, lastSeq: o + 1, baseOffset: o, lastOffset: o + 1, timestamp: 1 }));
    fs.writeFileSync(snapshotPath(dir, leo), encodeLegacy(leo, [
      { producerId: 5n, epoch: 0, currentTxnFirstOffset: -1, batches },
      { producerId: 77n, epoch: -1, currentTxnFirstOffset: activeBase, batches: [] },
    ]));
    let log = PartitionLog.open({ dir, config: { segmentBytes: 300 }, fsync: 'never' });
    let loaded = loadPartitionState(log);
    expect(loaded.droppedSnapshots).toEqual([]);
    expect(loaded.snapshotOffset).toBe(leo);
    expect(loaded.scannedFrom).toBe(leo);
    expect([...loaded.open]).toEqual([[77n, activeBase]]);
    expect(loaded.producers.producers.get(5n)!.batches).toEqual([{ firstSeq: 10, lastSeq: 11, baseOffset: 10, lastOffset: 11, timestamp: 1 }]);
    // The next snapshot (here: the one a roll or clean shutdown writes) is in Kafka's layout.
    writeSnapshot(dir, leo, toSnapshot(loaded.producers, new PartitionTxnState(loaded.open)), activeBase);
    expect(fs.readFileSync(snapshotPath(dir, leo)).readInt32BE(6)).toBe(2); // Kafka's entry count
    expect(readSnapshot(dir, leo).map((e) => e.producerId)).toEqual([5n, 77n]);
    await log.close();
    log = PartitionLog.open({ dir, config: { segmentBytes: 300 }, fsync: 'never' });
    loaded = loadPartitionState(log);
    expect(loaded.snapshotOffset).toBe(leo);
    expect([...loaded.open]).toEqual([[77n, activeBase]]);
    await log.close();
  });

  it('a snapshot with a bad CRC is deleted and the log is scanned from its start', async () => {
    const dir = newDir();
    const { activeBase } = await logWithBatches(dir);
    writeSnapshot(dir, activeBase, [other(77n)], activeBase);
    const file = snapshotPath(dir, activeBase);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    fs.writeFileSync(file, bytes);
    const log = PartitionLog.open({ dir, config: { segmentBytes: 300 }, fsync: 'never' });
    const loaded = loadPartitionState(log);
    expect(loaded.droppedSnapshots).toMatchObject([{ offset: activeBase, reason: expect.stringMatching(/CRC/) }]);
    expect(loaded.snapshotOffset).toBeNull();
    expect([...loaded.producers.producers.keys()]).toEqual([5n]);
    expect(loaded.producers.producers.get(5n)!.batches).toHaveLength(5);
    await log.close();
  });
});
