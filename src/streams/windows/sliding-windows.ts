/*
 * SlidingWindows: windows of a fixed time difference that exist only where records are — Kafka
 * Streams' SlidingWindows (KIP-450). Two records fall into one window when their timestamps
 * differ by at most `timeDifferenceMs`. Both bounds are INCLUSIVE: a window [start, end] has
 * end = start + timeDifference and contains every record with start <= ts <= end.
 *
 * For each record at ts the aggregate processor (dsl/windowed/sliding-window-aggregate.ts)
 * maintains the record's LEFT window [ts - d, ts] (ends at the record), its RIGHT window
 * [ts + 1, ts + 1 + d] (starts just after it; created only when a later record exists within d),
 * and the right window of the previous record, so that every distinct set of records within d
 * of each other has exactly one window. Records with ts < d go into the window [0, d] instead
 * of a left window with a negative start.
 *
 * A time difference of 0 is rejected here (Kafka accepts it but then fails on the first record,
 * because its windows would have start = end).
 *
 * Closing: a window is closed once observedStreamTime - grace > windowEnd (note: STRICTLY
 * greater — Kafka drops a sliding-window record when windowEnd < closeTime, since the end is
 * inclusive).
 */
import { checkMs } from './window-checks.ts';

export class SlidingWindows {
  private constructor(
    readonly timeDifferenceMs: number,
    readonly graceMs: number,
  ) {}

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    checkMs('SlidingWindows.ofTimeDifferenceWithNoGrace', 'time difference', timeDifferenceMs, 1);
    return new SlidingWindows(timeDifferenceMs, 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    checkMs('SlidingWindows.ofTimeDifferenceAndGrace', 'time difference', timeDifferenceMs, 1);
    checkMs('SlidingWindows.ofTimeDifferenceAndGrace', 'grace', graceMs, 0);
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SlidingWindows{timeDifference=${this.timeDifferenceMs}, grace=${this.graceMs}}`;
  }
}
