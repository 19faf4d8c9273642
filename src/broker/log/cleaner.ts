/*
 * Log compaction (cleanup.policy=compact): keeps the latest record per key in the inactive
 * segments of a partition, removes tombstones (null values) and transaction markers once their
 * KIP-534 delete horizon has passed, removes aborted transactional data, and never changes a
 * retained record's offset.
 *
 * One cleaning of a partition, in numbered phases:
 *   1 choose    the cleanable range = every segment but the active one, up to (not including) the
 *               first segment holding a record newer than now − min.compaction.lag.ms or an offset
 *               at/above the last stable offset (Kafka's firstUncleanableDirtyOffset: records of a
 *               still-open transaction are never cleaned); run when the dirty part (bytes at/after
 *               the first offset not yet cleaned) is ≥ min.cleanable.dirty.ratio, or when a delete
 *               horizon stamped by an earlier cleaning has passed
 *   2 map       scan the range: key → offset of its latest record (plain and committed
 *               transactional records), and each transactional batch's outcome (cleaner-txn.ts)
 *   3 rewrite   per group of consecutive segments whose sizes add up to ≤ segment.bytes: each batch
 *               through cleaner-filter.ts (what survives; delete horizons); the survivors form a new
 *               segment, written with its offset and time indexes as `<base>.*.cleaned`, fsynced
 *   4 swap      the new segment's `.txnindex` is built from the replaced ones (cleaner-txn-index.ts);
 *               segment-swap.ts commits the files atomically; the partition swaps segment objects
 *               in the same synchronous step, so no read or append ever sees a half-swapped log
 * Phases 2 and 3 (cleaner-job.ts) run on the cleaner's worker thread (cleaner-thread.ts,
 * cleaner-worker.ts) as Kafka's run on its cleaner threads, so the broker's thread keeps serving;
 * they read and write only files, and ask the broker's thread, between phases, for the live state
 * they need (markers beyond the range, active producers) and for each swap. With `worker: false`
 * (or when the worker's module cannot be found) they run on the broker's thread instead, in short
 * slices paced by cleaner-pacer.ts. Phase 4 is synchronous and short, on the broker's thread. If
 * the partition changes meanwhile (retention deleted a segment of the group, the topic was
 * deleted), the swap is refused and the `.cleaned` files removed.
 *
 * Tombstones and markers take two cleanings, as in Kafka: the first stamps the delete horizon
 * (now + delete.retention.ms) into the batch, one after the horizon removes them. A marker is
 * stamped only once its transaction has no data left in the log (cleaner-txn.ts).
 *
 * Producer state: the batch holding each active producer's last data offset is kept, emptied if
 * need be (cleaner-filter.ts). The broker's producer service says which producers are active
 * (setActiveProducers: those not expired by producer.id.expiration.ms), read once per cleaning
 * before phase 3. A cleaner with no such source (one used without a broker) treats every producer
 * it maps as active and keeps its last data batch in the range.
 */
import { CleanerPacer, type PacerOptions } from './cleaner-pacer.ts';
import { discardLeftovers, runCleanJob, type CleanedGroup, type CleanJob, type JobResult, type Settlement } from './cleaner-job.ts';
import { newAbortFlag, sharedCleanerThread, type CleanerThread, type OwnerHooks } from './cleaner-thread.ts';
import type { ActiveProducer } from './cleaner-filter.ts';
import { markersBeyond } from './cleaner-txn.ts';
import { fdatasyncSyncer } from './flush-scheduler.ts';
import { LogSegment, type Syncer } from './log-segment.ts';
import type { PartitionLog } from './partition-log.ts';
import { cleanedTxnEntries } from './cleaner-txn-index.ts';
import { commitSwap, writeCleanedTxnIndex } from './segment-swap.ts';

export interface CleanerOptions {
  now?: () => number;
  /** fsync the cleaned segment and swap manifest (false only with fsync policy 'never'). */
  fsync?: boolean;
  /** fdatasync of the cleaned files when phases 2–3 run on this thread (the worker calls fdatasync itself). */
  syncer?: Syncer;
  /** Pacing on the event loop without a worker (cleaner-pacer.ts): slice length, batches per slice, busy share. */
  pacing?: PacerOptions;
  /** Batches processed between two yields to the event loop (shorthand for pacing.batchesPerSlice). */
  batchesPerSlice?: number;
  /** Phases 2–3 on the cleaner's worker thread (default true); false: on this thread, paced. */
  worker?: boolean;
}

