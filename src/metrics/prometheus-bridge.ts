/*
 * PrometheusBridge: exposes Kafka-shaped metrics (metric-registry.ts) through a prom-client
 * Registry, so the Prometheus text format, content type and registry merging are prom-client's.
 *
 * Naming (one Prometheus family per Kafka group + name):
 *   tributary_<group without "-metrics">_<name>, every character outside [a-zA-Z0-9_] → '_'
 *   e.g. stream-thread-metrics / process-total → tributary_stream_thread_process_total
 *   tags become labels the same way (thread-id → thread_id).
 * Type: counter for specs marked counter (names ending in -total), gauge otherwise. A metric
 * whose value is a string (the client `state`) becomes value 1 with the string in a label named
 * after the metric: tributary_stream_state{client_id="…",state="RUNNING"} 1.
 *
 * Values are read at scrape time: refresh() takes one snapshot of the source and creates the
 * families not seen before; each family's collect() copies its samples from the latest snapshot
 * (taking a new one when it is older than SNAPSHOT_MS, for registries scraped directly).
 */
import { createRequire } from 'node:module';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { KafkaMetric } from './metric-registry.ts';

const SNAPSHOT_MS = 100;

/** prom-client, loaded on first use (CommonJS, so synchronously): apps that never expose metrics never load it. */
export function promClient(): typeof import('prom-client') {
  return createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
}

export function prometheusName(group: string, name: string, prefix = 'tributary'): string {
  return `${prefix}_${group.replace(/-metrics$/, '')}_${name}`.replace(/[^a-zA-Z0-9_]/g, '_');
}

export function prometheusLabel(tag: string): string {
  const l = tag.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(l) ? `_${l}` : l;
}

interface Family {
  readonly metric: Gauge | Counter;
  readonly counter: boolean;
}

export class PrometheusBridge {
  readonly registry: Registry;
  readonly #source: () => readonly KafkaMetric[];
  readonly #families = new Map<string, Family>();
  #snapshot: { at: number; byFamily: Map<string, KafkaMetric[]> } | undefined;

  /**
   * @param source    the metrics to expose, read at scrape time
   * @param registry  where the families go; default a new private Registry
   */
  constructor(source: () => readonly KafkaMetric[], registry?: Registry) {
    this.#source = source;
    this.registry = registry ?? new (promClient().Registry)();
  }

  /** Takes a snapshot and registers the families it shows for the first time. */
  refresh(): void {
    const byFamily = new Map<string, KafkaMetric[]>();
    for (const m of this.#source()) {
      const name = prometheusName(m.group, m.name);
      let list = byFamily.get(name);
      if (list === undefined) byFamily.set(name, (list = []));
      list.push(m);
    }
    this.#snapshot = { at: Date.now(), byFamily };
    for (const [name, list] of byFamily) if (!this.#families.has(name)) this.#register(name, list[0]!);
  }

  /** The Prometheus text of every family, fresh. */
  async scrape(): Promise<string> {
    this.refresh();
    return this.registry.metrics();
  }

  #register(name: string, first: KafkaMetric): void {
    const labelNames = Object.keys(first.tags).map(prometheusLabel);
    if (typeof first.value === 'string') labelNames.push(prometheusLabel(first.name));
    const counter = first.type === 'counter' && typeof first.value === 'number';
    const bridge = this;
    const config = {
      name,
      help: first.description || `${first.group} ${first.name}`,
      labelNames,
      registers: [this.registry],
      collect(this: Gauge | Counter) {
        bridge.#fill(name, this, counter);
      },
    };
    const prom = promClient();
    const metric = counter ? new prom.Counter(config) : new prom.Gauge(config);
    this.#families.set(name, { metric, counter });
  }

  #fill(name: string, metric: Gauge | Counter, counter: boolean): void {
    if (this.#snapshot === undefined || Date.now() - this.#snapshot.at > SNAPSHOT_MS) this.refresh();
    metric.reset();
    for (const m of this.#snapshot!.byFamily.get(name) ?? []) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.tags)) labels[prometheusLabel(k)] = v;
      let value: number;
      if (typeof m.value === 'string') {
        labels[prometheusLabel(m.name)] = m.value;
        value = 1;
      } else {
        value = m.value;
      }
      if (counter) {
        // A counter only takes finite non-negative increments; totals always are.
        if (Number.isFinite(value) && value >= 0) (metric as Counter).inc(labels, value);
      } else {
        (metric as Gauge).set(labels, value);
      }
    }
  }
}
