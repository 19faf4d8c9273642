/*
 * The fetch path's reads: whole record batches out of segment files without blocking the event
 * loop. Every read is an fs.read on libuv's thread pool straight into the buffer that goes into
 * the response (the only copy; the socket write is a writev of the response's buffer list; the
 * buffer is recycled after that write, read-buffer-pool.ts), so a
 * large fetch no longer stalls produce, heartbeats and other fetches while the kernel copies it.
 *
 * Per segment, in numbered steps:
 *   1 locate   the first batch whose last offset is ≥ the fetch offset: a range read ahead for
 *              this offset (read-ahead.ts: steps 1 and 2 are done, or under way), else where the
 *              previous fetch ended (LogSegment.continuationOf, no I/O — the sequential
 *              consumer's case), else from the offset index's entry, scanning batch headers in
 *              SCAN_BLOCK_BYTES reads;
 *   2 read     min(segment bytes left, max(maxBytes, one header)) bytes from there, in one read;
 *   3 trim     to whole batches whose last offset < upperOffset and that fit in maxBytes; with
 *              minOneBatch a first batch larger than maxBytes is read whole (KIP-74) by one more
 *              read; when a range read ahead ended before maxBytes did, read on from its end;
 *              with partialTail, a next batch (below upperOffset) that does not fit in maxBytes
 *              still gives its first bytes, up to maxBytes, when at least its header fits
 *              (step 3b);
 *   4 remember where the whole batches ended, for step 1 of the next fetch (the consumer asks
 *     for the offset after its last whole batch, i.e. the partial batch's first offset);
 *   5 read ahead (only when asked, readAhead): when the batches filled maxBytes and the segment
 *     holds more, start reading the fetch's whole budget from there, for the fetch that will ask
 *     for the next offset.
 *
 * Step 3b is the response shape of Kafka's LogSegment.read, which sends the file range
 * [first batch, + maxBytes) and so usually ends inside a batch; every client drops that trailing
 * partial batch (the protocol allows it: KIP-74, and the Fetch response's "Records" field). A
 * fetch answered with whole batches only is on average half a batch short of its budget, which
 * with ~1 MB batches and a 4 MiB budget is an eighth of each response.
 * A segment is pinned (LogSegment.pin) for the duration of its reads, so retention or the cleaner
 * may close it meanwhile without its descriptor being reused underneath; a segment already closed
 * ends the read early (a short fetch, which the client simply follows with the next one).
 *
 * Invariants relied on: batches in a segment never move and [0, size) only grows while it is open;
 * the log is structurally sound there (validated on append, checked on recovery), so only batch
 * lengths are looked at, never CRCs.
 */
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, Offsets } from '../../protocol/records/batch-header.ts';
import type { LogSegment } from './log-segment.ts';
import { readAt } from './read-at.ts';
import { fetchReadAhead } from './read-ahead.ts';
import { fetchReadPool } from './read-buffer-pool.ts';

/** Read size when scanning from an index entry to the batch holding an offset. */
const SCAN_BLOCK_BYTES = 8 * 1024;

export interface BatchesRead {
  chunks: Buffer[];
  bytes: number;
}

/** How a read is shaped (log-types.ts ReadOptions). */
export interface ReadShape {
  /** KIP-74: the first batch is returned whole even when it exceeds maxBytes. */
  minOneBatch: boolean;
  /** Step 3b: end with the first bytes of a batch that does not fit, up to maxBytes. */
  partialTail: boolean;
  /** Step 5: read the next range ahead when this read filled maxBytes. */
  readAhead: boolean;
}

/**
 * Batches from the segments in order (the first holds or follows `offset`), at most `maxBytes`
 * in total except for a first batch under `shape.minOneBatch`, none whose last offset is
 * ≥ `upperOffset`; whole, except a last one cut at `maxBytes` under `shape.partialTail`.
 */
export async function readBatches(
  segments: readonly LogSegment[],
  offset: number,
  upperOffset: number,
  maxBytes: number,
  shape: ReadShape,
): Promise<BatchesRead> {
  const out: BatchesRead = { chunks: [], bytes: 0 };
  let minOne = shape.minOneBatch;
  for (const seg of segments) {
    const fd = seg.pin();
    if (fd === null) break;
    let ended: boolean;
    try {
      ended = await readFromSegment(seg, fd, offset, upperOffset, maxBytes - out.bytes, minOne, out, maxBytes, shape);
    } finally {
      seg.unpin();
    }
    if (out.bytes > 0) minOne = false;
    if (ended || out.bytes >= maxBytes) break;
  }
  return out;
}

/** Why step 3 stopped taking batches. */
const Stop = {
  /** the next batch reaches the upper offset (high watermark or last stable offset) */
  upper: 0,
  /** the next batch does not fit in the byte budget */
  budget: 1,
  /** the bytes read (or the segment) end before the next whole batch */
  endOfRead: 2,
} as const;
type Stop = (typeof Stop)[keyof typeof Stop];

/**
 * Steps 1–5 for one segment; true when reading should not go on to the next segment.
 * `aheadBytes` is the whole fetch's budget for this partition, what the next fetch will ask for.
 */
