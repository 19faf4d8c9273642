/*
 * The last minutes of throughput and lag for the console's charts, sampled by the console
 * itself every `intervalMs` (the broker keeps only running totals).
 *
 * Series (one value per sample, aligned with `times`; null where a series did not exist yet):
 *   topic-in:<topic>    records/s appended by producers (delta of recordsIn over the interval)
 *   group-lag:<group>   the group's total lag (log end − committed, summed over partitions)
 *   app-rate:<app id>   the application's process-rate as its instances last published it
 * At most `capacity` samples are kept (the oldest dropped), so memory is bounded by
 * capacity × series. A series whose topic, group or app is gone stops getting values and is
 * dropped once its window holds only nulls.
 */
export interface HistoryInput {
  readonly topics: readonly { name: string; recordsIn: number; internal: boolean }[];
  readonly groups: readonly { groupId: string; totalLag: number }[];
  readonly apps: readonly { applicationId: string; processRate: number }[];
}

export interface HistoryView {
  readonly intervalMs: number;
  readonly times: readonly number[];
  readonly series: Readonly<Record<string, readonly (number | null)[]>>;
}

export class ConsoleHistory {
  readonly #capacity: number;
  readonly #intervalMs: number;
  readonly #times: number[] = [];
  readonly #series = new Map<string, (number | null)[]>();
  readonly #lastIn = new Map<string, { at: number; total: number }>();

  constructor(opts: { capacity: number; intervalMs: number }) {
    this.#capacity = opts.capacity;
    this.#intervalMs = opts.intervalMs;
  }

  /** Takes one sample at wall-clock `now`. */
  sample(now: number, input: HistoryInput): void {
    const values = new Map<string, number>();
    for (const t of input.topics) {
      if (t.internal) continue;
      const last = this.#lastIn.get(t.name);
      this.#lastIn.set(t.name, { at: now, total: t.recordsIn });
      // The first sample of a topic has no previous total: no rate yet (not a spike).
      if (last !== undefined && now > last.at) values.set(`topic-in:${t.name}`, (Math.max(0, t.recordsIn - last.total) * 1000) / (now - last.at));
    }
    for (const g of input.groups) values.set(`group-lag:${g.groupId}`, g.totalLag);
    for (const a of input.apps) values.set(`app-rate:${a.applicationId}`, a.processRate);

    this.#times.push(now);
    for (const [name, v] of values) if (!this.#series.has(name)) this.#series.set(name, new Array<number | null>(this.#times.length - 1).fill(null));
    for (const [name, list] of this.#series) list.push(values.get(name) ?? null);
    if (this.#times.length > this.#capacity) {
      this.#times.shift();
      for (const [name, list] of this.#series) {
        list.shift();
        if (list.every((v) => v === null)) this.#series.delete(name);
      }
    }
  }

  view(): HistoryView {
    return { intervalMs: this.#intervalMs, times: [...this.#times], series: Object.fromEntries([...this.#series].map(([k, v]) => [k, [...v]])) };
  }
}
