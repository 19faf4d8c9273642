/*
 * The durable log of one topic partition: an ordered list of segments in one directory, the last
 * of which (the active segment) takes appends. Single source of truth for the partition's log
 * start offset, log end offset (LEO) and durable offset. Everything runs on the event loop:
 * appends and reads are synchronous file operations in call order; fsync and the fetch path's
 * reads (readAsync) are asynchronous.
 *
 * Offsets: append sets each batch's baseOffset to the LEO and LEO becomes base + lastOffsetDelta
 * + 1. On a single node the high watermark equals the LEO (every appended batch is "replicated").
 * Invariants: logStartOffset ≤ LEO; segments[0].baseOffset ≤ logStartOffset; segment base offsets
 * increase; the active segment is never deleted by retention.
 *
 * Lifecycle of a segment: active (appends) ─roll─▶ inactive (read-only; fsynced in the background
 * when the fsync policy asks for it; recoveryPoint advances past it) ─retention / log start
 * moved past it─▶ deleted. Compaction replaces inactive segments (cleaner.ts).
 *
 * Opening and crash recovery are log-loader.ts's job; this class starts from its result.
 */
import fs from 'node:fs';
import { setBaseOffset, setPartitionLeaderEpoch, updateCrc, Offsets, Attributes, type BatchHeader } from '../../protocol/records/batch-header.ts';
import { validateRecords } from './append-validation.ts';
import type { FsyncPolicy, LogConfig } from './log-config.ts';
import { resolveLogConfig } from './log-config.ts';
import { logClosed, offsetOutOfRange, storageError } from './log-errors.ts';
import { writeCleanShutdownMarker } from './log-checkpoint.ts';
import { CheckpointWriter } from './checkpoint-writer.ts';
import { recoveryPointCandidate, syncPassedIndexes } from './recovery-point.ts';
import { LogSegment, type Syncer } from './log-segment.ts';
import { loadPartition, type RecoveryReport } from './log-loader.ts';
import { FlushScheduler } from './flush-scheduler.ts';
import { findOffsetByTimestamp } from './record-timestamps.ts';
import { readBatches } from './segment-reader.ts';
import type { AppendInfo, AppendOptions, OffsetAndTimestamp, PartitionLogOptions, ReadOptions, ReadResult } from './log-types.ts';
import { planRetention, summarizeSegments, type DeletionReason } from './log-retention.ts';
import { collectAbortedTxns, type AbortedTxnEntry } from './transaction-index.ts';

export type { AppendInfo, AppendOptions, OffsetAndTimestamp, PartitionLogOptions, ReadOptions, ReadResult, RecoveryReport };

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

