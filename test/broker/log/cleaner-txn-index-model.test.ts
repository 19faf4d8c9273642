/*
 * The `.txnindex` files the cleaner writes, against a reference model, over random mixes of plain
 * records, transactional records and COMMIT/ABORT markers of three producers (the index is fed as
 * the broker's marker writer feeds it: an ABORT closing a transaction with data gets an entry with
 * the LSO after it). After each of two cleanings:
 *   - the entries are Kafka's: in the cleaned range, those of aborted transactions that still had a
 *     data batch when that cleaning read them (all of them the first time; the second time only
 *     those whose producer's last data batch, kept empty, belongs to them); beyond it, unchanged;
 *   - a read_committed consumer filtering with the aborted transactions the log collects from its
 *     indexes sees exactly the surviving records of plain and committed data;
 *   - a reopened log loads with no index to rebuild.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner.ts';
import { loadPartitionState } from '../../../src/broker/txn/partition-state-loader.ts';
import { PartitionTxnState } from '../../../src/broker/txn/partition-txn-state.ts';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { Attributes } from '../../../src/protocol/records/batch-header.ts';
import { buildControlBatch, ControlType } from '../../../src/protocol/records/control.ts';
import { buildBatch, tempDir } from './batch-fixture.ts';

const CONFIG = { segmentBytes: 400, cleanupPolicy: 'compact' as const, deleteRetentionMs: 1000, indexIntervalBytes: 100 };

/** [producer (0 = plain record), action]: a record with key, or the producer's COMMIT/ABORT. */
type Step = [pid: number, action: 'a' | 'b' | 'c' | 'commit' | 'abort'];

interface Written {
  /** marker offset → [producer, data batch offsets of its transaction] for every ABORT with data. */
  aborts: Map<number, { pid: number; data: number[] }>;
  /** data batch offset → true when plain or committed. */
  visible: Map<number, boolean>;
  /** transactional data batch offset → its producer. */
  producerOf: Map<number, number>;
}

/** Appends the steps, then aborts every transaction left open (so everything can be cleaned). */
function write(log: PartitionLog, steps: Step[]): Written {
  const txns = new PartitionTxnState();
  const pending = new Map<number, number[]>();
  const out: Written = { aborts: new Map(), visible: new Map(), producerOf: new Map() };
  const apply = ([pid, action]: Step) => {
    if (action === 'commit' || action === 'abort') {
      if (pid === 0) return;
      const commit = action === 'commit';
      const info = log.append(buildControlBatch({ producerId: BigInt(pid), producerEpoch: 0, type: commit ? ControlType.Commit : ControlType.Abort }), { origin: 'coordinator' });
      const aborted = txns.onMarker(BigInt(pid), info.baseOffset, commit);
      if (aborted !== null) log.appendAbortedTxn({ ...aborted, lastStableOffset: txns.lastStableOffset(log.highWatermark) });
      const data = pending.get(pid) ?? [];
      for (const o of data) out.visible.set(o, commit);
      if (!commit && data.length > 0) out.aborts.set(info.baseOffset, { pid, data });
      pending.delete(pid);
      return;
    }
    const opts = pid === 0 ? {} : { attributes: Attributes.transactional, producerId: BigInt(pid), producerEpoch: 0, baseSequence: -1 };
    const info = log.append(buildBatch([{ key: Buffer.from(action), value: Buffer.from(`${action}@${log.logEndOffset}`) }], opts));
    if (pid === 0) {
      out.visible.set(info.baseOffset, true);
      return;
    }
    txns.onData(BigInt(pid), info.baseOffset);
    out.producerOf.set(info.baseOffset, pid);
    pending.set(pid, [...(pending.get(pid) ?? []), info.baseOffset]);
  };
  for (const step of steps) apply(step);
  for (const pid of [...pending.keys()]) apply([pid, 'abort']);
  return out;
}

/** A read_committed consumer of the whole log: record offsets it delivers. */
function readCommitted(log: PartitionLog): number[] {
  const aborted = log.collectAbortedTxns(0, log.logEndOffset);
  const active = new Set<bigint>();
  const out: number[] = [];
  for (const b of decodeRecords(Buffer.concat(log.read(log.logStartOffset, { maxBytes: 1 << 26 }).chunks))) {
    while (aborted.length > 0 && aborted[0]!.firstOffset <= b.header.baseOffset + b.header.lastOffsetDelta) active.add(aborted.shift()!.producerId);
    if (b.isControl) active.delete(b.header.producerId);
    else if (!(b.isTransactional && active.has(b.header.producerId))) for (const r of b.records) out.push(r.offset);
  }
  return out;
}

function indexed(log: PartitionLog): number[] {
  return log.allSegments().flatMap((s) => s.txnIndex.entries().map((e) => e.lastOffset));
}

const stepArb: fc.Arbitrary<Step> = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b', 'c', 'commit', 'abort'));

describe('the .txnindex of cleaned segments (reference model)', () => {
  it('holds Kafka’s entries, lets read_committed hide exactly the aborted data, and needs no rebuild on reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 60 }), async (steps) => {
        const t = tempDir();
        let log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
        try {
          const w = write(log, steps);
          const rangeEnd = log.segmentBaseOffsets().at(-1)!;
          const lastData = new Map<number, number>(); // producer → its last data batch in the range
          for (const [o, pid] of w.producerOf) if (o < rangeEnd) lastData.set(pid, Math.max(lastData.get(pid) ?? -1, o));
          const live = indexed(log);
          expect(live).toEqual([...w.aborts.keys()].sort((x, y) => x - y));
          let clock = 10_000;
          const cleaner = new LogCleaner({ now: () => clock, fsync: false, batchesPerSlice: 3 });

          await cleaner.clean(log, { force: true });
          expect(indexed(log)).toEqual(live);
          const expectVisible = () => {
            const surviving = decodeRecords(Buffer.concat(log.read(0, { maxBytes: 1 << 26 }).chunks)).filter((b) => !b.isControl);
            const expected = surviving.filter((b) => w.visible.get(b.header.baseOffset) !== false).flatMap((b) => b.records.map((r) => r.offset));
            expect(readCommitted(log)).toEqual(expected);
          };
          expectVisible();

          clock += 2000;
          await cleaner.clean(log, { force: true });
          // In the range an entry stays iff its transaction holds its producer's last data batch
          // there (the only aborted batch the first cleaning kept, emptied).
          const holdsLast = (m: number) => w.aborts.get(m)!.data.includes(lastData.get(w.aborts.get(m)!.pid) ?? -1);
          expect(indexed(log)).toEqual(live.filter((m) => m >= rangeEnd || holdsLast(m)));
          expectVisible();

          await log.close();
          log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
          expect(loadPartitionState(log).rebuiltTxnIndexes).toEqual([]);
          expectVisible();
        } finally {
          await log.close();
          t.remove();
        }
      }),
      { numRuns: 40 },
    );
  });
});
