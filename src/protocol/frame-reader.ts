/*
 * Kafka framing over a byte stream, for both ends of a connection (the broker reading requests,
 * the client reading responses): int32 size (big-endian) + `size` bytes.
 *
 * The socket hands out chunks of whatever size the kernel had ready (64 KiB at most with Node's
 * default read buffer). A frame is returned as a view of the chunk that holds it whole — no copy —
 * and is copied exactly once, into a buffer of its own size, only when it straddles chunks. The
 * bytes that follow a frame stay as views of their chunks until their own frame is complete; they
 * are never copied again (the old way, concatenating everything buffered once a frame was
 * complete, copied every large fetch response a second time and a trailing partial frame a third).
 *
 * Invariants:
 *   buffered = Σ chunks[i].length − head, where `head` bytes of chunks[0] are already consumed;
 *   chunks[0] has at least one unconsumed byte whenever chunks is non-empty.
 * A returned frame aliases socket memory that this reader never writes again, so it stays valid
 * for as long as the caller keeps it.
 *
 * Reading in place (a plain TCP socket's `onread` option, see readTarget()/filled()): the reader
 * chooses the memory each socket read lands in, so even a straddling frame costs no copy of its
 * own. Reads fill the unused tail of a scratch chunk (readChunkBytes, renewed when less than
 * directMinBytes is left); once a frame's size is known and at least directMinBytes of it are
 * still to come, the reader allocates the frame's buffer, moves the bytes it already has there
 * (at most one chunk's worth), and points the following reads at the rest of that buffer — the
 * kernel writes the frame's bytes straight into it. Each such read is bounded by the frame's
 * remaining length, so it never takes bytes of the next frame.
 *   in-place state: `direct` = the frame's buffer, `directFilled` of its bytes present; while it is
 *   set, chunks is empty (every buffered byte belonged to that frame and was moved there).
 */

/** A size prefix no Kafka peer sends: the stream cannot be framed any further. */
export class FrameSizeError extends Error {
  constructor(
    readonly size: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(`frame size ${size} is outside ${min}..${max}`);
    this.name = 'FrameSizeError';
  }
}

export interface FrameLimits {
  /** Smallest acceptable size (a response holds at least its 4-byte correlation id). */
  readonly minFrameBytes: number;
  /** Largest acceptable size (socket.request.max.bytes on a broker). */
  readonly maxFrameBytes: number;
  /** Reading in place: size of a scratch chunk (default 64 KiB, Node's own read size). */
  readonly readChunkBytes?: number;
  /** Reading in place: a frame with at least this many bytes still to come is read into its own buffer (default 16 KiB). */
  readonly directMinBytes?: number;
}

