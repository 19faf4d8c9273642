/*
 * Reusable buffers for the fetch path's segment reads (segment-reader.ts), handed back when the
 * response that carried them has been written to the socket (response-queue.ts).
 *
 * Why: a consumer fetching 1 KiB records asks for up to 1–4 MiB per partition per request, and a
 * fresh buffer of that size per fetch is external memory to V8: a few hundred MiB of it per second
 * keeps the garbage collector running full collections, measured at 40% of the broker's busy
 * time while librdkafka fetched 1 KiB records (docs/benchmarks-streams.md, "Broker fetch"). Kafka
 * itself copies nothing (sendfile); one read into a recycled buffer is the closest Node gets.
 *
 * Size classes: powers of two from MIN_POOLED_BYTES (64 KiB) to MAX_POOLED_BYTES (16 MiB). A read
 * of `n` bytes gets a view of exactly `n` bytes over a buffer of the smallest class ≥ n; smaller and
 * larger reads get a buffer of their own, as before. At most MAX_RETAINED_BYTES (64 MiB) of free
 * buffers are kept; the rest are left to the garbage collector.
 *
 * Invariants:
 *   - a pooled buffer is in use by at most one read at a time: acquire() takes it off the free
 *     list, and only release() of a view over it puts it back, once (`lent` forgets it then);
 *   - release() is called only after the kernel has taken the bytes (the socket write's
 *     callback), and nothing keeps a fetch response after handing it to the response queue;
 *   - a buffer whose response is dropped instead (a parked fetch's superseded read, a closed
 *     connection) is never released: it is simply garbage, never reused while still referenced;
 *   - reused memory is never exposed: readers hand out only the bytes the read put there.
 */

const MIN_POOLED_BYTES = 64 * 1024;
const MAX_POOLED_BYTES = 16 * 1024 * 1024;
const MAX_RETAINED_BYTES = 64 * 1024 * 1024;

export class ReadBufferPool {
  /** Free buffers per class, indexed by log2(class size). */
  readonly #free: ArrayBuffer[][] = [];
  /** Buffers acquire() handed out and release() has not taken back. */
  readonly #lent = new WeakSet<ArrayBuffer>();
  #retained = 0;

  constructor(private readonly maxRetainedBytes = MAX_RETAINED_BYTES) {}

  /** Bytes held in free buffers. */
  get retainedBytes(): number {
    return this.#retained;
  }

  /** A buffer of exactly `size` bytes (contents unspecified), pooled when its size class is. */
  acquire(size: number): Buffer {
    if (size < MIN_POOLED_BYTES || size > MAX_POOLED_BYTES) return Buffer.allocUnsafe(size);
    const log2 = Math.ceil(Math.log2(size));
    const free = this.#free[log2];
    let ab = free?.pop();
    if (ab === undefined) {
      ab = Buffer.allocUnsafeSlow(2 ** log2).buffer as ArrayBuffer;
    } else {
      this.#retained -= ab.byteLength;
    }
    this.#lent.add(ab);
    return Buffer.from(ab, 0, size);
  }

  /** Takes back every pooled buffer that one of `chunks` views; other chunks are ignored. */
  release(chunks: readonly Buffer[]): void {
    for (const c of chunks) {
      const ab = c.buffer as ArrayBuffer;
      if (!this.#lent.has(ab)) continue;
      this.#lent.delete(ab);
      if (this.#retained + ab.byteLength > this.maxRetainedBytes) continue;
      const log2 = Math.log2(ab.byteLength);
      (this.#free[log2] ??= []).push(ab);
      this.#retained += ab.byteLength;
    }
  }
}

/** The process's pool for fetch reads (ownership is per buffer, so brokers in one process may share it). */
export const fetchReadPool = new ReadBufferPool();
