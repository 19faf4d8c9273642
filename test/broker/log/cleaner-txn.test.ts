/*
 * The cleaner and transactions against a reference model: random mixes of plain records,
 * transactional records, COMMIT/ABORT markers (some of transactions with no data) and
 * transactions left open, all keyed, some tombstones. The cleaner is bounded by the LSO as the
 * transaction service bounds it, and told which producers are still in producer state as the
 * producer service tells it: after the first cleaning, a random subset of the producers without
 * an open transaction expires (producer.id.expiration.ms), and only the others keep their last
 * data batch at the later cleanings.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PartitionLog } from '../../../src/broker/log/partition-log.ts';
import { LogCleaner } from '../../../src/broker/log/cleaner.ts';
import { decodeRecords } from '../../../src/protocol/records/record-batch.ts';
import { Attributes } from '../../../src/protocol/records/batch-header.ts';
import { buildControlBatch, ControlType, decodeControlRecord } from '../../../src/protocol/records/control.ts';
import { buildBatch, tempDir } from './batch-fixture.ts';

const RETENTION = 1000;
const CONFIG = { segmentBytes: 500, cleanupPolicy: 'compact' as const, deleteRetentionMs: RETENTION, indexIntervalBytes: 100 };

type Op = { kind: 'plain'; key: string; tomb: boolean } | { kind: 'txn'; pid: number; key: string; tomb: boolean } | { kind: 'end'; pid: number; commit: boolean };

interface Batch {
  offset: number;
  pid: number;
  control: boolean;
  transactional: boolean;
  /** COMMIT/ABORT for a marker. */
  commit: boolean;
  records: Array<{ offset: number; key: string; value: string | null }>;
}

function readBatches(log: PartitionLog): Batch[] {
  const chunks = log.read(log.logStartOffset, { maxBytes: 1 << 26 }).chunks;
  return decodeRecords(Buffer.concat(chunks)).map((b) => ({
    offset: b.header.baseOffset,
    pid: Number(b.header.producerId),
    control: b.isControl,
    transactional: b.isTransactional,
    commit: b.isControl && b.records.length > 0 && decodeControlRecord(b.records[0]!.key, b.records[0]!.value).type === ControlType.Commit,
    records: b.isControl ? [] : b.records.map((r) => ({ offset: r.offset, key: r.key!.toString(), value: r.value === null ? null : r.value.toString() })),
  }));
}

/** The marker after `offset` of producer `pid`, or undefined (open). */
function nextMarker(batches: Batch[], pid: number, offset: number): Batch | undefined {
  return batches.find((b) => b.control && b.pid === pid && b.offset > offset);
}

/** What a read_committed consumer ends with below the LSO: key → latest committed value. */
function committedView(batches: Batch[], lso: number): Map<string, string> {
  const visible = batches
    .filter((b) => !b.control && (!b.transactional || nextMarker(batches, b.pid, b.offset)?.commit === true))
    .flatMap((b) => b.records)
    .filter((r) => r.offset < lso)
    .sort((x, y) => x.offset - y.offset);
  const view = new Map<string, string>();
  for (const r of visible) {
    if (r.value === null) view.delete(r.key);
    else view.set(r.key, r.value);
  }
  return view;
}

/** Producer → first offset of its open transaction (what a rebuild of transaction state finds). */
function openTxns(batches: Batch[]): Map<number, number> {
  const open = new Map<number, number>();
  for (const b of batches) {
    if (!b.transactional) continue;
    if (b.control) open.delete(b.pid);
    else if (!open.has(b.pid)) open.set(b.pid, b.offset);
  }
  return open;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('plain' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), tomb: fc.boolean() }),
  fc.record({ kind: fc.constant('txn' as const), pid: fc.constantFrom(1, 2, 3), key: fc.constantFrom('a', 'b', 'c', 'd'), tomb: fc.boolean() }),
  fc.record({ kind: fc.constant('end' as const), pid: fc.constantFrom(1, 2, 3), commit: fc.boolean() }),
);

function apply(log: PartitionLog, ops: Op[]): void {
  for (const op of ops) {
    if (op.kind === 'end') {
      log.append(buildControlBatch({ producerId: BigInt(op.pid), producerEpoch: 0, type: op.commit ? ControlType.Commit : ControlType.Abort, timestamp: 5 }), { origin: 'coordinator' });
      continue;
    }
    const value = op.tomb ? null : Buffer.from(`${op.key}@${log.logEndOffset}`);
    const opts = op.kind === 'txn' ? { attributes: Attributes.transactional, producerId: BigInt(op.pid), producerEpoch: 0, baseSequence: -1 } : {};
    log.append(buildBatch([{ key: Buffer.from(op.key), value, timestamp: log.logEndOffset }], opts));
  }
}

