/*
 * Segments: time slices of a window or session store inside ONE backing (segment-backing.ts:
 * a heap layout, or segment-prefixed keys in LevelDB), and the retention rules every windowed
 * store shares — Kafka Streams' AbstractSegments + the retention checks of its window/session
 * stores.
 *
 * Layout: every entry belongs to segment id = floor(time / segmentInterval), where time is the
 * window start (window stores) or the session end (session stores). Kafka keeps one RocksDB per
 * segment; a segment per time slice gives the same "drop a whole time slice" operation over one
 * LevelDB (a key prefix, one batch at commit) or the heap layout (one map entry).
 *
 * Invariants (state the store is the single source of truth for):
 *  - observedStreamTime = max time ever put (or restored); it never goes back; -1 when empty.
 *  - A put whose time <= observedStreamTime - retention (after observing it) is EXPIRED: it is
 *    not stored and the caller logs and counts it (Kafka's "Skipping record for expired segment").
 *  - Reads never return entries older than observedStreamTime - retention + 1, even if their
 *    segment still exists (segments expire as a whole, records one by one — so memory and
 *    LevelDB stores answer identically).
 *  - When observedStreamTime advances, segments with id < segmentId(observed - retention) are
 *    deleted from the backing store directly (not through any changelog: the changelog topic
 *    expires them by its own retention.ms, as Kafka's does).
 */
import type { SegmentBacking } from './segment-backing.ts';

/** Kafka's default segment interval: max(retention / 2, 60 s). */
export function defaultSegmentInterval(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

export class Segments {
  /** Live segment ids, ascending. */
  #ids: number[] = [];
  #observed = -1;

  constructor(
    readonly storeName: string,
    readonly retentionMs: number,
    readonly segmentIntervalMs: number,
  ) {}

  get observedStreamTime(): number {
    return this.#observed;
  }

  segmentId(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  /** Segment ids that may hold times in [from, to], ascending (`backward`: descending). */
  idsBetween(from: number, to: number, backward = false): number[] {
    const lo = this.segmentId(Math.max(0, from));
    const hi = this.segmentId(Math.max(0, to));
    const ids = this.#ids;
    if (ids.length === 1) return ids[0]! >= lo && ids[0]! <= hi ? [ids[0]!] : [];
    const out = ids.filter((id) => id >= lo && id <= hi);
    return backward ? out.reverse() : out;
  }

  allIds(): number[] {
    return [...this.#ids];
  }

  /** The earliest time reads may return: observed - retention + 1. */
  minLiveTime(): number {
    return this.#observed - this.retentionMs + 1;
  }

  /**
   * Observes `time` and says whether an entry at that time may be stored; creates its segment
   * and drops segments that fell out of retention.
   */
  admit(inner: SegmentBacking, time: number): boolean {
    if (time > this.#observed) {
      this.#observed = time;
      this.#expire(inner);
    }
    if (time <= this.#observed - this.retentionMs) return false;
    const id = this.segmentId(time);
    const ids = this.#ids;
    if (ids[ids.length - 1] !== id && !ids.includes(id)) {
      ids.push(id);
      ids.sort((a, b) => a - b);
    }
    return true;
  }

  /** Rebuilds the segment list and observed time from the backing (after a restart). */
  load(inner: SegmentBacking): void {
    const { ids, maxTime } = inner.loadSegments();
    this.#ids = ids;
    this.#observed = maxTime;
  }

  /** Forgets everything (the backing store was closed or wiped). */
  reset(): void {
    this.#ids = [];
    this.#observed = -1;
  }

  #expire(inner: SegmentBacking): void {
    const minLive = this.segmentId(Math.max(0, this.#observed - this.retentionMs));
    while (this.#ids.length > 0 && this.#ids[0]! < minLive) inner.dropSegment(this.#ids.shift()!);
  }
}