export interface CleanerStats {
  partition: string;
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Transaction markers removed (their transaction empty and their delete horizon passed). */
  markersRemoved: number;
}

/** The producers of a partition still in its producer state (see setActiveProducers). */
export type ActiveProducerSource = (log: PartitionLog) => ReadonlyMap<bigint, ActiveProducer>;

/** Where phase 1 stops at the latest: the partition's last stable offset (see setStableOffsets). */
export type StableOffsetSource = (log: PartitionLog) => number;

export class LogCleaner {
  private readonly now: () => number;
  private readonly fsync: boolean;
  private readonly syncer: Syncer;
  private readonly pacing: PacerOptions;
  /** First offset not yet cleaned, per partition (in memory: after a restart everything is dirty once). */
  private readonly cleanedUpTo = new WeakMap<PartitionLog, number>();
  /** Earliest delete horizon the last cleaning left in a partition: once passed, it is due again. */
  private readonly horizonDue = new WeakMap<PartitionLog, number>();
  /** Single node: the high watermark is the log end; the transaction service narrows it to the LSO. */
  private stableOffset: StableOffsetSource = (log) => log.highWatermark;
  private activeProducers: ActiveProducerSource | null = null;
  private stopped = false;
  /** `stopped`, as the worker's jobs see it. */
  private readonly abort = newAbortFlag();
  /** The worker thread phases 2–3 run on; null: they run on this thread. */
  private readonly thread: CleanerThread | null;

  constructor(opts: CleanerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.fsync = opts.fsync ?? true;
    this.syncer = opts.syncer ?? fdatasyncSyncer;
    this.pacing = { ...opts.pacing, ...(opts.batchesPerSlice !== undefined ? { batchesPerSlice: opts.batchesPerSlice } : {}) };
    new CleanerPacer(this.pacing); // rejects bad pacing options here, not at the first cleaning
    this.thread = opts.worker === false ? null : sharedCleanerThread();
  }

  /** Where phases 2–3 run: on the cleaner's worker thread, or paced on this one. */
  get runsOn(): 'worker' | 'event-loop' {
    return this.thread === null ? 'event-loop' : 'worker';
  }

  /** Makes running and future cleanings give up at their next batch (before any swap). */
  stop(): void {
    this.stopped = true;
    Atomics.store(this.abort, 0, 1);
  }

  /** The transaction service tells the cleaner each partition's last stable offset. */
  setStableOffsets(source: StableOffsetSource): void {
    this.stableOffset = source;
  }

  /** The producer service tells the cleaner which producers each partition still holds state for. */
  setActiveProducers(source: ActiveProducerSource): void {
    this.activeProducers = source;
  }

  /**
   * Phase 1's range: inactive segments wholly below the last stable offset and older than
   * min.compaction.lag.ms (maxTimestamp ≤ now − lag).
   */
  cleanableSegments(log: PartitionLog): LogSegment[] {
    const stable = this.stableOffset(log);
    const segs = log.inactiveSegments().filter((s) => s.nextOffset <= stable);
    const lag = log.config.minCompactionLagMs;
    if (lag <= 0) return segs;
    const horizon = this.now() - lag;
    const young = segs.findIndex((s) => s.maxTimestamp > horizon);
    return young < 0 ? segs : segs.slice(0, young);
  }

  /** Dirty bytes / cleanable bytes of a partition (0 when nothing is cleanable). */
  dirtyRatio(log: PartitionLog): number {
    const segs = this.cleanableSegments(log);
    const firstDirty = this.cleanedUpTo.get(log) ?? 0;
    let total = 0;
    let dirty = 0;
    for (const s of segs) {
      total += s.size;
      if (s.nextOffset > firstDirty) dirty += s.size;
    }
    return total === 0 ? 0 : dirty / total;
  }

  /** True when a delete horizon left by an earlier cleaning has passed (tombstones or markers can go). */
  horizonPassed(log: PartitionLog): boolean {
    const due = this.horizonDue.get(log);
    return due !== undefined && due <= this.now();
  }

