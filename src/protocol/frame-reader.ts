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
}

const SIZE_BYTES = 4;

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private head = 0;
  private total = 0;

  constructor(private readonly limits: FrameLimits) {
    if (!(limits.minFrameBytes >= 0 && limits.maxFrameBytes >= limits.minFrameBytes)) {
      throw new RangeError(`frame limits must satisfy 0 ≤ minFrameBytes ≤ maxFrameBytes, got ${limits.minFrameBytes}..${limits.maxFrameBytes}`);
    }
  }

  /** Bytes received and not yet returned as part of a frame. */
  get buffered(): number {
    return this.total;
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