describe('log cleaner with transactions (reference model)', () => {
  it('compacts committed data by key, removes aborted data, never touches open transactions, and removes a marker only once its transaction is empty and its horizon has passed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 4 }), fc.subarray([1, 2, 3]), async (ops, batchesPerSlice, expiring) => {
        const t = tempDir();
        const log = PartitionLog.open({ dir: t.dir, config: CONFIG, fsync: 'never' });
        try {
          apply(log, ops);
          const before = readBatches(log);
          const open = openTxns(before);
          const lso = Math.min(log.logEndOffset, ...open.values());
          const bases = log.segmentBaseOffsets();
          // the cleanable range: inactive segments wholly below the LSO
          let k = 0;
          while (k < bases.length - 1 && bases[k + 1]! <= lso) k++;
          const rangeEnd = k === 0 ? 0 : bases[k]!;
          const inRange = (o: number) => o < rangeEnd;

          // producer state: each producer's last data batch in the whole log, unless it expired
          // (a producer with an open transaction never expires)
          const expired = new Set(expiring.filter((pid) => !open.has(pid)));
          const lastData = new Map<number, number>();
          for (const b of before) if (!b.control && b.pid >= 0 && !expired.has(b.pid)) lastData.set(b.pid, b.offset);
          const active = new Map([...lastData].map(([pid, offset]) => [BigInt(pid), { lastDataOffset: offset, epoch: 0 }]));
          // the first cleaning runs before the expiration: every producer is still active
          const allActive = new Map<bigint, { lastDataOffset: number; epoch: number }>();
          for (const b of before) if (!b.control && b.pid >= 0) allActive.set(BigInt(b.pid), { lastDataOffset: b.offset, epoch: 0 });
          let expiredYet = false;

          let clock = 10_000;
          const cleaner = new LogCleaner({ now: () => clock, fsync: false, batchesPerSlice });
          cleaner.setStableOffsets(() => lso);
          cleaner.setActiveProducers(() => (expiredYet ? active : allActive));
          await cleaner.clean(log, { force: true });

          // model of the first cleaning: in the range, aborted data goes; plain and committed data
          // keep the latest record per key (tombstones included); everything else stays
          const outcome = (b: Batch) => (b.transactional ? nextMarker(before, b.pid, b.offset)?.commit : true);
          const latest = new Map<string, number>();
          for (const b of before) {
            if (b.control || !inRange(b.offset) || outcome(b) !== true) continue;
            for (const r of b.records) latest.set(r.key, r.offset);
          }
          const keepRecord = (b: Batch, r: Batch['records'][number]) =>
            !inRange(r.offset) || (outcome(b) === true && latest.get(r.key) === r.offset);
          const expected = before.filter((b) => !b.control).flatMap((b) => b.records.filter((r) => keepRecord(b, r)));
          const after1 = readBatches(log);
          expect(after1.filter((b) => !b.control).flatMap((b) => b.records)).toEqual(expected);
          expect(after1.filter((b) => b.control).map((b) => b.offset)).toEqual(before.filter((b) => b.control).map((b) => b.offset));
          expect(committedView(after1, lso)).toEqual(committedView(before, lso));
          expect(openTxns(after1)).toEqual(open);

          // three more cleanings, each a retention period later: in-range tombstones go at the
          // second; a marker in the range stays iff a data batch of its transaction is left (a
          // batch stays while it keeps records or holds its active producer's last data offset)
          expiredYet = true;
          for (let pass = 0; pass < 3; pass++) {
            clock += RETENTION;
            await cleaner.clean(log, { force: true });
          }
          const final = readBatches(log);
          const expectedFinal = expected.filter((r) => !inRange(r.offset) || r.value !== null);
          expect(final.filter((b) => !b.control).flatMap((b) => b.records)).toEqual(expectedFinal);
          const survives = (b: Batch) =>
            !inRange(b.offset) || lastData.get(b.pid) === b.offset || b.records.some((r) => expectedFinal.some((e) => e.offset === r.offset));
          const markersKept = before.filter((m) => {
            if (!m.control || !inRange(m.offset)) return m.control;
            const prev = before.filter((b) => b.control && b.pid === m.pid && b.offset < m.offset).at(-1)?.offset ?? -1;
            return before.some((b) => !b.control && b.transactional && b.pid === m.pid && b.offset > prev && b.offset < m.offset && survives(b));
          });
          expect(final.filter((b) => b.control).map((b) => b.offset)).toEqual(markersKept.map((m) => m.offset));
          expect(committedView(final, lso)).toEqual(committedView(before, lso));
          expect(openTxns(final)).toEqual(open);
          // record timestamps survive the delete-horizon stamping (each record's is its offset at append)
          const all = decodeRecords(Buffer.concat(log.read(0, { maxBytes: 1 << 26 }).chunks));
          for (const b of all) if (!b.isControl) for (const r of b.records) expect(r.timestamp).toBe(r.offset);
        } finally {
          await log.close();
          t.remove();
        }
      }),
      { numRuns: 60 },
    );
  });
});
