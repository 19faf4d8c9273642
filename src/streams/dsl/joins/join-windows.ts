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
 *   of(d)  (deprecated since 3.0)    before = after = d, grace = max(24 h − 2d, 0), and WITHOUT
 *                                    the spurious-result fix: a left/outer join emits a record's
 *                                    "no match" result at once instead of waiting for its window
 *                                    to close (no outer store) — Kafka's pre-3.0 behaviour
 *   grace(g) (deprecated)            only after of(d): sets the grace, keeps the old behaviour
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

/** The grace of the deprecated JoinWindows.of: 24 h less the window (Kafka's DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD). */
const DEPRECATED_DEFAULT_24_HR_GRACE_MS = 24 * 3600_000;

export class JoinWindows {
  private constructor(
    readonly beforeMs: number,
    readonly afterMs: number,
    readonly graceMs: number,
    /** False only for the deprecated of()/grace(): left/outer joins then emit "no match" results eagerly. */
    readonly spuriousResultFixEnabled = true,
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

  /**
   * @deprecated since Kafka Streams 3.0: use ofTimeDifferenceWithNoGrace or
   * ofTimeDifferenceAndGrace. Records join within `timeDifferenceMs`; the grace is 24 h minus
   * twice the difference (at least 0), and left/outer joins emit unmatched records at once
   * (possibly before a later match: the spurious results KIP-633 removed).
   */
  static of(timeDifferenceMs: number): JoinWindows {
    checkMs('timeDifference', timeDifferenceMs);
    if (timeDifferenceMs < 0) throw new RangeError(`JoinWindows: the time difference must not be negative, got ${timeDifferenceMs} ms.`);
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, Math.max(DEPRECATED_DEFAULT_24_HR_GRACE_MS - timeDifferenceMs * 2, 0), false);
  }

  /**
   * @deprecated since Kafka Streams 3.0: use ofTimeDifferenceAndGrace. Sets the grace of windows
   * made by the deprecated of(); throws on windows from ofTimeDifference*, as Kafka does.
   */
  grace(graceMs: number): JoinWindows {
    if (this.spuriousResultFixEnabled) throw new Error('Cannot call grace() after setting grace value via ofTimeDifferenceAndGrace or ofTimeDifferenceWithNoGrace.');
    return new JoinWindows(this.beforeMs, this.afterMs, checkMs('grace', graceMs), false);
  }

  /** How far back (from a left record) right records may be. */
  before(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(checkMs('before', timeDifferenceMs), this.afterMs, this.graceMs, this.spuriousResultFixEnabled);
  }

  /** How far ahead (from a left record) right records may be. */
  after(timeDifferenceMs: number): JoinWindows {
    return new JoinWindows(this.beforeMs, checkMs('after', timeDifferenceMs), this.graceMs, this.spuriousResultFixEnabled);
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