const SIZE_BYTES = 4;
const DEFAULT_READ_CHUNK_BYTES = 64 * 1024;
const DEFAULT_DIRECT_MIN_BYTES = 16 * 1024;

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private head = 0;
  private total = 0;
  /** Reading in place: the frame being read into its own buffer, and how much of it is there. */
  private direct: Buffer | null = null;
  private directFilled = 0;
  /** Reading in place: the scratch chunk and how much of it holds received bytes. */
  private scratch: Buffer | null = null;
  private scratchUsed = 0;
  private readonly readChunkBytes: number;
  private readonly directMinBytes: number;

  constructor(private readonly limits: FrameLimits) {
    if (!(limits.minFrameBytes >= 0 && limits.maxFrameBytes >= limits.minFrameBytes)) {
      throw new RangeError(`frame limits must satisfy 0 ≤ minFrameBytes ≤ maxFrameBytes, got ${limits.minFrameBytes}..${limits.maxFrameBytes}`);
    }
    this.readChunkBytes = limits.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES;
    this.directMinBytes = limits.directMinBytes ?? DEFAULT_DIRECT_MIN_BYTES;
    if (!(this.readChunkBytes >= 1 && this.directMinBytes >= 1 && this.directMinBytes <= this.readChunkBytes)) {
      throw new RangeError(`frame reader needs 1 ≤ directMinBytes ≤ readChunkBytes, got ${this.directMinBytes} and ${this.readChunkBytes}`);
    }
  }

  /** Bytes received and not yet returned as part of a frame. */
  get buffered(): number {
    return this.direct === null ? this.total : SIZE_BYTES + this.directFilled;
  }

  /**
   * Reading in place: the memory the next socket read should fill (a plain socket's
   * `onread.buffer` function). The caller must report what the read put there with filled()
   * before asking again.
   */
  readTarget(): Buffer {
    if (this.direct === null) this.maybeStartDirect();
    if (this.direct !== null) return this.direct.subarray(this.directFilled);
    if (this.scratch === null || this.scratch.length - this.scratchUsed < this.directMinBytes) {
      this.scratch = Buffer.allocUnsafeSlow(this.readChunkBytes);
      this.scratchUsed = 0;
    }
    return this.scratch.subarray(this.scratchUsed);
  }

  /** Reading in place: the last read put `n` bytes at the start of the buffer readTarget() returned. */
  filled(n: number): void {
    if (n <= 0) return;
    if (this.direct !== null) {
      this.directFilled += n;
      return;
    }
    const from = this.scratchUsed;
    this.scratchUsed += n;
    this.push(this.scratch!.subarray(from, from + n));
  }

  /** Enters in-place mode when the buffered frame's size is known, valid and far from complete. */
  private maybeStartDirect(): void {
    if (this.total < SIZE_BYTES) return;
    const size = this.peekSize();
    // An invalid size is next()'s to report; a frame nearly complete is cheaper to finish in scratch.
    if (size < this.limits.minFrameBytes || size > this.limits.maxFrameBytes) return;
    if (SIZE_BYTES + size - this.total < this.directMinBytes) return;
    this.skip(SIZE_BYTES);
    const have = this.total;
    const out = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      const from = i === 0 ? this.head : 0;
      c.copy(out, filled, from);
      filled += c.length - from;
    }
    this.chunks = [];
    this.head = 0;
    this.total = 0;
    this.direct = out;
    this.directFilled = have;
  }

  /** Appends bytes read from the socket (the reader keeps a reference, never a copy). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /**
   * The next complete frame's payload (without its size prefix), or null until one has fully
   * arrived. Throws FrameSizeError when the size prefix is out of bounds; the reader is then
   * unusable (the stream has lost its framing) and the connection should be closed.
   */
  next(): Buffer | null {
    if (this.direct !== null) {
      if (this.directFilled < this.direct.length) return null;
      const frame = this.direct;
      this.direct = null;
      this.directFilled = 0;
      return frame;
    }
    if (this.total < SIZE_BYTES) return null;
    const size = this.peekSize();
    if (size < this.limits.minFrameBytes || size > this.limits.maxFrameBytes) {
      throw new FrameSizeError(size, this.limits.minFrameBytes, this.limits.maxFrameBytes);
    }
    if (this.total < SIZE_BYTES + size) return null;
    this.skip(SIZE_BYTES);
    return this.take(size);
  }

  /** Drops everything buffered (the connection closed). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
    this.direct = null;
    this.directFilled = 0;
  }

  /** The int32 at the read position; requires total ≥ 4 (the prefix itself may straddle chunks). */
  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length - this.head >= SIZE_BYTES) return first.readInt32BE(this.head);
    let v = 0;
    let c = 0;
    let i = this.head;
    for (let k = 0; k < SIZE_BYTES; k++) {
      let chunk = this.chunks[c]!;
      if (i === chunk.length) {
        chunk = this.chunks[++c]!;
        i = 0;
      }
      v = (v << 8) | chunk[i++]!;
    }
    return v | 0;
  }

  /** Consumes `n` ≤ total bytes without looking at them. */
  private skip(n: number): void {
    this.total -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      const left = first.length - this.head;
      if (left > n) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** Consumes and returns `n` ≤ total bytes: a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    const left = first.length - this.head;
    if (left >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const from = this.head;
      const want = Math.min(n - filled, c.length - from);
      c.copy(out, filled, from, from + want);
      filled += want;
      this.skip(want);
    }
    return out;
  }
}
