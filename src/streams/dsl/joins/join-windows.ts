/*
 * JoinWindows: which records of two streams join — Kafka Streams' JoinWindows. A record of the
 * left stream at time t joins every right record with the same key whose time lies in
 * [t − before, t + after] (both bounds inclusive); symmetrically a right record at t joins left
 * records in [t − after, t + before].
 *
 *   ofTimeDifferenceWithNoGrace(d)   before = after = d, grace = 0
 *   ofTimeDifferenceAndGrace(d, g)   before = after = d, grace = g
 *   before(d) / after(d)             change one side only (may be negative as long as
 *                                    before + after >= 0)
 *
 * Grace is how long after a window closes out-of-order records are still accepted: a record's
 * window store entries are kept for size + grace (size = before + after) of stream time, and a
 * left/outer join emits a record's "no match" result only once stream time passes
 * t + after + grace (left side) or t + before + grace (right side) — Kafka 3.x's spurious-result
 * fix (KIP-633). All durations are whole milliseconds.
 */

function checkMs(what: string, ms: number): number {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`JoinWindows: ${what} must be a whole number of milliseconds, got ${String(ms)}.`);
  return ms;
}

export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
  ) {
    if (beforeMs + afterMs < 0) throw new RangeError(`Window interval (ie, beforeMs+afterMs) must not be negative; got before=${beforeMs} ms, after=${afterMs} ms.`);
    if (graceMs < 0) throw new RangeError(`Grace period must not be negative; got ${graceMs} ms.`);
  }

  /** Records join when their timestamps differ by at most `timeDifferenceMs`; no grace. */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.ofTimeDifferenceAndGrace(timeDifferenceMs, 0);
  }

  /** As ofTimeDifferenceWithNoGrace, accepting records up to `graceMs` late. */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    checkMs('timeDifference', timeDifferenceMs);
    checkMs('grace', graceMs);
    if (timeDifferenceMs < 0) throw new RangeError(`JoinWindows: the time difference must not be negative, got ${timeDifferenceMs} ms.`);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs);
  }

  /** How far back (from a left record) right records may be. */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(checkMs('before', timeDifferenceMs), this.afterMs, this.graceMs);
  }

  /** How far ahead (from a left record) right records may be. */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, checkMs('after', timeDifferenceMs), this.graceMs);
  }

  /** before + after: the span of a join window. */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `JoinWindows{beforeMs=${this.beforeMs}, afterMs=${this.afterMs}, graceMs=${this.graceMs}}`;
  }
}