interface Waiter {
  offset: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class PartitionLog {
  readonly name: string;
  config: LogConfig;
  private segments: LogSegment[] = [];
  private startOffset = 0;
  private recoveryPoint = 0;
  /** Every offset below this is on disk (fsynced). */
  private durable = 0;
  private waiters: Waiter[] = [];
  /** The recovery point's advance in flight (its fsyncs run on the thread pool), if any. */
  private advancing: Promise<unknown> | null = null;
  private readonly checkpoints: CheckpointWriter;
  /** A segment file was created since the directory was last fsynced. */
  private dirUnsynced = false;
  private closed = false;
  recovery: RecoveryReport = { clean: true, recoveredSegments: 0, recoveredFrom: null, truncatedBytes: 0, deletedSegments: 0, problem: null, rebuiltIndexes: 0 };
  /** Told the new segment's base offset (= LEO) after each roll: producer-state snapshots. */
  rollListener: ((newBaseOffset: number) => void) | null = null;

  private constructor(
    readonly dir: string,
    name: string | undefined,
    config: LogConfig,
    readonly fsyncPolicy: FsyncPolicy,
    readonly flusher: FlushScheduler,
    readonly now: () => number,
  ) {
    this.name = name ?? dir;
    this.config = config;
    this.checkpoints = new CheckpointWriter(dir, fsyncPolicy !== 'never');
  }

  static open(opts: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(
      opts.dir,
      opts.name,
      resolveLogConfig(opts.config),
      opts.fsync ?? 'acks-all',
      opts.flusher ?? new FlushScheduler(),
      opts.now ?? Date.now,
    );
    log.load();
    return log;
  }

  private load(): void {
    const fsync = this.fsyncPolicy !== 'never';
    const loaded = loadPartition(this.dir, this.config.indexIntervalBytes, this.now(), fsync);
    this.segments = loaded.segments;
    this.startOffset = loaded.logStartOffset;
    this.recoveryPoint = loaded.recoveryPoint;
    this.recovery = loaded.report;
    this.durable = this.logEndOffset;
    if (fsync && this.segments.some((seg) => seg.unsyncedBytes > 0)) this.flusher.request(this);
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** Single node: every appended record is committed. */
  get highWatermark(): number {
    return this.logEndOffset;
  }

  /** All offsets below this are fsynced (or, with fsync 'never', written). */
  get durableOffset(): number {
    return this.fsyncPolicy === 'never' ? this.logEndOffset : this.durable;
  }

  get sizeInBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Base offsets of the segments, oldest first (diagnostics, cleaner, tests). */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.config = resolveLogConfig({ ...this.config, ...config });
  }

  /**
   * Validates `records` (one or more v2 batches), assigns offsets from the LEO and writes them.
   * Mutates the batches' baseOffset and partitionLeaderEpoch in place (and, for LogAppendTime,
   * maxTimestamp/attributes/CRC). Throws a LogError and writes nothing when any batch is invalid.
   */
  append(records: Buffer, opts: AppendOptions = {}): AppendInfo {
    if (this.closed) throw logClosed(this.name, 'append');
    const compacted = this.config.cleanupPolicy !== 'delete';
    const batches = validateRecords(this.name, records, this.config.maxMessageBytes, opts.origin ?? 'client', compacted);
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime' ? this.now() : -1;
    const firstOffset = this.logEndOffset;
    for (const b of batches) {
      const batch = records.subarray(b.position, b.position + b.size);
      const base = this.logEndOffset;
      const last = base + b.lastOffsetDelta;
      let maxTs = b.maxTimestamp;
      setBaseOffset(batch, base);
      setPartitionLeaderEpoch(batch, opts.leaderEpoch ?? 0);
      if (logAppendTime >= 0) {
        batch.writeInt16BE(b.attributes | Attributes.timestampTypeLogAppend, Offsets.attributes);
        batch.writeBigInt64BE(BigInt(logAppendTime), Offsets.maxTimestamp);
        updateCrc(batch);
        maxTs = logAppendTime;
      }
      try {
        this.maybeRoll(b.size, maxTs, last);
        this.active.append(batch, base, last, maxTs);
      } catch (err) {
        throw storageError(this.name, `writing the batch at offset ${base}`, err);
      }
    }
    return { baseOffset: firstOffset, lastOffset: this.logEndOffset - 1, logAppendTime, logStartOffset: this.startOffset };
  }

  /** Rolls before a batch that would overfill the segment, age it past segment.ms or overflow int32. */
  private maybeRoll(batchSize: number, maxTimestamp: number, lastOffset: number): void {
    const seg = this.active;
    if (seg.isEmpty) return;
    const basis = seg.firstBatchTimestamp >= 0 ? seg.firstBatchTimestamp : seg.createdAt;
    const now = seg.firstBatchTimestamp >= 0 ? maxTimestamp : this.now();
    const full = seg.size + batchSize > this.config.segmentBytes;
    const old = now - basis > this.config.segmentMs;
    const offsetOverflow = lastOffset - seg.baseOffset > 0x7fffffff;
    if (full || old || offsetOverflow) this.roll();
  }

  /** Starts a new active segment at the LEO; the old one is fsynced in the background. */
  roll(): void {
    const old = this.active;
    if (old.isEmpty) return;
    old.onBecomeInactive();
    this.segments.push(LogSegment.create(this.dir, this.logEndOffset, this.config.indexIntervalBytes, this.now()));
    this.dirUnsynced = true;
    if (this.fsyncPolicy !== 'never') this.flusher.request(this);
    this.rollListener?.(this.logEndOffset);
  }

  /**
   * Resolves once every offset ≤ `offset` is durable per the fsync policy (acks=-1). Rejects with
   * a LogError KAFKA_STORAGE_ERROR (56) when the fsync fails.
   */
  waitDurable(offset: number): Promise<void> {
    if (this.fsyncPolicy === 'never' || offset < this.durable) return Promise.resolve();
    if (this.closed) return Promise.reject(logClosed(this.name, 'wait for durability'));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ offset, resolve, reject });
      this.flusher.request(this);
    });
  }

  /** One group-commit pass (called by the FlushScheduler). */
  async syncPass(syncer: Syncer): Promise<void> {
    const covered = this.logEndOffset;
    const dirty = this.segments.filter((s) => s.unsyncedBytes > 0 && !s.isClosed);
    const syncDir = this.dirUnsynced;
    this.dirUnsynced = false;
    try {
      await Promise.all([...dirty.map((s) => s.sync(syncer)), ...(syncDir ? [this.syncDirectory(syncer)] : [])]);
    } catch (err) {
      if (syncDir) this.dirUnsynced = true;
      const e = storageError(this.name, 'fsync', err);
      const failed = this.waiters.filter((w) => w.offset < covered);
      this.waiters = this.waiters.filter((w) => w.offset >= covered);
      for (const w of failed) w.reject(e);
      return;
    }
    if (covered > this.durable) this.durable = covered;
    let n = 0;
    while (n < this.waiters.length && this.waiters[n]!.offset < this.durable) n++;
    for (const w of this.waiters.splice(0, n)) w.resolve();
    // Waited for, so the scheduler's idle() covers it; this pass's waiters are already resolved.
    await this.advanceRecoveryPoint();
  }

  /** fsync of the partition directory, so a segment created by a roll survives a power loss. */
  private async syncDirectory(syncer: Syncer): Promise<void> {
    const fd = fs.openSync(this.dir, 'r');
    try {
      await syncer.sync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Moves the recovery point past rolled segments that are now synced, with the fsyncs off the
   * event loop (recovery-point.ts). A failed fsync leaves it where it was; the next pass retries.
   * Resolves when the advance in flight (this one, or one already running) is done.
   */
  private advanceRecoveryPoint(): Promise<unknown> {
    if (this.advancing !== null) return this.advancing;
    const point = recoveryPointCandidate(this.segments);
    if (point <= this.recoveryPoint || this.closed) return Promise.resolve();
    return (this.advancing = syncPassedIndexes(this.segments, this.recoveryPoint, point)
      .then(() => {
        if (this.closed || point <= this.recoveryPoint) return;
        this.recoveryPoint = point;
        return this.checkpoints.writeAsync(this.checkpoint());
      })
      .catch(() => undefined)
      .finally(() => (this.advancing = null)));
  }

  private checkpoint(): { logStartOffset: number; recoveryPoint: number } {
    return { logStartOffset: this.startOffset, recoveryPoint: this.recoveryPoint };
  }

  private writeCheckpoint(): void {
    this.checkpoints.write(this.checkpoint());
  }

  /** Index of the segment holding `offset`: the last one whose base offset ≤ offset. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /**
   * Whole batches from the one holding `offset`, up to maxBytes (at least one batch when any
   * exists at/after the offset, unless minOneBatch is false). OFFSET_OUT_OF_RANGE below the log
   * start or above the LEO.
   */
  read(offset: number, opts: ReadOptions): ReadResult {
    if (this.closed) throw logClosed(this.name, 'read');
    const leo = this.logEndOffset;
    if (offset < this.startOffset || offset > leo) throw offsetOutOfRange(this.name, offset, this.startOffset, leo);
    const upper = Math.min(opts.maxOffset ?? this.highWatermark, this.highWatermark);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let minOne = opts.minOneBatch ?? true;
    if (offset < upper) {
      for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
        const seg = this.segments[i]!;
        const found = seg.findBatch(offset);
        if (found === null) continue;
        const buf = seg.read(found.position, opts.maxBytes - bytes, upper, minOne);
        if (buf.length === 0) break;
        chunks.push(buf);
        bytes += buf.length;
        minOne = false;
        if (bytes >= opts.maxBytes || found.position + buf.length < seg.size) break;
      }
    }
    return { chunks, bytes, highWatermark: this.highWatermark, logStartOffset: this.startOffset, logEndOffset: leo };
  }

  /**
   * read() for the fetch path: the same batches, read by libuv's thread pool instead of on the
   * event loop (segment-reader.ts). High watermark, LSO bound and log start are taken when the
   * call is made; the batches returned never go past them.
   */
  async readAsync(offset: number, opts: ReadOptions): Promise<ReadResult> {
    if (this.closed) throw logClosed(this.name, 'read');
    const leo = this.logEndOffset;
    if (offset < this.startOffset || offset > leo) throw offsetOutOfRange(this.name, offset, this.startOffset, leo);
    const hw = this.highWatermark;
    const start = this.startOffset;
    const upper = Math.min(opts.maxOffset ?? hw, hw);
    const { chunks, bytes } =
      offset < upper
        ? await readBatches(this.segments.slice(this.segmentIndexFor(offset)), offset, upper, opts.maxBytes, {
            minOneBatch: opts.minOneBatch ?? true,
            partialTail: opts.partialTail ?? false,
            readAhead: opts.readAhead ?? false,
          })
        : { chunks: [], bytes: 0 };
    return { chunks, bytes, highWatermark: hw, logStartOffset: start, logEndOffset: leo };
  }

  /**
   * ListOffsets: EARLIEST_TIMESTAMP (-2) → log start, LATEST_TIMESTAMP (-1) → LEO, otherwise the
   * first offset ≥ log start whose record timestamp ≥ `timestamp`, or null when there is none.
   */
  listOffset(timestamp: number): OffsetAndTimestamp | null {
    if (this.closed) throw logClosed(this.name, 'list offsets');
    if (timestamp === EARLIEST_TIMESTAMP) return { offset: this.startOffset, timestamp: -1 };
    if (timestamp === LATEST_TIMESTAMP) return { offset: this.logEndOffset, timestamp: -1 };
    return findOffsetByTimestamp(this.segments, timestamp, this.startOffset);
  }

  /** Visits batch headers from the batch holding `fromOffset` (producer-state rebuild). */
  scanBatchHeaders(fromOffset: number, visit: (header: BatchHeader) => boolean | void): void {
    if (this.closed) throw logClosed(this.name, 'scan batch headers');
    for (let i = this.segmentIndexFor(Math.max(fromOffset, this.startOffset)); i < this.segments.length; i++) {
      if (!this.segments[i]!.scanHeaders(fromOffset, (h) => visit(h))) return;
    }
  }

  /** Records an aborted transaction in the `.txnindex` of the segment holding its ABORT marker. */
  appendAbortedTxn(entry: AbortedTxnEntry): void {
    if (this.closed) throw logClosed(this.name, 'index an aborted transaction');
    this.segments[this.segmentIndexFor(entry.lastOffset)]!.txnIndex.append(entry);
  }

  /** Aborted transactions a read_committed fetch of [fetchOffset, upperOffset) needs (transaction-index.ts). */
  collectAbortedTxns(fetchOffset: number, upperOffset: number): AbortedTxnEntry[] {
    if (this.closed) throw logClosed(this.name, 'read aborted transactions');
    return collectAbortedTxns(this.segments.slice(this.segmentIndexFor(fetchOffset)), fetchOffset, upperOffset);
  }

  /** Every segment, oldest first, the active one last (producer-state load). */
  allSegments(): readonly LogSegment[] {
    return this.segments;
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (≤ high watermark; lower values are
   * a no-op), persists it, and deletes segments that lie wholly below it. Returns the new start.
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    if (this.closed) throw logClosed(this.name, 'delete records');
    if (offset > this.highWatermark || offset < 0) {
      throw offsetOutOfRange(this.name, offset, this.startOffset, this.highWatermark);
    }
    if (offset > this.startOffset) {
      this.startOffset = offset;
      this.writeCheckpoint();
      await this.deleteOldSegments();
    }
    return this.startOffset;
  }

  /**
   * Runs retention once (the LogManager calls this periodically): deletes old segments per
   * planRetention and moves the log start offset to the first remaining segment when needed.
   */
  async deleteOldSegments(): Promise<{ deletedSegments: number; reason: DeletionReason | null; logStartOffset: number }> {
    if (this.closed) return { deletedSegments: 0, reason: null, logStartOffset: this.startOffset };
    const { count, reason } = planRetention(summarizeSegments(this.segments), this.config, this.startOffset, this.now());
    if (count > 0) {
      const doomed = this.segments.splice(0, count);
      const first = this.segments[0]!;
      if (first.baseOffset > this.startOffset) this.startOffset = first.baseOffset;
      if (this.recoveryPoint < first.baseOffset) this.recoveryPoint = first.baseOffset;
      this.writeCheckpoint();
      await Promise.all(doomed.map((s) => s.deleteFiles()));
    }
    return { deletedSegments: count, reason, logStartOffset: this.startOffset };
  }

  /** Segments the cleaner may rewrite (every one but the active), oldest first. */
  inactiveSegments(): readonly LogSegment[] {
    return this.segments.slice(0, -1);
  }

  /**
   * Swaps `replaced` (a contiguous run of inactive segments, oldest first) for `replacement`,
   * whose files are already in place under their final names. Used by the cleaner.
   */
  replaceSegments(replaced: readonly LogSegment[], replacement: LogSegment): void {
    const start = this.segments.indexOf(replaced[0]!);
    if (start < 0 || replaced.some((s, i) => this.segments[start + i] !== s) || start + replaced.length >= this.segments.length) {
      throw new Error(`${this.name}: cleaner swap refused, the segments changed while cleaning`);
    }
    this.segments.splice(start, replaced.length, replacement);
  }

  /**
   * Flushes and closes: waits for pending fsyncs, fsyncs everything (policy permitting), writes
   * indexes, the checkpoint and finally the clean-shutdown marker. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    const fsync = this.fsyncPolicy !== 'never';
    if (fsync) {
      await this.syncPass(this.flusher.syncer);
    }
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(logClosed(this.name, 'wait for durability'));
    await this.advancing; // its failed index fsyncs are marked unsynced again, so the loop below covers them
    this.active.onBecomeInactive();
    for (const s of this.segments) {
      s.flushIndexes();
      if (fsync) s.syncIndexes();
    }
    this.recoveryPoint = this.active.baseOffset;
    this.writeCheckpoint();
    await this.checkpoints.idle();
    await Promise.all(this.segments.map((s) => s.close()));
    writeCleanShutdownMarker(this.dir, fsync);
  }

  /** Closes without flushing and removes the partition directory (DeleteTopics). */
  async delete(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.reject(logClosed(this.name, 'wait for durability'));
    await this.advancing; // it may be creating its temp file in the directory
    await Promise.all(this.segments.map((s) => s.close()));
    // Off the event loop: unlinking gigabytes of segments can take long enough to stall requests.
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}
