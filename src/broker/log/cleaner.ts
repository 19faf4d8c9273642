/*
 * Log compaction (cleanup.policy=compact): keeps the latest record per key in the inactive
 * segments of a partition, drops tombstones (null values) once delete.retention.ms has passed,
 * and never changes a retained record's offset.
 *
 * One cleaning of a partition, in numbered phases:
 *   1 choose    the cleanable range = every segment but the active one, up to (not including) the
 *               first segment holding a record newer than now − min.compaction.lag.ms (Kafka's
 *               firstUncleanableDirtyOffset); skip unless the dirty part (bytes at/after the first
 *               offset not yet cleaned) is ≥ min.cleanable.dirty.ratio
 *   2 map       scan the range, key → offset of its latest record (compactable batches only)
 *   3 rewrite   per group of consecutive segments whose sizes add up to ≤ segment.bytes: copy each
 *               batch, keeping a record when it is the latest for its key and is not an expired
 *               tombstone; write the survivors to `<base>.log.cleaned`, fsync it
 *   4 swap      segment-swap.ts commits atomically; the partition swaps segment objects in the
 *               same synchronous step, so no read or append ever sees a half-swapped log
 * Phases 2 and 3 run in short slices paced by cleaner-pacer.ts (at most a few ms each, and at most
 * a quarter of the loop while requests are waiting), so produce and fetch keep flowing;
 * phase 4 is synchronous and short. If the partition changes meanwhile (retention deleted a
 * segment of the group, the topic was deleted), the swap is refused and the `.cleaned` file removed.
 *
 * Which batches take part: plain data batches. Control batches and committed (or still open)
 * transactional batches are copied unchanged and never shadow other records. Aborted
 * transactional data is removed, as Kafka's cleaner does: phase 2 also follows each producer's
 * transactional batches to its next marker within the cleanable range, and the batches an ABORT
 * marker closes lose all their records (a transaction whose marker lies beyond the range, in the
 * active segment or not yet written, is kept: its outcome is unknown here). Markers themselves are
 * kept (Kafka removes them after delete.retention.ms; not done here). Records without a key are kept.
 *
 * Re-encoding uses the shared record codec (record.ts readRecord/writeRecord, compression.ts).
 * A rewritten batch keeps baseOffset, lastOffsetDelta (so producer sequence state still lines
 * up), baseTimestamp, maxTimestamp (retention by time is unaffected), producer fields and
 * codec; only its records, recordCount, batchLength and CRC change. A batch left without records
 * is dropped, except the last batch of each idempotent producer, kept as an empty batch (no
 * payload, no compression) so producer state can still be rebuilt from the log.
 *
 * Tombstone age is measured from the tombstone's record timestamp: it is removed once
 * now − timestamp > delete.retention.ms (and it is the latest record for its key).
 */
import fs from 'node:fs';
import { Attributes, BATCH_HEADER_SIZE, Offsets, compressionOf, isControlBatch, isTransactionalBatch, readBatchHeader, updateCrc } from '../../protocol/records/batch-header.ts';
import { compress, decompress } from '../../protocol/records/compression.ts';
import { readRecord, writeRecord, type RecordEntry } from '../../protocol/records/record.ts';
import { ControlType, decodeControlRecord } from '../../protocol/records/control.ts';
import { Reader } from '../../protocol/reader.ts';
import { Writer } from '../../protocol/writer.ts';
import { CleanerPacer, type PacerOptions } from './cleaner-pacer.ts';
import { fdatasyncSyncer } from './flush-scheduler.ts';
import { LogSegment, type Syncer } from './log-segment.ts';
import type { PartitionLog } from './partition-log.ts';
import { cleanedLogPath, commitSwap } from './segment-swap.ts';

export interface CleanerOptions {
  now?: () => number;
  /** fsync the cleaned segment and swap manifest (false only with fsync policy 'never'). */
  fsync?: boolean;
  syncer?: Syncer;
  /** Pacing on the event loop (cleaner-pacer.ts): slice length, batches per slice, busy share. */
  pacing?: PacerOptions;
  /** Batches processed between two yields to the event loop (shorthand for pacing.batchesPerSlice). */
  batchesPerSlice?: number;
}

export interface CleanerStats {
  partition: string;
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
}