async function readFromSegment(
  seg: LogSegment,
  fd: number,
  offset: number,
  upperOffset: number,
  maxBytes: number,
  minOneBatch: boolean,
  out: BatchesRead,
  aheadBytes: number,
  shape: ReadShape,
): Promise<boolean> {
  const size = seg.size; // appends after this point belong to the next fetch
  const ahead = fetchReadAhead.take(seg, offset);
  const prefetched = ahead === null ? null : await ahead;
  let position: number;
  let buf: Buffer;
  let n: number;
  if (prefetched !== null) {
    ({ position, buf, n } = prefetched);
  } else {
    const located = seg.continuationOf(offset) ?? (await locate(seg, fd, offset, size));
    if (located === null) return false; // every batch here ends before `offset`
    const avail = size - located;
    if (avail <= 0) return false;
    position = located;
    buf = fetchReadPool.acquire(Math.min(avail, Math.max(maxBytes, BATCH_HEADER_SIZE)));
    n = await readAt(fd, buf, position);
  }
  // Step 3. A prefetched range may be longer than this request's budget: batches must fit in
  // `limit`, except a first batch under minOneBatch, which may use everything read.
  const limit = Math.min(n, maxBytes);
  let p = 0;
  let lastOffset = -1;
  let stop: Stop = Stop.endOfRead;
  while (p + BATCH_HEADER_SIZE <= n) {
    const batchSize = LOG_OVERHEAD + buf.readInt32BE(p + Offsets.batchLength);
    const last = Number(buf.readBigInt64BE(p)) + buf.readInt32BE(p + Offsets.lastOffsetDelta);
    if (last >= upperOffset) {
      stop = Stop.upper;
      break;
    }
    if (p + batchSize > limit && !(p === 0 && minOneBatch && batchSize <= n)) {
      // KIP-74 only for a batch larger than the budget; one that fits the budget but not a
      // shorter range read ahead is read on below (readOn), as a fresh read would return it.
      if (p === 0 && minOneBatch && batchSize > maxBytes) {
        fetchReadPool.release([buf]);
        return readWholeBatch(seg, fd, position, batchSize, last, out);
      }
      stop = p + batchSize > maxBytes ? Stop.budget : Stop.endOfRead;
      break;
    }
    p += batchSize;
    lastOffset = last;
  }
  const end = position + p;
  // A prefetched range ended before this budget did (it was started for a smaller budget, or the
  // segment has grown since): read on from where it ended, as a fresh read would have.
  const readOn = prefetched !== null && stop === Stop.endOfRead && maxBytes > p && seg.size > end;
  // Step 3b: [p, limit) lies inside the batch that did not fit, whose header was read and whose
  // last offset < upperOffset (checked before the budget); limit < p + a header after a KIP-74
  // first batch (never cut) or when less than a header of the next batch fits (not worth it).
  const sent = shape.partialTail && stop === Stop.budget && out.bytes + p > 0 && limit - p >= BATCH_HEADER_SIZE ? limit : p;
  if (sent === 0) {
    fetchReadPool.release([buf]); // no view of it escaped
    // The prefetch is used up, so this reads from the continuation at `offset`.
    return readOn ? readFromSegment(seg, fd, offset, upperOffset, maxBytes, minOneBatch, out, aheadBytes, shape) : true;
  }
  out.chunks.push(buf.subarray(0, sent));
  out.bytes += sent;
  if (p === 0) return true; // only the partial batch, after an earlier segment's batches
  seg.rememberContinuation(lastOffset, end);
  // Step 5 (read-ahead.ts): a read that filled its budget is a consumer behind the log end, which
  // will ask for lastOffset + 1 next with the same budget.
  if (shape.readAhead && stop === Stop.budget && seg.size > end) fetchReadAhead.start(seg, lastOffset + 1, end, Math.min(seg.size - end, aheadBytes));
  if (readOn) return readFromSegment(seg, fd, lastOffset + 1, upperOffset, maxBytes - p, false, out, aheadBytes, shape);
  // Only a read that took the segment to its end may go on to the next segment.
  return end < size;
}

/** KIP-74: a first batch larger than the byte budget is still returned, whole. */
async function readWholeBatch(seg: LogSegment, fd: number, position: number, batchSize: number, last: number, out: BatchesRead): Promise<boolean> {
  const whole = Buffer.allocUnsafe(batchSize);
  const n = await readAt(fd, whole, position);
  if (n < batchSize) return true; // cannot happen in a sound log: serve nothing rather than half a batch
  out.chunks.push(whole);
  out.bytes += n;
  seg.rememberContinuation(last, position + n);
  return true;
}

/**
 * Step 1 without a continuation: from the offset index's entry at or below `offset`, scan batch
 * headers (a few KiB at most: one index entry per index.interval.bytes) to the first batch whose
 * last offset is ≥ `offset`. Null when there is none before `end`.
 */
async function locate(seg: LogSegment, fd: number, offset: number, end: number): Promise<number | null> {
  let pos = seg.offsetIndex.lookup(Math.max(0, offset - seg.baseOffset));
  const block = Buffer.allocUnsafe(SCAN_BLOCK_BYTES);
  while (pos < end) {
    const n = await readAt(fd, block.subarray(0, Math.min(SCAN_BLOCK_BYTES, end - pos)), pos);
    let p = 0;
    while (p + BATCH_HEADER_SIZE <= n) {
      const last = Number(block.readBigInt64BE(p)) + block.readInt32BE(p + Offsets.lastOffsetDelta);
      if (last >= offset) return pos + p;
      const batchSize = LOG_OVERHEAD + block.readInt32BE(p + Offsets.batchLength);
      if (batchSize < BATCH_HEADER_SIZE) return null; // not a batch: unsound bytes, serve nothing
      p += batchSize;
    }
    if (p === 0) return null; // fewer than a header's bytes left: a torn tail recovery will cut
    pos += p;
  }
  return null;
}
