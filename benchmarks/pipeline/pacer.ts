/*
 * Pure helpers of the pipeline suite: a pacer that follows an absolute schedule, the clock the
 * latency workload stamps records with, and a latency summary.
 *
 * Pacer (why absolute time): record i is due at t0 + i / rate. At every tick the producer asks
 * how many records are due by now and sends the difference as one batch. A tick that fires late
 * (timer drift, a busy event loop, GC) therefore sends a bigger batch instead of slowing the rate:
 * after T seconds exactly floor(T × rate) + 1 records have been handed over, whatever the timers
 * did. `lagMs(sent, now)` is how far behind its schedule the oldest record of a batch was when it
 * was handed over — reported so that a harness that could not keep up is visible (coordinated
 * omission), not hidden.
 *
 * Clock: epochMicros() is performance.timeOrigin + performance.now() in µs — monotonic within a
 * process and on the wall-clock scale. Send and receive stamps come from the same process, so the
 * difference is a pure monotonic interval.
 */

export class AbsolutePacer {
  readonly #startMs: number;
  readonly #ratePerMs: number;
  readonly #total: number;

  /**
   * @param startMs   performance.now() value at which record 0 is due
   * @param ratePerSec records per second (> 0)
   * @param total      records in the whole schedule
   */
  constructor(startMs: number, ratePerSec: number, total: number) {
    if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) throw new RangeError(`AbsolutePacer: rate must be a positive number of records/s, got ${ratePerSec}`);
    if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`AbsolutePacer: total must be a whole number >= 0, got ${total}`);
    this.#startMs = startMs;
    this.#ratePerMs = ratePerSec / 1000;
    this.#total = total;
  }

  get total(): number {
    return this.#total;
  }

  /** Records due at `nowMs` (counting from record 0), capped at the total; 0 before the start. */
  dueBy(nowMs: number): number {
    if (nowMs < this.#startMs) return 0;
    const due = Math.floor((nowMs - this.#startMs) * this.#ratePerMs + 1e-9) + 1;
    return Math.min(this.#total, due);
  }

  /** When record `index` is due (performance.now() scale). */
  dueAt(index: number): number {
    return this.#startMs + index / this.#ratePerMs;
  }

  /** How late (ms, ≥ 0) record `index` is when handed over at `nowMs`. */
  lagMs(index: number, nowMs: number): number {
    return Math.max(0, nowMs - this.dueAt(index));
  }
}

/** Epoch microseconds from the monotonic clock (see the header). */
export function epochMicros(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Nearest-rank quantiles of latencies in ms (the array is sorted in place). NaN fields when empty. */
export function summarizeLatencies(latenciesMs: Float64Array): LatencySummary {
  latenciesMs.sort();
  const n = latenciesMs.length;
  const at = (q: number): number => (n === 0 ? Number.NaN : latenciesMs[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += latenciesMs[i]!;
  return { count: n, p50Ms: at(0.5), p99Ms: at(0.99), p999Ms: at(0.999), maxMs: n === 0 ? Number.NaN : latenciesMs[n - 1]!, meanMs: n === 0 ? Number.NaN : sum / n };
}
