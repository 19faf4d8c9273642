/*
 * Phases 2 (map) and 3 (rewrite) of one cleaning (cleaner.ts) over the files of a run of inactive
 * segments: what the cleaner's worker thread runs (cleaner-worker.ts), and what the broker's own
 * thread runs, paced, for a cleaner configured without a worker.
 *
 * What it touches: it reads the segments' `.log` files through descriptors of its own, each up to
 * the size the job names (inactive segments never grow, and their bytes never change while they
 * exist), and writes only files of its own — `<dir>/cleaner-scratch/` and, per group,
 * `<base>.log.cleaned`, `<base>.index.cleaned`, `<base>.timeindex.cleaned`. Live state (the
 * partition's segment list, producer state, transaction markers beyond the range) belongs to the
 * thread that owns the log, which the job asks through its hooks:
 *
 *   2  map      key → offset of its latest record, each transactional batch's pending outcome,
 *               each producer's last data batch (cleaner-txn.ts)
 *   2b settle   hooks.settle(pending producers) → their markers beyond the range and the active
 *               producers (null: no producer service, every mapped producer counts as active)
 *   3  rewrite  per group of segments: the surviving batches (cleaner-filter.ts) are appended to a
 *               new LogSegment in the scratch directory, so its offset and time indexes are built
 *               exactly as the log builds them; the segment is fsynced (log and indexes) and its
 *               three files renamed to the `.cleaned` names beside the partition's segments
 *   3b swap     hooks.swap(group) commits them (segment-swap.ts) on the owning thread and says
 *               whether to go on; false ends the job (the segments changed meanwhile)
 * A job gives up (returns null) when `aborted()` turns true or a segment file disappears
 * (retention or a topic deletion removed it); the caller then removes what it left behind
 * (discardLeftovers), once the job has ended.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, Offsets, isControlBatch, isTransactionalBatch, readBatchHeader, type BatchHeader } from '../../protocol/records/batch-header.ts';
import { BlockReader } from './batch-scan.ts';
import { BatchFilter, keepsProducerState, type ActiveProducer, type FilterStats } from './cleaner-filter.ts';
import { decodeEntries, KeyMap, markerIsCommit, TxnOutcomes } from './cleaner-txn.ts';
import { INDEX_SUFFIX, LOG_SUFFIX, LogSegment, segmentFileName, TIME_INDEX_SUFFIX, type Syncer } from './log-segment.ts';
import { CLEANED_SUFFIX, SCRATCH_DIR } from './segment-swap.ts';

/** The files a group leaves as `<name>.cleaned` for the swap (the `.txnindex` is the swap's). */
export const CLEANED_FILE_SUFFIXES: readonly string[] = [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX];
/** Bytes per read of a segment file (few large reads instead of two per batch). */
const READ_BLOCK_BYTES = 1 << 20;
/** Batches between two checks that the segment file still exists. */
const EXISTS_CHECK_BATCHES = 512;

export interface JobSegment {
  readonly baseOffset: number;
  readonly size: number;
}

/** Everything phases 2–3 need, plain data (it crosses to a worker thread). */
export interface CleanJob {
  readonly dir: string;
  /** The cleanable range, oldest first. */
  readonly segments: readonly JobSegment[];
  /** Base offsets per group, each a consecutive run of `segments` (cleaner.ts groupSegments). */
  readonly groups: readonly (readonly number[])[];
  readonly now: number;
  readonly deleteRetentionMs: number;
  readonly indexIntervalBytes: number;
  readonly fsync: boolean;
}

/** What the owning thread answers to phase 2b. */
export interface Settlement {
  readonly markers: ReadonlyMap<bigint, boolean | null>;
  readonly active: ReadonlyMap<bigint, ActiveProducer> | null;
}

/** A group's `.cleaned` files, ready to be swapped in for `replaced`. */
export interface CleanedGroup {
  readonly base: number;
  readonly replaced: readonly number[];
  /** Offsets of the ABORT markers kept with data in this group (cleaner-txn-index.ts). */
  readonly markersKeptWithData: readonly number[];
}

export interface JobHooks {
  settle(pending: readonly bigint[]): Promise<Settlement>;
  swap(group: CleanedGroup): Promise<boolean>;
  /** Pacing on a shared thread: a promise to await when a yield is due (cleaner-pacer.ts), else null. */
  step(): Promise<void> | null;
  aborted(): boolean;
  /** Makes a written file durable. */
  syncer: Syncer;
}

export interface JobResult {
  readonly stats: FilterStats;
  /** Earliest delete horizon the cleaning left in the range, null when none. */
  readonly earliestHorizon: number | null;
}

