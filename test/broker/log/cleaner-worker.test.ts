/*
 * The cleaner's worker thread (cleaner-worker.ts, cleaner-thread.ts, cleaner-job.ts): phases 2–3 of
 * a cleaning run beside the broker's thread, not on it.
 *   - With the owning thread blocked (a synchronous wait, as a long request would hold it), the
 *     worker still reads the dirty segments and writes the cleaned segment with its indexes; the
 *     swapped-in segment opens on those indexes; the result is the latest record per key.
 *   - A running broker keeps answering fetches while a large compaction runs.
 *   - Without a worker (worker: false) the same job runs paced on the owning thread, same result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogCleaner } from '../../../src/broker/log/cleaner.ts';
import { INDEX_SUFFIX, segmentFileName, TIME_INDEX_SUFFIX } from '../../../src/broker/log/log-segment.ts';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { cleanedLogPath, SCRATCH_DIR } from '../../../src/broker/log/segment-swap.ts';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { startTestBroker } from '../../../src/testing/broker-harness.ts';
import { makeBatch, RawClient } from '../raw-client.ts';
import { buildBatch, tempDir } from './batch-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CONFIG = { segmentBytes: 64 * 1024, cleanupPolicy: 'compact' as const, indexIntervalBytes: 32 * 1024 };
const KEYS = 50;
const BATCHES = 2000;

/** A log of BATCHES batches of one 200-byte record each, keys k0..k49 in turn; the value names the batch. */
function fillLog(dir: string): PartitionLog {
  const log = PartitionLog.open({ dir, config: CONFIG, fsync: 'never' });
  for (let i = 0; i < BATCHES; i++) {
    log.append(buildBatch([{ key: Buffer.from(`k${i % KEYS}`), value: Buffer.from(`v${i}`.padEnd(200, '.')), timestamp: i }]));
  }
  return log;
}

/** key → value of every record the log still holds, in offset order (later ones win). */
function latestByKey(log: PartitionLog): Map<string, string> {
  const r = log.read(log.logStartOffset, { maxBytes: 1 << 26 });
  const out = new Map<string, string>();
  for (const b of decodeRecords(Buffer.concat(r.chunks))) for (const x of b.records) out.set(x.key!.toString(), x.value!.toString().replace(/\.+$/, ''));
  return out;
}

/** What a compacted log must answer: for each key, the value of its last batch. */
function model(): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < BATCHES; i++) m.set(`k${i % KEYS}`, `v${i}`);
  return m;
}

/** Blocks this thread (no event-loop turn) until `cond` holds or `maxWaits` × 5 ms have gone by. */
function blockUntil(cond: () => boolean, maxWaits: number): boolean {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < maxWaits; i++) {
    if (cond()) return true;
    Atomics.wait(cell, 0, 0, 5);
  }
  return cond();
}

