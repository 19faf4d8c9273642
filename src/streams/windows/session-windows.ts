/*
 * SessionWindows: per-key windows of activity separated by gaps of inactivity — Kafka Streams'
 * SessionWindows. A record at ts starts the session [ts, ts]; it merges with every existing
 * session of its key whose range comes within `inactivityGapMs` of ts, i.e. sessions with
 * end >= ts - gap and start <= ts + gap. The merged session spans min(start)..max(end); both
 * bounds are INCLUSIVE, and a session of one record has start = end.
 *
 * Closing: a session is closed once observedStreamTime - grace - gap > sessionEnd; a record
 * whose merged session ends before that close time is dropped (logged and counted).
 */
import type { WindowBounds } from './window-checks.ts';
import { checkMs } from './window-checks.ts';

export class SessionWindows {
  private constructor(
    readonly inactivityGapMs: number,
    readonly graceMs: number,
  ) {}

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    checkMs('SessionWindows.ofInactivityGapWithNoGrace', 'inactivity gap', inactivityGapMs, 1);
    return new SessionWindows(inactivityGapMs, 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    checkMs('SessionWindows.ofInactivityGapAndGrace', 'inactivity gap', inactivityGapMs, 1);
    checkMs('SessionWindows.ofInactivityGapAndGrace', 'grace', graceMs, 0);
    return new SessionWindows(inactivityGapMs, graceMs);
  }

  inactivityGap(): number {
    return this.inactivityGapMs;
  }

  gracePeriodMs(): number {
    return this.graceMs;
  }

  toString(): string {
    return `SessionWindows{inactivityGap=${this.inactivityGapMs}, grace=${this.graceMs}}`;
  }
}

/** The smallest session covering both (Kafka's mergeSessionWindow). */
export function mergeSessionWindows(a: WindowBounds, b: WindowBounds): WindowBounds {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