function compactable(attributes: number): boolean {
  return !isControlBatch(attributes) && !isTransactionalBatch(attributes);
}

function decodeEntries(batch: Buffer): RecordEntry[] {
  const h = readBatchHeader(batch);
  const r = new Reader(decompress(compressionOf(h.attributes), batch.subarray(BATCH_HEADER_SIZE)));
  const out: RecordEntry[] = [];
  for (let i = 0; i < h.recordCount; i++) out.push(readRecord(r));
  return out;
}

export class LogCleaner {
  private readonly now: () => number;
  private readonly fsync: boolean;
  private readonly syncer: Syncer;
  private readonly pacing: PacerOptions;
  /** First offset not yet cleaned, per partition (in memory: after a restart everything is dirty once). */
  private readonly cleanedUpTo = new WeakMap<PartitionLog, number>();
  private stopped = false;

  constructor(opts: CleanerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.fsync = opts.fsync ?? true;
    this.syncer = opts.syncer ?? fdatasyncSyncer;
    this.pacing = { ...opts.pacing, ...(opts.batchesPerSlice !== undefined ? { batchesPerSlice: opts.batchesPerSlice } : {}) };
    new CleanerPacer(this.pacing); // rejects bad pacing options here, not at the first cleaning
  }

  /** Makes running and future cleanings give up at their next slice (before any swap). */
  stop(): void {
    this.stopped = true;
  }

