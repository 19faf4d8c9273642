/*
 * One segment of a partition: `<20-digit baseOffset>.log` plus its `.index`, `.timeindex` and
 * `.txnindex` (aborted transactions, transaction-index.ts: a derived cache, rebuilt at load when
 * missing or corrupt).
 *
 * The `.log` file is a plain concatenation of record batches v2 exactly as produced, with only
 * baseOffset (and partitionLeaderEpoch) rewritten by the log; there is no file header. Every batch
 * in the file has baseOffset ≥ the segment's base offset, offsets increase strictly from batch to
 * batch (compaction may leave gaps), and relative offsets fit in int32.
 *
 * This class is the single source of truth for the segment's size, next offset and largest
 * timestamp while it is open. Writes are synchronous (`writeSync` at the current size) so appends
 * happen in event-loop order; fsync runs asynchronously (`sync`) and close waits for in-flight
 * syncs and reads so a file descriptor is never closed (and reused) under a pending fdatasync or
 * read (fetches read asynchronously, segment-reader.ts).
 *
 * Opening: with `recover`, every batch is length- and CRC-checked from position 0, a torn or
 * corrupt tail is truncated and both indexes are rebuilt. Without it, the indexes are loaded and
 * only the tail after the last index entry is scanned to find the next offset; when an index is
 * missing or malformed, or that tail is unsound, the segment falls back to full recovery.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, Offsets, readBatchHeader, type BatchHeader } from '../../protocol/records/batch-header.ts';
import { BlockReader, readFully, scanFile } from './batch-scan.ts';
import { OffsetIndex } from './offset-index.ts';
import { fsyncPath, fsyncPathAsync } from './fs-sync.ts';
import { TimeIndex } from './time-index.ts';
import { TransactionIndex, TXN_INDEX_SUFFIX } from './transaction-index.ts';

export const LOG_SUFFIX = '.log';
/** Read size when scanning from an index entry to a target batch. */
const SCAN_BLOCK_BYTES = 8 * 1024;
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** The offsets named by the `<20 digits><suffix>` files in `dir`, ascending. */
export function listOffsetFiles(dir: string, suffix: string): number[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.length === 20 + suffix.length && f.endsWith(suffix) && /^\d{20}$/.test(f.slice(0, 20)))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
}

/** Base offsets of the `.log` files in `dir`, ascending. */
export function listSegmentBases(dir: string): number[] {
  return listOffsetFiles(dir, LOG_SUFFIX);
}

/** Removes the four files of the segment at `baseOffset` in `dir` (missing files are fine). */
export function removeSegmentFiles(dir: string, baseOffset: number): void {
  for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
    fs.rmSync(path.join(dir, segmentFileName(baseOffset, suffix)), { force: true });
  }
}

/** What `syncer.sync` must do: make the file's data durable (fdatasync). */
export interface Syncer {
  sync(fd: number): Promise<void>;
}

export interface OpenResult {
  segment: LogSegment;
  /** Bytes cut from a torn or corrupt tail (0 when the file was sound). */
  truncatedBytes: number;
  /** Why the tail was cut, or null. */
  problem: string | null;
  /** Indexes were rebuilt although they were meant to be trusted (missing, malformed or stale). */
  rebuiltIndexes: boolean;
}

export interface FoundBatch {
  position: number;
  header: BatchHeader;
}

