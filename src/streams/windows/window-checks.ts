/*
 * Argument checks and shared shapes for window definitions (TimeWindows, SlidingWindows,
 * SessionWindows). Durations are whole milliseconds as `number` (Kafka takes Duration; we take
 * ms so that `TimeWindows.ofSizeWithNoGrace(10_000)` reads plainly). Every check names the
 * factory and the bad value so the user sees which call to fix.
 *
 * Bounds: window starts and ends are epoch ms. Computed ends are capped at
 * Number.MAX_SAFE_INTEGER, as Kafka caps them at Long.MAX_VALUE.
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

/** a + b, capped at Number.MAX_SAFE_INTEGER (window ends near the end of time). */
export function cappedAdd(a: number, b: number): number {
  return a > Number.MAX_SAFE_INTEGER - b ? Number.MAX_SAFE_INTEGER : a + b;
}

/** "[start,end)" for time windows, "[start,end]" for sliding and session windows (log lines). */
export function formatWindow(bounds: WindowBounds, endInclusive: boolean): string {
  return `[${bounds.start},${bounds.end}${endInclusive ? ']' : ')'}`;
}