describe("the log cleaner's worker thread", () => {
  it('reads the dirty segments and writes the cleaned segment and its indexes while the owning thread is blocked', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = fillLog(t.dir);
    cleanups.push(() => log.close());
    const segmentsBefore = log.segmentBaseOffsets().length;
    const cleaner = new LogCleaner({ fsync: false });
    cleanups.push(() => cleaner.stop());
    expect(cleaner.runsOn).toBe('worker');
    // Phase 2b asks this thread for the active producers: once it has, phase 3 is the worker's.
    let settled = false;
    cleaner.setActiveProducers(() => {
      settled = true;
      return new Map();
    });
    const cleaning = cleaner.clean(log, { force: true });
    while (!settled) await new Promise((r) => setImmediate(r));
    const first = log.segmentBaseOffsets()[0]!;
    // No event-loop turn from here: a cleaner on this thread could not write a byte meanwhile.
    const written = blockUntil(() => fs.existsSync(cleanedLogPath(t.dir, first)), 12_000);
    expect(written).toBe(true);
    const stats = await cleaning;
    expect(stats).not.toBeNull();
    expect(stats!.segmentsBefore).toBe(segmentsBefore - 1); // all but the active one
    expect(stats!.bytesAfter).toBeLessThan(stats!.bytesBefore / 4);
    expect(latestByKey(log)).toEqual(model());
    // The new segments came with the indexes the worker built, renamed in: each non-empty one's
    // time index ends with its largest timestamp (written when a built segment becomes inactive; a
    // rebuild from the log adds entries only every index.interval.bytes, none in a segment this small).
    const cleaned = log.allSegments().slice(0, -1).filter((s) => s.size > 0);
    expect(cleaned.length).toBeGreaterThan(0);
    for (const s of cleaned) {
      expect(s.size).toBeLessThan(CONFIG.indexIntervalBytes);
      expect(fs.statSync(path.join(t.dir, segmentFileName(s.baseOffset, TIME_INDEX_SUFFIX))).size).toBeGreaterThanOrEqual(12);
      expect(fs.existsSync(path.join(t.dir, segmentFileName(s.baseOffset, INDEX_SUFFIX)))).toBe(true);
    }
    expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.cleaned') || f === SCRATCH_DIR)).toEqual([]);
    // Reopened, the cleaned log reads the same: its indexes match its data.
    await log.close();
    const again = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
    cleanups.push(() => again.close());
    expect(latestByKey(again)).toEqual(model());
    expect(again.read(first, { maxBytes: 1 }).chunks.length).toBeGreaterThan(0);
  });

  it('cleans the same way on the owning thread when configured without a worker', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const log = fillLog(t.dir);
    cleanups.push(() => log.close());
    const cleaner = new LogCleaner({ fsync: false, worker: false });
    expect(cleaner.runsOn).toBe('event-loop');
    const stats = await cleaner.clean(log, { force: true });
    expect(stats).not.toBeNull();
    expect(latestByKey(log)).toEqual(model());
    expect(fs.readdirSync(t.dir).filter((f) => f.endsWith('.cleaned') || f === SCRATCH_DIR)).toEqual([]);
  });

  it('a broker keeps answering fetches while a large compaction runs', async () => {
    const tb = await startTestBroker();
    cleanups.push(() => tb.stop());
    const c = await RawClient.connect(tb.port);
    cleanups.push(() => c.close());
    await tb.broker.topicManager.create({
      name: 'big', numPartitions: 1, replicationFactor: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: String(1 << 20) }],
    });
    await tb.broker.topicManager.create({ name: 'live', numPartitions: 1, replicationFactor: 1, configs: [] });
    const produce = async (topic: string, records: Parameters<typeof makeBatch>[0]) => {
      const res = await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: makeBatch(records) }] }] });
      expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    };
    // 16 MiB in 16 segments: 512 batches of 16 records of 2 KiB over 100 keys.
    for (let b = 0; b < 512; b++) await produce('big', Array.from({ length: 16 }, (_, i) => ({ key: `k${(b * 16 + i) % 100}`, value: Buffer.alloc(2048, b) })));
    await produce('live', [{ key: 'x', value: 'served' }]);
    const fetchLive = async () => {
      const res = await c.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'live', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      return res.responses[0]!.partitions[0]!;
    };
    const manager = tb.broker.partitions.manager;
    expect(manager.cleaner.runsOn).toBe('worker');
    const big = tb.broker.partitions.get('big', 0)!;
    const sizeBefore = big.sizeInBytes;
    let finished = false;
    const cleaning = manager.runCleaner({ force: true }).finally(() => (finished = true));
    let answeredWhileCleaning = 0;
    while (!finished) {
      const p = await fetchLive();
      expect(p.errorCode).toBe(0);
      expect(decodeRecords(p.records as Buffer)[0]!.records[0]!.value!.toString()).toBe('served');
      if (!finished) answeredWhileCleaning++;
    }
    const stats = await cleaning;
    expect(stats.find((s) => s.partition === big.name)).toBeDefined();
    expect(big.sizeInBytes).toBeLessThan(sizeBefore / 4);
    expect(answeredWhileCleaning).toBeGreaterThan(0);
  });
});
