/*
 * MetricRegistry: in-process metrics in Kafka's shape — each metric is (name, group, tags) with a
 * value and a description, as Kafka's `KafkaStreams.metrics()` returns them — read on demand.
 *
 * Recording is cheap by construction: the code being measured owns plain counters or a
 * WindowedStat (windowed-stat.ts) and the registry only holds *readers* of them, called when
 * someone asks (metrics(), a Prometheus scrape). Nothing is computed per record here.
 *
 * Levels (Kafka's metrics.recording.level): INFO < DEBUG < TRACE. A metric whose level is above
 * the configured one is never registered, and the instrumented code asks shouldRecord(level)
 * once, when it sets up, to skip clock reads and sensors entirely (the INFO path stays cheap).
 *
 * Scopes own the metrics of one thing that comes and goes (a task, a store, a thread): closing
 * a scope removes its metrics. Collectors add metrics whose set changes (one per partition).
 */
import { DEFAULT_STAT_WINDOW, WindowedStat, type StatReading, type StatWindowConfig } from './windowed-stat.ts';

export const RecordingLevels = ['INFO', 'DEBUG', 'TRACE'] as const;
export type RecordingLevel = (typeof RecordingLevels)[number];

export type MetricValue = number | string;
export type MetricTags = Readonly<Record<string, string>>;

/** One metric as read: Kafka's MetricName (name, group, tags) plus its value. */
export interface KafkaMetric {
  readonly name: string;
  readonly group: string;
  readonly tags: MetricTags;
  readonly description: string;
  readonly value: MetricValue;
  /** Prometheus type: counter (a total that only grows) or gauge. */
  readonly type: 'counter' | 'gauge';
}

/** What a metric is, independent of its tags (the catalog lists these). */
export interface MetricSpec {
  readonly name: string;
  readonly group: string;
  readonly level: RecordingLevel;
  readonly description: string;
  /** Prometheus type: a `*-total` that only grows is a counter; everything else a gauge. */
  readonly type: 'counter' | 'gauge';
}

/** Which reading of a WindowedStat a metric shows. */
export type StatPart = keyof StatReading;

interface Entry {
  readonly spec: MetricSpec;
  readonly tags: MetricTags;
  readonly read: (now: number) => MetricValue;
}

export interface MetricRegistryOptions {
  readonly level?: RecordingLevel;
  readonly window?: StatWindowConfig;
  /** Wall clock in ms (the test driver passes its mock clock). */
  readonly now?: () => number;
}

export class MetricRegistry {
  readonly level: RecordingLevel;
  readonly window: StatWindowConfig;
  readonly now: () => number;
  readonly #entries = new Set<Entry>();
  readonly #collectors = new Set<(now: number) => Iterable<KafkaMetric>>();

  constructor(options: MetricRegistryOptions = {}) {
    this.level = options.level ?? 'INFO';
    this.window = options.window ?? DEFAULT_STAT_WINDOW;
    this.now = options.now ?? Date.now;
  }

  /** Whether metrics of `level` are recorded at the configured level. */
  shouldRecord(level: RecordingLevel): boolean {
    return RecordingLevels.indexOf(level) <= RecordingLevels.indexOf(this.level);
  }

  /** A group of metrics sharing `tags`, removed together by close(). */
  scope(tags: MetricTags): MetricScope {
    return new MetricScope(this, tags);
  }

  /** Metrics computed at read time (per-partition lag …); returns the remover. */
  collector(fn: (now: number) => Iterable<KafkaMetric>): () => void {
    this.#collectors.add(fn);
    return () => this.#collectors.delete(fn);
  }

  /** @internal used by scopes */
  add(entry: Entry): () => void {
    this.#entries.add(entry);
    return () => this.#entries.delete(entry);
  }

  /** Every registered metric with its current value. */
  metrics(): KafkaMetric[] {
    const now = this.now();
    const out: KafkaMetric[] = [];
    for (const e of this.#entries) {
      out.push({ name: e.spec.name, group: e.spec.group, tags: e.tags, description: e.spec.description, value: e.read(now), type: e.spec.type });
    }
    for (const c of this.#collectors) for (const m of c(now)) out.push(m);
    return out;
  }
}

export class MetricScope {
  readonly #registry: MetricRegistry;
  readonly tags: MetricTags;
  readonly #removers: Array<() => void> = [];

  constructor(registry: MetricRegistry, tags: MetricTags) {
    this.#registry = registry;
    this.tags = tags;
  }

  get registry(): MetricRegistry {
    return this.#registry;
  }

  /** Registers a metric read by `read` (skipped when its level is not recorded). */
  gauge(spec: MetricSpec, read: (now: number) => MetricValue, extraTags?: MetricTags): void {
    if (!this.#registry.shouldRecord(spec.level)) return;
    const tags = extraTags === undefined ? this.tags : { ...this.tags, ...extraTags };
    this.#removers.push(this.#registry.add({ spec, tags, read }));
  }

  /**
   * A new WindowedStat shown as the given metrics, e.g. { 'process-rate': 'rate', … } resolved
   * against `specs`. Reads of the parts of one stat at one instant share one read().
   */
  stat(parts: ReadonlyArray<readonly [MetricSpec, StatPart]>, extraTags?: MetricTags): WindowedStat {
    const stat = new WindowedStat(this.#registry.now(), this.#registry.window);
    let last: { now: number; reading: StatReading } | undefined;
    const reading = (now: number): StatReading => {
      if (last === undefined || last.now !== now) last = { now, reading: stat.read(now) };
      return last.reading;
    };
    for (const [spec, part] of parts) this.gauge(spec, (now) => reading(now)[part], extraTags);
    return stat;
  }

  /** Removes every metric of this scope. */
  close(): void {
    for (const remove of this.#removers.splice(0)) remove();
  }
}

/**
 * The value of the metric `group`/`name` whose tags include `tags`; when several match (one per
 * task, say) numeric values are summed. undefined when none matches.
 */
export function metricValue(metrics: readonly KafkaMetric[], group: string, name: string, tags: MetricTags = {}): MetricValue | undefined {
  let found: MetricValue | undefined;
  for (const m of metrics) {
    if (m.group !== group || m.name !== name) continue;
    if (!Object.entries(tags).every(([k, v]) => m.tags[k] === v)) continue;
    found = found === undefined ? m.value : typeof found === 'number' && typeof m.value === 'number' ? found + m.value : m.value;
  }
  return found;
}