/** Runs phases 2–3 of `job`; null when it gave up (see the header). */
export async function runCleanJob(job: CleanJob, hooks: JobHooks): Promise<JobResult | null> {
  // 2 map
  const keys = new KeyMap();
  const lastBatchOfProducer = new Map<bigint, number>();
  const outcomes = new TxnOutcomes(keys);
  for (const seg of job.segments) {
    const done = await forEachBatch(job.dir, seg, hooks, (batch) => mapBatch(batch, keys, outcomes, lastBatchOfProducer));
    if (!done) return null;
  }
  // 2b settle
  const settlement = await hooks.settle(outcomes.pendingProducers());
  if (hooks.aborted()) return null;
  outcomes.settle(settlement.markers);
  const active = settlement.active;
  const keeps =
    active === null
      ? (h: BatchHeader) => !isControlBatch(h.attributes) && h.producerId >= 0n && lastBatchOfProducer.get(h.producerId) === h.baseOffset
      : (h: BatchHeader) => keepsProducerState(active, h);
  const stats: FilterStats = { recordsRemoved: 0, tombstonesRemoved: 0, markersRemoved: 0 };
  const filter = new BatchFilter({ keys, outcomes, keepsProducerState: keeps, now: job.now, deleteRetentionMs: job.deleteRetentionMs, stats });

  // 3 rewrite + 3b swap, group by group (the filter's transaction state runs across groups)
  const scratch = path.join(job.dir, SCRATCH_DIR);
  fs.mkdirSync(scratch, { recursive: true });
  try {
    for (const bases of job.groups) {
      const base = bases[0]!;
      const out = LogSegment.create(scratch, base, job.indexIntervalBytes, job.now);
      try {
        for (const b of bases) {
          const seg = job.segments.find((s) => s.baseOffset === b)!;
          const done = await forEachBatch(job.dir, seg, hooks, (batch) => {
            const kept = filter.filter(batch);
            if (kept === null) return;
            const h = readBatchHeader(kept);
            out.append(kept, h.baseOffset, h.baseOffset + h.lastOffsetDelta, h.maxTimestamp);
          });
          if (!done) return null;
        }
        out.onBecomeInactive();
        if (job.fsync) {
          await out.sync(hooks.syncer);
          out.syncIndexes();
        }
      } finally {
        await out.close();
      }
      for (const suffix of CLEANED_FILE_SUFFIXES) {
        fs.renameSync(path.join(scratch, segmentFileName(base, suffix)), path.join(job.dir, segmentFileName(base, suffix) + CLEANED_SUFFIX));
      }
      const next = nextOffsetOf(job, bases);
      const kept = [...filter.markersKeptWithData].filter((o) => o >= base && o < next);
      if (!(await hooks.swap({ base, replaced: bases, markersKeptWithData: kept }))) return null;
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return { stats, earliestHorizon: filter.earliestHorizon };
}

/** Removes what a job that gave up or failed left: its scratch directory and unswapped `.cleaned` files. */
export function discardLeftovers(job: CleanJob): void {
  fs.rmSync(path.join(job.dir, SCRATCH_DIR), { recursive: true, force: true });
  for (const bases of job.groups) {
    for (const suffix of CLEANED_FILE_SUFFIXES) fs.rmSync(path.join(job.dir, segmentFileName(bases[0]!, suffix) + CLEANED_SUFFIX), { force: true });
  }
}

/** One past the offsets the group's segments can hold: the next group's base, or unbounded. */
function nextOffsetOf(job: CleanJob, bases: readonly number[]): number {
  const i = job.segments.findIndex((s) => s.baseOffset === bases[bases.length - 1]);
  return job.segments[i + 1]?.baseOffset ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Visits the batches of a segment file in order (each a view valid until the visitor returns);
 * false when the job gave up meanwhile or the file is gone.
 */
async function forEachBatch(dir: string, seg: JobSegment, hooks: JobHooks, visit: (batch: Buffer) => void): Promise<boolean> {
  const file = path.join(dir, segmentFileName(seg.baseOffset, LOG_SUFFIX));
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    const reader = new BlockReader(fd, seg.size, READ_BLOCK_BYTES);
    let batches = 0;
    for (let pos = 0; pos < seg.size; ) {
      if (hooks.aborted()) return false;
      if (++batches % EXISTS_CHECK_BATCHES === 0 && !fs.existsSync(file)) return false;
      const head = reader.bytesAt(pos, BATCH_HEADER_SIZE);
      const size = head.length < BATCH_HEADER_SIZE ? -1 : LOG_OVERHEAD + head.readInt32BE(Offsets.batchLength);
      const batch = size < BATCH_HEADER_SIZE ? head : reader.bytesAt(pos, size);
      if (size < BATCH_HEADER_SIZE || batch.length < size) {
        throw new Error(`${file}: no whole record batch at position ${pos} of ${seg.size} bytes (the file changed while it was being cleaned)`);
      }
      visit(batch);
      pos += size;
      const due = hooks.step();
      if (due !== null) await due;
    }
    return !hooks.aborted();
  } finally {
    fs.closeSync(fd);
  }
}

/** Phase 2 for one batch: its keys into the key map (plain data) or its transaction (cleaner-txn.ts). */
function mapBatch(batch: Buffer, keys: KeyMap, outcomes: TxnOutcomes, lastBatchOfProducer: Map<bigint, number>): void {
  const h = readBatchHeader(batch);
  const control = isControlBatch(h.attributes);
  // Markers carry no sequence: the producer's last data batch is what its state rebuilds from.
  if (h.producerId >= 0n && !control) lastBatchOfProducer.set(h.producerId, h.baseOffset);
  const transactional = isTransactionalBatch(h.attributes) && h.producerId >= 0n;
  if (control) {
    if (transactional) outcomes.onMarker(h.producerId, markerIsCommit(batch));
    return;
  }
  const keyed: Array<[string, number]> = [];
  for (const rec of decodeEntries(batch)) if (rec.key !== null) keyed.push([rec.key.toString('latin1'), h.baseOffset + rec.offsetDelta]);
  if (transactional) outcomes.onData(h.producerId, h.baseOffset, keyed);
  else for (const [k, o] of keyed) keys.put(k, o);
}
