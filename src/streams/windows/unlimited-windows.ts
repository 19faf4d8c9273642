/*
 * UnlimitedWindows: one "landmark" window per key that starts at a fixed time and never ends —
 * Kafka Streams' UnlimitedWindows (org.apache.kafka.streams.kstream.UnlimitedWindows, not
 * deprecated in Kafka 4.x; only its `startOn(long)` overload and the retention setters `until` /
 * `maintainMs` were, and those are not offered here).
 *
 * Assignment (Kafka's UnlimitedWindows.windowsFor, exactly):
 *   ts >= startMs → the single window [startMs, end of time)
 *   ts <  startMs → no window (the record is not aggregated; it counts as late)
 * size() is "infinite" and the grace period is 0; since a window end of infinity never falls
 * behind stream time, no window ever closes, so emit-on-window-close is refused (Kafka's
 * "ON_WINDOW_CLOSE strategy is only supported for TimeWindows and SlidingWindows").
 *
 * End of time: Kafka uses Long.MAX_VALUE (9223372036854775807). A JavaScript number cannot hold
 * it, so Tributary's window bounds use END_OF_TIME_MS (Number.MAX_SAFE_INTEGER) for it, as every
 * capped window end already does (window-checks.ts). The wire never carries it: a time-windowed
 * key holds only the window start; where Kafka writes Long.MAX_VALUE as text (the window-store
 * changelog's retention.ms, log lines) Tributary writes 9223372036854775807 too.
 */
import { checkMs, END_OF_TIME_MS, type WindowBounds } from './window-checks.ts';

export class UnlimitedWindows {
  private constructor(
    /** The start of the single window, epoch ms. */
    readonly startMs: number,
  ) {}

  /** An unlimited window starting at time 0. */
  static of(): UnlimitedWindows {
    return new UnlimitedWindows(0);
  }

  /** The same window starting at `start` (a Date or epoch ms, not negative). */
  startOn(start: Date | number): UnlimitedWindows {
    const ms = start instanceof Date ? start.getTime() : start;
    return new UnlimitedWindows(checkMs('UnlimitedWindows.startOn', 'start', ms, 0));
  }

  /** The window containing `timestamp`: the one window when timestamp >= startMs, else none. */
  windowsFor(timestamp: number): Map<number, WindowBounds> {
    const windows = new Map<number, WindowBounds>();
    if (timestamp >= this.startMs) windows.set(this.startMs, { start: this.startMs, end: END_OF_TIME_MS });
    return windows;
  }

  /** Infinite: END_OF_TIME_MS, Tributary's number for Kafka's Long.MAX_VALUE. */
  size(): number {
    return END_OF_TIME_MS;
  }

  gracePeriodMs(): number {
    return 0;
  }

  /** Kafka's equals(): the same start. */
  equals(other: unknown): boolean {
    return other instanceof UnlimitedWindows && other.startMs === this.startMs;
  }

  toString(): string {
    return `UnlimitedWindows{startMs=${this.startMs}}`;
  }
}