  /** Phase 1's range: inactive segments older than min.compaction.lag.ms (maxTimestamp ≤ now − lag). */
  cleanableSegments(log: PartitionLog): LogSegment[] {
    const segs = [...log.inactiveSegments()];
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

  /** Cleans `log` once if it is dirty enough (or `force`); null when it was skipped. */
  async clean(log: PartitionLog, opts: { force?: boolean } = {}): Promise<CleanerStats | null> {
    const segs = this.cleanableSegments(log);
    if (segs.length === 0 || this.stopped) return null;
    if (!opts.force && this.dirtyRatio(log) < log.config.minCleanableDirtyRatio) return null;
    const now = this.now();
    const endOffset = segs[segs.length - 1]!.nextOffset;

    // 2 map
    const latest = new Map<string, number>();
    const lastBatchOfProducer = new Map<bigint, number>();
    const txns = new AbortedBatches();
    const pacer = new CleanerPacer(this.pacing);
    for (const seg of segs) {
      for (let pos = 0; pos < seg.size; ) {
        if (seg.isClosed || this.stopped) return null;
        const batch = seg.readBatchAt(pos);
        const h = readBatchHeader(batch);
        // Markers carry no sequence: the producer's last data batch is what its state rebuilds from.
        if (h.producerId >= 0n && !isControlBatch(h.attributes)) lastBatchOfProducer.set(h.producerId, h.baseOffset);
        txns.visit(h.producerId, h.baseOffset, h.attributes, batch);
        if (compactable(h.attributes)) {
          for (const rec of decodeEntries(batch)) {
            if (rec.key !== null) latest.set(rec.key.toString('latin1'), h.baseOffset + rec.offsetDelta);
          }
        }
        pos += batch.length;
        const due = pacer.step();
        if (due !== null) await due;
      }
    }

    // 3 rewrite + 4 swap, group by group
    const stats: CleanerStats = {
      partition: log.name,
      segmentsBefore: segs.length,
      segmentsAfter: 0,
      bytesBefore: segs.reduce((a, s) => a + s.size, 0),
      bytesAfter: 0,
      recordsRemoved: 0,
      tombstonesRemoved: 0,
    };
    const retention = log.config.deleteRetentionMs;
    for (const group of groupSegments(segs, log.config.segmentBytes)) {
      const base = group[0]!.baseOffset;
      const cleanedPath = cleanedLogPath(log.dir, base);
      const fd = fs.openSync(cleanedPath, 'w');
      let size = 0;
      let ok = false;
      try {
        for (const seg of group) {
          for (let pos = 0; pos < seg.size; ) {
            if (seg.isClosed || this.stopped) return null;
            const batch = seg.readBatchAt(pos);
            pos += batch.length;
            const out = this.filterBatch(batch, latest, lastBatchOfProducer, txns.aborted, now, retention, stats);
            if (out !== null) {
              for (let w = 0; w < out.length; ) w += fs.writeSync(fd, out, w, out.length - w, size + w);
              size += out.length;
            }
            const due = pacer.step();
            if (due !== null) await due;
          }
        }
        if (this.fsync) await this.syncer.sync(fd);
        ok = true;
      } finally {
        fs.closeSync(fd);
        if (!ok) fs.rmSync(cleanedPath, { force: true });
      }
      // 4 swap (synchronous from here on)
      if (group.some((s) => s.isClosed) || !sameRun(log.inactiveSegments(), group)) {
        fs.rmSync(cleanedPath, { force: true });
        return null;
      }
      commitSwap(log.dir, base, group.map((s) => s.baseOffset), this.fsync);
      const { segment } = LogSegment.open(log.dir, base, log.config.indexIntervalBytes, now, false);
      log.replaceSegments(group, segment);
      for (const old of group) void old.close();
      stats.segmentsAfter++;
      stats.bytesAfter += segment.size;
    }
    this.cleanedUpTo.set(log, endOffset);
    return stats;
  }

  /** The batch with only the records to keep; the same bytes when nothing goes; null to drop it. */
  private filterBatch(
    batch: Buffer,
    latest: Map<string, number>,
    lastBatchOfProducer: Map<bigint, number>,
    abortedBatches: ReadonlySet<number>,
    now: number,
    deleteRetentionMs: number,
    stats: CleanerStats,
  ): Buffer | null {
    const h = readBatchHeader(batch);
    const aborted = abortedBatches.has(h.baseOffset);
    if (!aborted && !compactable(h.attributes)) return batch;
    const entries = decodeEntries(batch);
    const logAppendTime = (h.attributes & Attributes.timestampTypeLogAppend) !== 0;
    const keep = aborted ? [] : entries.filter((rec) => {
      if (rec.key === null) return true;
      if (latest.get(rec.key.toString('latin1')) !== h.baseOffset + rec.offsetDelta) return false;
      const timestamp = logAppendTime ? h.maxTimestamp : h.baseTimestamp + rec.timestampDelta;
      if (rec.value === null && now - timestamp > deleteRetentionMs) {
        stats.tombstonesRemoved++;
        return false;
      }
      return true;
    });
    stats.recordsRemoved += entries.length - keep.length;
    if (keep.length === entries.length) return batch;
    if (keep.length === 0 && !(h.producerId >= 0n && lastBatchOfProducer.get(h.producerId) === h.baseOffset)) return null;
    const codec = keep.length === 0 ? 0 : compressionOf(h.attributes);
    let payload: Buffer = Buffer.alloc(0);
    if (keep.length > 0) {
      const w = new Writer(batch.length);
      for (const rec of keep) writeRecord(w, rec);
      payload = compress(codec, w.finish());
    }
    const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
    batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
    out.writeInt32BE(out.length - 12, Offsets.batchLength);
    out.writeInt16BE((h.attributes & ~Attributes.compressionMask) | codec, Offsets.attributes);
    out.writeInt32BE(keep.length, Offsets.recordCount);
    payload.copy(out, BATCH_HEADER_SIZE);
    updateCrc(out);
    return out;
  }
}

/**
 * Base offsets of the aborted transactional batches of a cleanable range, found in one pass in
 * offset order: each producer's transactional data batches since its last marker are pending;
 * its next marker settles them (ABORT → aborted, COMMIT → kept). Pending batches at the end of
 * the range stay (their marker is beyond it).
 */
class AbortedBatches {
  readonly aborted = new Set<number>();
  private readonly pending = new Map<bigint, number[]>();

  visit(producerId: bigint, baseOffset: number, attributes: number, batch: Buffer): void {
    if (producerId < 0n || !isTransactionalBatch(attributes)) return;
    if (!isControlBatch(attributes)) {
      let list = this.pending.get(producerId);
      if (list === undefined) this.pending.set(producerId, (list = []));
      list.push(baseOffset);
      return;
    }
    const marker = decodeEntries(batch)[0];
    const list = this.pending.get(producerId);
    this.pending.delete(producerId);
    if (marker === undefined || list === undefined) return;
    let type: number;
    try {
      type = decodeControlRecord(marker.key, marker.value).type;
    } catch {
      return; // not a transaction marker we can read: keep the data (the safe side)
    }
    if (type === ControlType.Abort) for (const o of list) this.aborted.add(o);
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
