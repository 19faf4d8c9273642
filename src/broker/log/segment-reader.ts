/*
 * The fetch path's reads: whole record batches out of segment files without blocking the event
 * loop. Every read is an fs.read on libuv's thread pool straight into the buffer that goes into
 * the response (the only copy; the socket write is a writev of the response's buffer list; the
 * buffer is recycled after that write, read-buffer-pool.ts), so a
 * large fetch no longer stalls produce, heartbeats and other fetches while the kernel copies it.
 *
 * Per segment, in numbered steps:
 *   1 locate   the first batch whose last offset is ≥ the fetch offset: where the previous fetch
 *              ended (LogSegment.continuationOf, no I/O — the sequential consumer's case), else
 *              from the offset index's entry, scanning batch headers in SCAN_BLOCK_BYTES reads;
 *   2 read     min(segment bytes left, max(maxBytes, one header)) bytes from there, in one read;
 *   3 trim     to whole batches whose last offset < upperOffset and that fit in maxBytes; with
 *              minOneBatch a first batch larger than maxBytes is read whole (KIP-74) by one more read;
 *   4 remember where this read ended, for step 1 of the next fetch.
 * A segment is pinned (LogSegment.pin) for the duration of its reads, so retention or the cleaner
 * may close it meanwhile without its descriptor being reused underneath; a segment already closed
 * ends the read early (a short fetch, which the client simply follows with the next one).
 *
 * Invariants relied on: batches in a segment never move and [0, size) only grows while it is open;
 * the log is structurally sound there (validated on append, checked on recovery), so only batch
 * lengths are looked at, never CRCs.
 */
import fs from 'node:fs';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, Offsets } from '../../protocol/records/batch-header.ts';
import type { LogSegment } from './log-segment.ts';
import { fetchReadPool } from './read-buffer-pool.ts';

/** Read size when scanning from an index entry to the batch holding an offset. */
const SCAN_BLOCK_BYTES = 8 * 1024;

export interface BatchesRead {
  chunks: Buffer[];
  bytes: number;
}

/** fs.read until `buf` is full or the file ends; resolves with the bytes read. */
export function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (): void => {
      fs.read(fd, buf, done, buf.length - done, position + done, (err, n) => {
        if (err) return reject(err);
        done += n;
        if (n === 0 || done === buf.length) resolve(done);
        else step();
      });
    };
    if (buf.length === 0) resolve(0);
    else step();
  });
}

/**
 * Whole batches from the segments in order (the first holds or follows `offset`), at most
 * `maxBytes` in total except for a first batch under `minOneBatch`, none whose last offset is
 * ≥ `upperOffset`.
 */
export async function readBatches(
  segments: readonly LogSegment[],
  offset: number,
  upperOffset: number,
  maxBytes: number,
  minOneBatch: boolean,
): Promise<BatchesRead> {
  const out: BatchesRead = { chunks: [], bytes: 0 };
  let minOne = minOneBatch;
  for (const seg of segments) {
    const fd = seg.pin();
    if (fd === null) break;
    let ended: boolean;
    try {
      ended = await readFromSegment(seg, fd, offset, upperOffset, maxBytes - out.bytes, minOne, out);
    } finally {
      seg.unpin();
    }
    if (out.bytes > 0) minOne = false;
    if (ended || out.bytes >= maxBytes) break;
  }
  return out;
}

/** Steps 1–4 for one segment; true when reading should not go on to the next segment. */
async function readFromSegment(
  seg: LogSegment,
  fd: number,
  offset: number,
  upperOffset: number,
  maxBytes: number,
  minOneBatch: boolean,
  out: BatchesRead,
): Promise<boolean> {
  const size = seg.size; // appends after this point belong to the next fetch
  const position = seg.continuationOf(offset) ?? (await locate(seg, fd, offset, size));
  if (position === null) return false; // every batch here ends before `offset`
  const avail = size - position;
  if (avail <= 0) return false;
  const buf = fetchReadPool.acquire(Math.min(avail, Math.max(maxBytes, BATCH_HEADER_SIZE)));
  const n = await readAt(fd, buf, position);
  let p = 0;
  let lastOffset = -1;
  while (p + BATCH_HEADER_SIZE <= n) {
    const batchSize = LOG_OVERHEAD + buf.readInt32BE(p + Offsets.batchLength);
    const last = Number(buf.readBigInt64BE(p)) + buf.readInt32BE(p + Offsets.lastOffsetDelta);
    if (last >= upperOffset) break;
    if (p + batchSize > n) {
      if (p === 0 && minOneBatch) return readWholeBatch(seg, fd, position, batchSize, last, out);
      break;
    }
    p += batchSize;
    lastOffset = last;
  }
  if (p === 0) return true;
  out.chunks.push(buf.subarray(0, p));
  out.bytes += p;
  seg.rememberContinuation(lastOffset, position + p);
  // Only a read that took the segment to its end may go on to the next segment.
  return position + p < size;
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
