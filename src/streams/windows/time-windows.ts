/*
 * TimeWindows: fixed-size windows aligned to the epoch — tumbling (advance = size) or hopping
 * (advance < size) — Kafka Streams' TimeWindows.
 *
 * Assignment (Kafka's TimeWindows.windowsFor, exactly):
 *   first start = floor(max(0, ts - size + advance) / advance) * advance
 *   then every advance while start <= ts; each window is [start, start + size)  (end EXCLUSIVE)
 * So a record at ts belongs to the ceil(size / advance) windows (fewer near 0) whose half-open
 * range contains ts, and window starts are multiples of `advance` (start = ts - ts % advance
 * for the newest one).
 *
 * Closing: a window is closed once observedStreamTime - grace >= windowEnd; the aggregate
 * processor then drops (logs and counts) records for it. With ofSizeWithNoGrace, grace = 0.
 *
 * Example: size 10, advance 5, ts 12 → windows [5,15) and [10,20).
 */
import { cappedAdd, checkMs, type WindowBounds } from './window-checks.ts';

export class TimeWindows {
  private constructor(
    /** Window length in ms. */
    readonly sizeMs: number,
    /** Distance between consecutive window starts in ms (= size for tumbling windows). */
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs` that close as soon as stream time passes their end. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    checkMs('TimeWindows.ofSizeWithNoGrace', 'size', sizeMs, 1);
    return new TimeWindows(sizeMs, sizeMs, 0);
  }

  /** Tumbling windows of `sizeMs` that accept out-of-order records for `graceMs` after their end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    checkMs('TimeWindows.ofSizeAndGrace', 'size', sizeMs, 1);
    checkMs('TimeWindows.ofSizeAndGrace', 'grace', graceMs, 0);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Hopping windows: the same size and grace, a new window every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    checkMs('TimeWindows.advanceBy', 'advance', advanceMs, 1);
    if (advanceMs > this.sizeMs) {
      throw new RangeError(`TimeWindows.advanceBy: advance (${advanceMs} ms) must not exceed the window size (${this.sizeMs} ms)`);
    }
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** The windows containing `timestamp`, by start, in ascending start order. */
  windowsFor(timestamp: number): Map<number, WindowBounds> {
    const windows = new Map<number, WindowBounds>();
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    while (start <= timestamp) {
      windows.set(start, { start, end: cappedAdd(start, this.sizeMs) });
      start += this.advanceMs;
    }
    return windows;
  }

  size(): number {
    return this.sizeMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `TimeWindows{size=${this.sizeMs}, advance=${this.advanceMs}, grace=${this.graceMs}}`;
  }
}
