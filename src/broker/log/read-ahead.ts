/*
 * Read-ahead for consumers that fetch a partition sequentially: when a fetch read filled its byte
 * budget and the segment holds more, the next range is read into a pooled buffer on the thread
 * pool while that response is on the wire. The consumer's next Fetch, at the offset where this
 * one ended, then finds its bytes in memory (or the read already under way) instead of waiting
 * for a thread-pool read of its own. A client such as librdkafka keeps one Fetch in flight per
 * broker, so every millisecond between its request and the response is a millisecond it does not
 * receive; Kafka sends the file with sendfile and has no such read on that path.
 *
 * An entry is keyed by (segment object, next fetch offset) and records the position of the
 * first batch at that offset and the bytes [position, position + length) read from there.
 *
 * Invariants (what makes serving prefetched bytes the same as reading them now):
 *   - bytes in [0, size) of an open segment never change (batches never move; the file only
 *     grows), so a range read earlier holds exactly what a read now would return for it;
 *   - a compacted or deleted segment is replaced by new LogSegment objects: entries of the old
 *     object are never looked up again (they age out below);
 *   - nothing about the response is decided at prefetch time: the reader trims the bytes to the
 *     request's upper offset (high watermark or last stable offset) and byte budget when it
 *     serves them, exactly as it trims a fresh read;
 *   - an entry is served at most once: take() removes it and hands its buffer over. A buffer
 *     that is never served goes back to the pool once its read has finished, never before.
 *
 * Bounds: at most MAX_PER_SEGMENT entries per segment (a few consumers at different positions),
 * at most BUDGET_BYTES of prefetched data broker-wide (the oldest entries are dropped first), and
 * an entry not taken within MAX_AGE_MS is dropped at the next start() or take() (its consumer
 * stopped or moved on).
 */
import { readAt } from './read-at.ts';
import type { LogSegment } from './log-segment.ts';
import { fetchReadPool, type ReadBufferPool } from './read-buffer-pool.ts';

const BUDGET_BYTES = 64 * 1024 * 1024;
const MAX_PER_SEGMENT = 4;
const MAX_AGE_MS = 10_000;

/** Prefetched bytes: `buf[0, n)` is the segment's content from `position`. */
export interface Prefetched {
  readonly position: number;
  readonly buf: Buffer;
  readonly n: number;
}

interface Entry {
  readonly segment: LogSegment;
  readonly offset: number;
  readonly bytes: number;
  readonly startedAt: number;
  /** Resolves with the bytes, or null when the read failed or the segment was closed first. */
  readonly read: Promise<Prefetched | null>;
}

export class ReadAhead {
  /** Entries in start order (the oldest first: dropped first when over budget or aged). */
  readonly #entries = new Set<Entry>();
  /** The same entries by segment (at most MAX_PER_SEGMENT each), so take() does not scan them all. */
  readonly #bySegment = new Map<LogSegment, Entry[]>();
  #bytes = 0;

  constructor(
    private readonly pool: ReadBufferPool,
    private readonly budgetBytes = BUDGET_BYTES,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Bytes held or being read by entries not yet taken. */
  get retainedBytes(): number {
    return this.#bytes;
  }

  /**
   * Reads `length` bytes of `segment` from `position` (the first batch at `offset`) in the
   * background, for the fetch that will ask for `offset`. Does nothing when that would exceed the
   * budget after dropping older entries, or when the segment is closed.
   */
  start(segment: LogSegment, offset: number, position: number, length: number): void {
    this.#expire();
    if (length <= 0 || length > this.budgetBytes) return;
    const same = this.#bySegment.get(segment);
    if (same?.some((e) => e.offset === offset)) return; // already under way
    // Per segment, entries are in start order too: the first is its oldest.
    if (same !== undefined && same.length >= MAX_PER_SEGMENT) this.#drop(same[0] as Entry);
    while (this.#bytes + length > this.budgetBytes) {
      const oldest = this.#entries.values().next();
      if (oldest.done === true) break;
      this.#drop(oldest.value);
    }
    const fd = segment.pin();
    if (fd === null) return;
    const buf = this.pool.acquire(length);
    const read = readAt(fd, buf, position).then(
      (n): Prefetched => ({ position, buf, n }),
      () => null,
    );
    void read.finally(() => segment.unpin());
    const entry: Entry = { segment, offset, bytes: length, startedAt: this.now(), read };
    this.#entries.add(entry);
    const list = this.#bySegment.get(segment);
    if (list === undefined) this.#bySegment.set(segment, [entry]);
    else list.push(entry);
    this.#bytes += length;
  }

  /**
   * The prefetch for a fetch of `segment` at `offset`, removed from the read-ahead: the caller
   * owns its buffer (it goes into a response, or back to the pool). Null when there is none.
   */
  take(segment: LogSegment, offset: number): Promise<Prefetched | null> | null {
    this.#expire();
    const e = this.#bySegment.get(segment)?.find((x) => x.offset === offset);
    if (e === undefined) return null;
    this.#remove(e);
    return e.read;
  }

  /** Drops every entry (their buffers go back to the pool as their reads finish). */
  clear(): void {
    for (const e of [...this.#entries]) this.#drop(e);
  }

  #expire(): void {
    const horizon = this.now() - MAX_AGE_MS;
    for (const e of this.#entries) {
      // Set order is start order: the first entry young enough ends the scan.
      if (e.startedAt > horizon) break;
      this.#drop(e);
    }
  }

  #remove(e: Entry): void {
    this.#entries.delete(e);
    const list = this.#bySegment.get(e.segment) as Entry[];
    list.splice(list.indexOf(e), 1);
    if (list.length === 0) this.#bySegment.delete(e.segment);
    this.#bytes -= e.bytes;
  }

  /** Removes an entry nobody will take; its buffer is recycled once the kernel is done with it. */
  #drop(e: Entry): void {
    this.#remove(e);
    void e.read.then((got) => {
      if (got !== null) this.pool.release([got.buf]);
    });
  }
}

/** The process's read-ahead for fetch reads (entries are per segment object, so brokers in one process may share it). */
export const fetchReadAhead = new ReadAhead(fetchReadPool);
