/*
 * Argument checks and shared shapes for window definitions (TimeWindows, SlidingWindows,
 * SessionWindows). Durations are whole milliseconds as `number` (Kafka takes Duration; we take
 * ms so that `TimeWindows.ofSizeWithNoGrace(10_000)` reads plainly). Every check names the
 * factory and the bad value so the user sees which call to fix.
 *
 * Bounds: window starts and ends are epoch ms. Computed ends are capped at END_OF_TIME_MS
 * (Number.MAX_SAFE_INTEGER), which stands for Kafka's cap Long.MAX_VALUE; where Kafka writes that
 * value as text (a changelog's retention.ms, a log line) `longMsText` writes 9223372036854775807.
 */
import type { WindowBounds } from '../serde/windowed-serdes.ts';

export type { WindowBounds };

/** Throws unless `value` is a safe integer ≥ `min`. */
export function checkMs(where: string, what: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    const need = min === 0 ? 'a non-negative' : 'a positive';
    throw new RangeError(`${where}: ${what} must be ${need} whole number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/** The end of time in window bounds: Tributary's number for Kafka's Long.MAX_VALUE. */
export const END_OF_TIME_MS = Number.MAX_SAFE_INTEGER;

/** Kafka's Long.MAX_VALUE, exactly. */
const LONG_MAX = 9223372036854775807n;

/** a + b, capped at END_OF_TIME_MS (window ends near the end of time). */
export function cappedAdd(a: number, b: number): number {
  return a > END_OF_TIME_MS - b ? END_OF_TIME_MS : a + b;
}

/**
 * a + b milliseconds as decimal text, as Kafka computes it in longs: END_OF_TIME_MS in either
 * operand is Long.MAX_VALUE, and a sum past Long.MAX_VALUE is Long.MAX_VALUE (Kafka's
 * Math.addExact overflow fallback for the window changelog's retention.ms).
 */
export function longMsText(a: number, b = 0): string {
  if (a >= END_OF_TIME_MS || b >= END_OF_TIME_MS) return LONG_MAX.toString();
  const sum = BigInt(a) + BigInt(b);
  return (sum > LONG_MAX ? LONG_MAX : sum).toString();
}

/** "[start,end)" for time windows, "[start,end]" for sliding and session windows (log lines). */
export function formatWindow(bounds: WindowBounds, endInclusive: boolean): string {
  return `[${bounds.start},${longMsText(bounds.end)}${endInclusive ? ']' : ')'}`;
}

/** What the time-window aggregate needs of its windows: TimeWindows and UnlimitedWindows. */
export interface FixedSizeWindows {
  windowsFor(timestamp: number): Map<number, WindowBounds>;
  size(): number;
  gracePeriodMs(): number;
}
