/*
 * Reading record batches out of segment files without decoding records: a block reader over a
 * file descriptor (few large reads instead of one syscall per header) and the structural checks
 * shared by append validation and crash recovery.
 *
 * A batch at position p is structurally sound when (see batch-header.ts for the layout):
 *   - at least 61 bytes remain and 12 + batchLength ≥ 61 and fits in the bytes that remain,
 *   - magic is 2, the compression codec is 0..4, lastOffsetDelta ≥ 0,
 *   - optionally (recovery, produce) the CRC-32C over [21, end) matches.
 * Recovery stops at the first unsound batch: everything from there on is a torn or corrupt tail.
 */
import fs from 'node:fs';
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  MAGIC_V2,
  Offsets,
  compressionOf,
  hasValidCrc,
  readBatchHeader,
  type BatchHeader,
} from '../../protocol/records/batch-header.ts';

/**
 * Why the header at `pos` of `buf` is unsound given that `remaining` bytes of data start at `pos`
 * (the header itself must be in `buf`), or null. Does not look at the record bytes.
 */
export function headerProblem(buf: Buffer, pos: number, remaining: number): string | null {
  if (remaining < BATCH_HEADER_SIZE || buf.length - pos < BATCH_HEADER_SIZE) {
    return `only ${remaining} bytes left, a batch header needs ${BATCH_HEADER_SIZE}`;
  }
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + Offsets.batchLength);
  if (size < BATCH_HEADER_SIZE) return `batchLength ${size - LOG_OVERHEAD} is shorter than a batch header`;
  if (size > remaining) return `batchLength ${size - LOG_OVERHEAD} runs past the end of the data (${remaining} bytes left)`;
  const magic = buf.readInt8(pos + Offsets.magic);
  if (magic !== MAGIC_V2) return `magic ${magic}, only record batch v2 (magic 2) is supported`;
  const codec = compressionOf(buf.readInt16BE(pos + Offsets.attributes));
  if (codec > 4) return `unknown compression codec ${codec}`;
  if (buf.readInt32BE(pos + Offsets.lastOffsetDelta) < 0) return 'negative lastOffsetDelta';
  return null;
}

/** Why the batch at `pos` of `buf` (data ends at buf.length) is unsound, or null when sound. */
export function batchProblem(buf: Buffer, pos: number, checkCrc: boolean): string | null {
  const problem = headerProblem(buf, pos, buf.length - pos);
  if (problem !== null) return problem;
  const size = LOG_OVERHEAD + buf.readInt32BE(pos + Offsets.batchLength);
  if (checkCrc && !hasValidCrc(buf.subarray(pos, pos + size))) return 'CRC-32C mismatch';
  return null;
}

/**
 * Reads a file in blocks of at least `blockSize` bytes and hands out views of the requested
 * ranges. A view stays valid until the next call (it may alias the internal block).
 */
export class BlockReader {
  private block: Buffer = Buffer.alloc(0);
  private blockStart = 0;

  constructor(
    private readonly fd: number,
    private readonly fileEnd: number,
    private readonly blockSize = 64 * 1024,
  ) {}

  /** Up to `len` bytes at `pos` (fewer only at the end of the file). */
  bytesAt(pos: number, len: number): Buffer {
    const end = Math.min(pos + len, this.fileEnd);
    if (pos >= this.blockStart && end <= this.blockStart + this.block.length) {
      return this.block.subarray(pos - this.blockStart, end - this.blockStart);
    }
    const want = Math.min(Math.max(end - pos, this.blockSize), this.fileEnd - pos);
    const buf = Buffer.allocUnsafe(Math.max(want, 0));
    const n = want > 0 ? readFully(this.fd, buf, pos) : 0;
    this.block = buf.subarray(0, n);
    this.blockStart = pos;
    return this.block.subarray(0, Math.min(end - pos, n));
  }
}

/** readSync until `buf` is full or EOF; returns the bytes read. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export interface ScanResult {
  /** Position just after the last sound batch visited (where a torn tail begins). */
  validEnd: number;
  /** Why scanning stopped before `end`, or null when it reached `end` (or the visitor stopped). */
  problem: string | null;
}

/**
 * Visits the batches in [from, end) of a file in order. The visitor returns false to stop.
 * With `checkCrc` each batch's whole bytes are read and verified (recovery); otherwise only
 * headers are read. Stops at the first unsound batch and reports it.
 */
export function scanFile(
  fd: number,
  from: number,
  end: number,
  checkCrc: boolean,
  blockSize: number,
  visit: (header: BatchHeader, position: number, bytes: Buffer | null) => boolean | void,
): ScanResult {
  const reader = new BlockReader(fd, end, blockSize);
  let pos = from;
  while (pos < end) {
    const head = reader.bytesAt(pos, BATCH_HEADER_SIZE);
    if (head.length < BATCH_HEADER_SIZE) return { validEnd: pos, problem: `truncated batch header at position ${pos}` };
    const size = LOG_OVERHEAD + head.readInt32BE(Offsets.batchLength);
    if (size < BATCH_HEADER_SIZE || pos + size > end) {
      return { validEnd: pos, problem: `batch at position ${pos} has length ${size} beyond the end of the file` };
    }
    const bytes = checkCrc ? reader.bytesAt(pos, size) : head;
    const problem = checkCrc ? batchProblem(bytes, 0, true) : headerProblem(head, 0, end - pos);
    if (problem !== null) return { validEnd: pos, problem: `batch at position ${pos}: ${problem}` };
    const header = readBatchHeader(bytes, 0);
    if (visit(header, pos, checkCrc ? bytes : null) === false) return { validEnd: pos + size, problem: null };
    pos += size;
  }
  return { validEnd: pos, problem: null };
}
