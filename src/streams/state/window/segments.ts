/*
 * Segments: time slices of a window or session store inside ONE backing bytes store (memory or
 * LevelDB from streams/state), and the retention rules every windowed store shares — Kafka
 * Streams' AbstractSegments + the retention checks of its window/session stores.
 *
 * Layout: every backing key starts with its segment id (window-key-schema.ts), segment id =
 * floor(time / segmentInterval), where time is the window start (window stores) or the session
 * end (session stores). Kafka keeps one RocksDB per segment; a prefix per segment gives the same
 * "drop a whole time slice" operation over one LevelDB (one batch at commit) or one B+ tree.
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
import type { BytesKeyValueStore } from '../bytes-store.ts';
import { SEGMENT_PREFIX_BYTES, readInt64, segmentPrefix } from './window-key-schema.ts';

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

  /** Segment ids that may hold times in [from, to], ascending. */
  idsBetween(from: number, to: number): number[] {
    const lo = this.segmentId(Math.max(0, from));
    const hi = this.segmentId(Math.max(0, to));
    return this.#ids.filter((id) => id >= lo && id <= hi);
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
  admit(inner: BytesKeyValueStore, time: number): boolean {
    if (time > this.#observed) {
      this.#observed = time;
      this.#expire(inner);
    }
    if (time <= this.#observed - this.retentionMs) return false;
    const id = this.segmentId(time);
    if (!this.#ids.includes(id)) {
      this.#ids.push(id);
      this.#ids.sort((a, b) => a - b);
    }
    return true;
  }

  /** Rebuilds the segment list and observed time from the backing store (after a restart). */
  load(inner: BytesKeyValueStore, timeOfKey: (innerKey: Buffer) => number): void {
    this.#ids = [];
    let next = 0;
    for (;;) {
      const it = inner.range(segmentPrefix(next), undefined);
      const first = it.next();
      it.close();
      if (first.done === true) break;
      const id = readInt64(first.value.key, 0);
      this.#ids.push(id);
      next = id + 1;
    }
    const last = this.#ids[this.#ids.length - 1];
    this.#observed = -1;
    if (last === undefined) return;
    for (const { key } of inner.prefixScanBytes(segmentPrefix(last))) {
      const t = timeOfKey(key.subarray(SEGMENT_PREFIX_BYTES));
      if (t > this.#observed) this.#observed = t;
    }
  }

  /** Forgets everything (the backing store was closed or wiped). */
  reset(): void {
    this.#ids = [];
    this.#observed = -1;
  }

  #expire(inner: BytesKeyValueStore): void {
    const minLive = this.segmentId(Math.max(0, this.#observed - this.retentionMs));
    while (this.#ids.length > 0 && this.#ids[0]! < minLive) {
      const id = this.#ids.shift()!;
      const doomed: Buffer[] = [];
      for (const { key } of inner.prefixScanBytes(segmentPrefix(id))) doomed.push(key);
      for (const key of doomed) inner.put(key, null);
    }
  }
}
