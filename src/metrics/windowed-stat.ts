/*
 * WindowedStat: one sensor's numbers — a cumulative count and sum, plus the windowed views Kafka's
 * metrics report (rate, avg, max, min over the last sample windows; Kafka's
 * metrics.sample.window.ms and metrics.num.samples, default 30 s × 2).
 *
 * The per-record path is plain field updates (no clock read, no allocation): record(v) adds one
 * value, recordMany(n, total) adds n events whose values sum to `total` (a batch of n records
 * that took `total` ms: max/min see the batch's mean). Windows roll only when a reader looks
 * (read(now)), so nothing runs on a timer:
 *
 *   samples  closed windows, oldest first, at most numSamples - 1 of them; each keeps the count
 *            and sum at its start and the max/min of values recorded while it was current
 *   current  the open window: started at `start`, baseline count0/sum0, max/min so far
 *   read(now): while the open window is older than windowMs, close it and open one at `now`;
 *            then rate = (count - oldest.count0) / seconds since oldest.start,
 *            avg = (sum - oldest.sum0) / (count - oldest.count0), max/min over every window.
 * Invariant: rate, avg, max and min cover at least the last windowMs and at most the time since
 * the previous read plus (numSamples - 1) windows; with no event in that span avg/max/min are NaN
 * (Kafka reports NaN too) and rate is 0.
 */

export interface StatWindowConfig {
  /** Length of one sample window in ms (Kafka: metrics.sample.window.ms, default 30000). */
  readonly windowMs: number;
  /** Windows kept, the open one included (Kafka: metrics.num.samples, default 2). */
  readonly numSamples: number;
}

export const DEFAULT_STAT_WINDOW: StatWindowConfig = { windowMs: 30_000, numSamples: 2 };

export interface StatReading {
  /** Events since creation. */
  readonly total: number;
  /** Sum of recorded values since creation. */
  readonly sum: number;
  /** Events per second over the windows. */
  readonly rate: number;
  readonly avg: number;
  readonly max: number;
  readonly min: number;
}

interface Sample {
  readonly start: number;
  readonly count0: number;
  readonly sum0: number;
  readonly max: number;
  readonly min: number;
}

export class WindowedStat {
  count = 0;
  sum = 0;
  #max = -Infinity;
  #min = Infinity;
  #start: number;
  #count0 = 0;
  #sum0 = 0;
  readonly #samples: Sample[] = [];
  readonly #config: StatWindowConfig;

  constructor(now: number, config: StatWindowConfig = DEFAULT_STAT_WINDOW) {
    this.#start = now;
    this.#config = config;
  }

  /** One event with value `v` (a latency, a lateness, a ratio …). */
  record(v: number): void {
    this.count++;
    this.sum += v;
    if (v > this.#max) this.#max = v;
    if (v < this.#min) this.#min = v;
  }

  /** `n` events whose values sum to `total`; max/min see their mean. n = 0 is ignored. */
  recordMany(n: number, total: number): void {
    if (n <= 0) return;
    this.count += n;
    this.sum += total;
    const mean = total / n;
    if (mean > this.#max) this.#max = mean;
    if (mean < this.#min) this.#min = mean;
  }

  /** Events without a value (a counter): only count and rate are meaningful. */
  add(n = 1): void {
    this.count += n;
  }

  /** The value of an event already counted by add() (an operation counted, then timed). */
  observe(v: number): void {
    this.sum += v;
    if (v > this.#max) this.#max = v;
    if (v < this.#min) this.#min = v;
  }

  read(now: number): StatReading {
    this.#roll(now);
    const oldest = this.#samples[0];
    const start = oldest?.start ?? this.#start;
    const count0 = oldest?.count0 ?? this.#count0;
    const sum0 = oldest?.sum0 ?? this.#sum0;
    let max = this.#max;
    let min = this.#min;
    for (const s of this.#samples) {
      if (s.max > max) max = s.max;
      if (s.min < min) min = s.min;
    }
    const n = this.count - count0;
    const seconds = Math.max(now - start, 1) / 1000;
    return {
      total: this.count,
      sum: this.sum,
      rate: n / seconds,
      avg: n > 0 ? (this.sum - sum0) / n : Number.NaN,
      max: max === -Infinity ? Number.NaN : max,
      min: min === Infinity ? Number.NaN : min,
    };
  }

  #roll(now: number): void {
    if (now - this.#start < this.#config.windowMs) return;
    this.#samples.push({ start: this.#start, count0: this.#count0, sum0: this.#sum0, max: this.#max, min: this.#min });
    while (this.#samples.length > this.#config.numSamples - 1) this.#samples.shift();
    this.#start = now;
    this.#count0 = this.count;
    this.#sum0 = this.sum;
    this.#max = -Infinity;
    this.#min = Infinity;
  }
}