export class LogSegment {
  readonly logPath: string;
  size = 0;
  /** One past the last offset in this segment (= baseOffset while empty). */
  nextOffset: number;
  /** Largest batch maxTimestamp in the segment, -1 when empty. */
  maxTimestamp = -1;
  /** maxTimestamp of the first batch: the basis of time-based rolling (-1 = none yet). */
  firstBatchTimestamp = -1;
  /** Wall-clock creation (or open) time: basis of time-based rolling when batches carry no time. */
  readonly createdAt: number;
  /** baseOffset of the last batch, -1 when empty. */
  lastBatchBase = -1;
  /** Bytes written since the last completed fsync started. */
  unsyncedBytes = 0;
  private bytesSinceIndexEntry = 0;
  /** Index bytes were written since the index files were last fsynced. */
  private indexesUnsynced = true;
  /** fsyncs and asynchronous reads using `fd` now: close() waits for them to reach 0. */
  private inflight = 0;
  /**
   * Where a sequential fetch continues: the batch after the last one served starts at `position`
   * and is the first whose last offset is ≥ `offset` (valid while position < size; batches never
   * move in an open segment). Saves the index lookup and header scan on a consumer's next fetch.
   */
  private readonly nextRead = { offset: -1, position: -1 };
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  /** Aborted transactions whose ABORT marker lies in this segment. */
  readonly txnIndex: TransactionIndex;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private fd: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    readonly indexIntervalBytes: number,
    now: number,
  ) {
    this.logPath = path.join(dir, segmentFileName(baseOffset, LOG_SUFFIX));
    this.nextOffset = baseOffset;
    this.createdAt = now;
    this.txnIndex = new TransactionIndex(path.join(dir, segmentFileName(baseOffset, TXN_INDEX_SUFFIX)));
  }

  /** Creates a new empty segment (truncating leftovers with the same base offset). */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number, now: number): LogSegment {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'w+');
    const oi = OffsetIndex.create(path.join(dir, segmentFileName(baseOffset, INDEX_SUFFIX)));
    const ti = TimeIndex.create(path.join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX)));
    const seg = new LogSegment(dir, baseOffset, fd, oi, ti, indexIntervalBytes, now);
    seg.txnIndex.reset();
    return seg;
  }

  /** Opens an existing segment; see the header comment for `recover`. */
  static open(dir: string, baseOffset: number, indexIntervalBytes: number, now: number, recover: boolean): OpenResult {
    const logPath = path.join(dir, segmentFileName(baseOffset, LOG_SUFFIX));
    const fd = fs.openSync(logPath, 'r+');
    const size = fs.fstatSync(fd).size;
    const oiPath = path.join(dir, segmentFileName(baseOffset, INDEX_SUFFIX));
    const tiPath = path.join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX));
    if (!recover) {
      const oi = OffsetIndex.load(oiPath, Math.max(size, 1));
      const ti = TimeIndex.load(tiPath);
      if (oi !== null && ti !== null) {
        const seg = new LogSegment(dir, baseOffset, fd, oi, ti, indexIntervalBytes, now);
        seg.size = size;
        seg.indexesUnsynced = false; // loaded from disk as they are
        if (seg.loadTail()) return { segment: seg, truncatedBytes: 0, problem: null, rebuiltIndexes: false };
      }
    }
    // Recovery, or indexes that cannot be trusted after all: verify every batch (CRC included)
    // while rebuilding, so a tail damaged after a clean stop is still cut off.
    const seg = new LogSegment(dir, baseOffset, fd, OffsetIndex.create(oiPath), TimeIndex.create(tiPath), indexIntervalBytes, now);
    const result = seg.rebuild(size, true);
    return { segment: seg, ...result, rebuiltIndexes: !recover };
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Appends one batch whose baseOffset is already set; `lastOffset`/`maxTimestamp` from its header. */
  append(batch: Buffer, baseOffset: number, lastOffset: number, maxTimestamp: number): void {
    if (this.closed) throw new Error(`segment ${this.logPath} is closed`);
    let written = 0;
    while (written < batch.length) {
      written += fs.writeSync(this.fd, batch, written, batch.length - written, this.size + written);
    }
    this.track(baseOffset, lastOffset, maxTimestamp, this.size, batch.length);
    this.size += batch.length;
    this.unsyncedBytes += batch.length;
  }

  /** Index and counter bookkeeping for a batch at `position` (shared by append and rebuild). */
  private track(baseOffset: number, lastOffset: number, maxTimestamp: number, position: number, size: number): void {
    if (this.firstBatchTimestamp < 0 && position === 0) this.firstBatchTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
    if (this.bytesSinceIndexEntry > this.indexIntervalBytes) {
      const rel = baseOffset - this.baseOffset;
      this.offsetIndex.append(rel, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, rel);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
    this.lastBatchBase = baseOffset;
  }

  /** Trusted-index open: scan headers after the last index entry. False when that tail is unsound. */
  private loadTail(): boolean {
    const from = this.offsetIndex.lastPosition();
    const last = this.timeIndex.last();
    if (last !== null) this.maxTimestamp = last.timestamp;
    // As in track(): bytes since the last entry count from the indexed batch itself.
    this.bytesSinceIndexEntry = 0;
    const res = scanFile(this.fd, from, this.size, false, 64 * 1024, (h, pos) => {
      if (pos === 0) this.firstBatchTimestamp = h.maxTimestamp;
      if (h.maxTimestamp > this.maxTimestamp) this.maxTimestamp = h.maxTimestamp;
      this.bytesSinceIndexEntry += h.sizeInBytes;
      this.nextOffset = h.baseOffset + h.lastOffsetDelta + 1;
      this.lastBatchBase = h.baseOffset;
    });
    if (res.problem !== null || res.validEnd !== this.size) return false;
    // Entries must point at batches that exist (a file cut after a clean close leaves stale ones).
    const lastTime = this.timeIndex.last();
    if (lastTime !== null && this.baseOffset + lastTime.relativeOffset >= this.nextOffset) return false;
    if (this.baseOffset + this.offsetIndex.lastRelativeOffset() >= this.nextOffset) return false;
    if (from > 0 && this.size > 0) {
      const head = Buffer.alloc(BATCH_HEADER_SIZE);
      if (readFully(this.fd, head, 0) === BATCH_HEADER_SIZE) this.firstBatchTimestamp = readBatchHeader(head).maxTimestamp;
    }
    return true;
  }

  /** Rebuilds both indexes by scanning the file; with `checkCrc`, truncates at the first bad batch. */
  private rebuild(fileSize: number, checkCrc: boolean): { truncatedBytes: number; problem: string | null } {
    let expectNext = this.baseOffset;
    let outOfOrder: string | null = null;
    const res = scanFile(this.fd, 0, fileSize, checkCrc, 1024 * 1024, (h, pos) => {
      if (h.baseOffset < expectNext) {
        outOfOrder = `batch at position ${pos} has baseOffset ${h.baseOffset} < expected ${expectNext}`;
        this.size = pos;
        return false;
      }
      this.track(h.baseOffset, h.baseOffset + h.lastOffsetDelta, h.maxTimestamp, pos, h.sizeInBytes);
      expectNext = h.baseOffset + h.lastOffsetDelta + 1;
      this.size = pos + h.sizeInBytes;
    });
    const problem = outOfOrder ?? res.problem;
    if (outOfOrder === null) this.size = res.validEnd;
    const truncatedBytes = fileSize - this.size;
    if (truncatedBytes > 0) fs.ftruncateSync(this.fd, this.size);
    this.offsetIndex.writeAll(false);
    this.timeIndex.writeAll(false);
    return { truncatedBytes, problem: truncatedBytes > 0 ? problem : null };
  }

  /**
   * The batch holding `offset`, or else the first batch after it, in this segment; null when every
   * batch here ends before `offset`.
   */
  findBatch(offset: number): FoundBatch | null {
    const from = this.offsetIndex.lookup(Math.max(0, offset - this.baseOffset));
    let found: FoundBatch | null = null;
    // The index leaves at most index.interval.bytes (+ one batch) to scan: small blocks suffice.
    scanFile(this.fd, from, this.size, false, SCAN_BLOCK_BYTES, (h, pos) => {
      if (h.baseOffset + h.lastOffsetDelta >= offset) {
        found = { position: pos, header: h };
        return false;
      }
    });
    return found;
  }

  /**
   * Whole batches from `position` (a batch boundary) up to `maxBytes` in total, leaving out any
   * batch whose last offset is ≥ `upperOffset`. With `minOneBatch` the first batch is returned
   * even when it is larger than `maxBytes`. Returns an empty buffer when nothing qualifies.
   */
  read(position: number, maxBytes: number, upperOffset: number, minOneBatch: boolean): Buffer {
    const avail = this.size - position;
    if (avail <= 0) return Buffer.alloc(0);
    const want = Math.min(avail, Math.max(maxBytes, BATCH_HEADER_SIZE));
    const buf = Buffer.allocUnsafe(want);
    const n = readFully(this.fd, buf, position);
    let p = 0;
    while (p + BATCH_HEADER_SIZE <= n) {
      const size = LOG_OVERHEAD + buf.readInt32BE(p + Offsets.batchLength);
      const last = Number(buf.readBigInt64BE(p)) + buf.readInt32BE(p + Offsets.lastOffsetDelta);
      if (last >= upperOffset) break;
      if (p + size > n) {
        if (p === 0 && minOneBatch) {
          const whole = Buffer.allocUnsafe(size);
          return whole.subarray(0, readFully(this.fd, whole, position));
        }
        break;
      }
      p += size;
    }
    return buf.subarray(0, p);
  }

  /** Visits batch headers from `position` (a batch boundary) until the visitor returns false. */
  scanFromPosition(position: number, visit: (header: BatchHeader, position: number) => boolean | void): void {
    scanFile(this.fd, position, this.size, false, 64 * 1024, visit);
  }

  /** Visits batch headers (no record decoding) from the batch holding `fromOffset`. */
  scanHeaders(fromOffset: number, visit: (header: BatchHeader, position: number) => boolean | void): boolean {
    const start = this.findBatch(fromOffset);
    if (start === null) return true;
    let stopped = false;
    scanFile(this.fd, start.position, this.size, false, 64 * 1024, (h, pos) => {
      if (visit(h, pos) === false) {
        stopped = true;
        return false;
      }
    });
    return !stopped;
  }

  /** Position to start a by-timestamp scan: every batch before it has maxTimestamp < target. */
  timestampScanStart(target: number): number {
    const rel = this.timeIndex.lookupBefore(target);
    return rel < 0 ? 0 : this.offsetIndex.lookup(rel);
  }

  /** Bytes of the batch at `position` (a batch boundary), read whole. */
  readBatchAt(position: number): Buffer {
    const reader = new BlockReader(this.fd, this.size, BATCH_HEADER_SIZE);
    const head = reader.bytesAt(position, BATCH_HEADER_SIZE);
    const size = LOG_OVERHEAD + head.readInt32BE(Offsets.batchLength);
    const buf = Buffer.allocUnsafe(size);
    readFully(this.fd, buf, position);
    return buf;
  }

  /** The segment stops being active: record its largest timestamp and write index entries. */
  onBecomeInactive(): void {
    if (this.maxTimestamp >= 0 && this.lastBatchBase >= this.baseOffset) {
      this.timeIndex.maybeAppend(this.maxTimestamp, this.lastBatchBase - this.baseOffset);
    }
    this.flushIndexes();
  }

  flushIndexes(): void {
    const wroteOffsets = this.offsetIndex.flush();
    const wroteTimes = this.timeIndex.flush();
    if (wroteOffsets || wroteTimes) this.indexesUnsynced = true;
  }

  /** fdatasync of the log data through `syncer`; returns the bytes it covered. */
  async sync(syncer: Syncer): Promise<number> {
    if (this.closed) return 0;
    const covered = this.unsyncedBytes;
    this.unsyncedBytes = 0;
    this.inflight++;
    try {
      await syncer.sync(this.fd);
    } catch (err) {
      this.unsyncedBytes += covered;
      throw err;
    } finally {
      this.unpin();
    }
    return covered;
  }

  /**
   * The file descriptor for an asynchronous read, kept open until unpin() (close() waits, so the
   * descriptor is never closed and reused under a read in flight); null once the segment is closed.
   */
  pin(): number | null {
    if (this.closed) return null;
    this.inflight++;
    return this.fd;
  }

  unpin(): void {
    this.inflight--;
    if (this.inflight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** The position of the first batch whose last offset is ≥ `offset`, if a fetch just ended there. */
  continuationOf(offset: number): number | null {
    return this.nextRead.offset === offset && this.nextRead.position < this.size ? this.nextRead.position : null;
  }

  /** Records where a fetch that served batches up to `lastOffset` (ending at `position`) continues. */
  rememberContinuation(lastOffset: number, position: number): void {
    this.nextRead.offset = lastOffset + 1;
    this.nextRead.position = position;
  }

  /** fsync of the index files (used at close, when every segment joins the recovered prefix). */
  syncIndexes(): void {
    for (const p of this.takeUnsyncedIndexes()) fsyncPath(p);
  }

  /**
   * syncIndexes with the offset and time index fsyncs on the thread pool (a rolled segment joins
   * the recovered prefix while producers are writing). The transaction index, written only by
   * transaction markers, keeps its synchronous fsync. Rejects, leaving the indexes marked
   * unsynced, when an fsync fails (or the segment was deleted meanwhile).
   */
  async syncIndexesAsync(): Promise<void> {
    const paths = this.takeUnsyncedIndexes();
    try {
      await Promise.all(paths.map((p) => fsyncPathAsync(p)));
    } catch (err) {
      this.indexesUnsynced = true;
      throw err;
    }
  }

  /** Writes pending index entries; the index files an fsync must still cover (marked synced). */
  private takeUnsyncedIndexes(): string[] {
    this.flushIndexes();
    this.txnIndex.sync();
    if (!this.indexesUnsynced) return [];
    this.indexesUnsynced = false;
    return [this.offsetIndex.path, this.timeIndex.path];
  }

  /** Closes the file after in-flight syncs and reads finish. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inflight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    fs.closeSync(this.fd);
  }

  /**
   * Removes the segment's files (unlink is safe while a sync or read is in flight) and closes it.
   * The unlinks run on the thread pool: freeing a large file's blocks must not stall requests.
   */
  async deleteFiles(): Promise<void> {
    await Promise.all([this.logPath, this.offsetIndex.path, this.timeIndex.path, this.txnIndex.path].map((p) => fs.promises.rm(p, { force: true })));
    await this.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