  /** Cleans `log` once if it is dirty enough, a delete horizon has passed, or `force`; null when skipped. */
  async clean(log: PartitionLog, opts: { force?: boolean } = {}): Promise<CleanerStats | null> {
    const segs = this.cleanableSegments(log);
    if (segs.length === 0 || this.stopped) return null;
    if (!opts.force && !this.horizonPassed(log) && this.dirtyRatio(log) < log.config.minCleanableDirtyRatio) return null;
    const now = this.now();
    const endOffset = segs[segs.length - 1]!.nextOffset;
    const groups = groupSegments(segs, log.config.segmentBytes);
    const job: CleanJob = {
      dir: log.dir,
      segments: segs.map((s) => ({ baseOffset: s.baseOffset, size: s.size })),
      groups: groups.map((g) => g.map((s) => s.baseOffset)),
      now,
      deleteRetentionMs: log.config.deleteRetentionMs,
      indexIntervalBytes: log.config.indexIntervalBytes,
      fsync: this.fsync,
    };
    const stats: CleanerStats = {
      partition: log.name,
      segmentsBefore: segs.length,
      segmentsAfter: 0,
      bytesBefore: segs.reduce((a, s) => a + s.size, 0),
      bytesAfter: 0,
      recordsRemoved: 0,
      tombstonesRemoved: 0,
      markersRemoved: 0,
    };
    const owner: OwnerHooks = {
      // 2b: read once per cleaning, before phase 3 (a source-less cleaner: every mapped producer is active)
      settle: (pending): Settlement => ({ markers: markersBeyond(log, endOffset, pending), active: this.activeProducers?.(log) ?? null }),
      swap: (g) => this.swap(log, groups.find((x) => x[0]!.baseOffset === g.base)!, g, now, stats),
    };
    let result: JobResult | null = null;
    try {
      result = this.thread !== null ? await this.thread.run(job, owner, this.abort) : await this.runHere(job, owner);
    } finally {
      if (result === null) discardLeftovers(job);
    }
    if (result === null) return null;
    stats.recordsRemoved = result.stats.recordsRemoved;
    stats.tombstonesRemoved = result.stats.tombstonesRemoved;
    stats.markersRemoved = result.stats.markersRemoved;
    this.cleanedUpTo.set(log, endOffset);
    if (result.earliestHorizon === null) this.horizonDue.delete(log);
    else this.horizonDue.set(log, result.earliestHorizon);
    return stats;
  }

  /** Phases 2–3 on this thread, paced (cleaner-pacer.ts). */
  private runHere(job: CleanJob, owner: OwnerHooks): Promise<JobResult | null> {
    const pacer = new CleanerPacer(this.pacing);
    return runCleanJob(job, {
      settle: async (pending) => owner.settle(pending),
      swap: async (g) => owner.swap(g),
      step: () => pacer.step(),
      aborted: () => this.stopped,
      syncer: this.syncer,
    });
  }

  /** 4 swap (synchronous): false when the partition changed meanwhile (the swap is refused). */
  private swap(log: PartitionLog, group: readonly LogSegment[], cleaned: CleanedGroup, now: number, stats: CleanerStats): boolean {
    if (this.stopped || group.some((s) => s.isClosed) || !sameRun(log.inactiveSegments(), group)) return false;
    const base = cleaned.base;
    writeCleanedTxnIndex(log.dir, base, cleanedTxnEntries(group, new Set(cleaned.markersKeptWithData)), this.fsync);
    commitSwap(log.dir, base, cleaned.replaced, this.fsync);
    const { segment } = LogSegment.open(log.dir, base, log.config.indexIntervalBytes, now, false);
    log.replaceSegments(group, segment);
    for (const old of group) void old.close();
    stats.segmentsAfter++;
    stats.bytesAfter += segment.size;
    return true;
  }
}

/**
 * Consecutive segments whose sizes add up to ≤ maxBytes (a single larger one forms its own group)
 * and whose offsets fit the int32 relative offsets of one segment's index.
 */
function groupSegments(segs: readonly LogSegment[], maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let cur: LogSegment[] = [];
  let bytes = 0;
  for (const s of segs) {
    if (cur.length > 0 && (bytes + s.size > maxBytes || s.nextOffset - cur[0]!.baseOffset > 0x7fffffff)) {
      groups.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += s.size;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

function sameRun(current: readonly LogSegment[], group: readonly LogSegment[]): boolean {
  const i = current.indexOf(group[0]!);
  return i >= 0 && group.every((s, k) => current[i + k] === s);
}
