/*
 * The broker throughput matrix as data: which workloads exist, what each one measures, the order
 * the runs execute in, and how per-run samples become one result row. Pure (no I/O), so the
 * naming and the interleaving are unit-tested (test/benchmarks/broker/matrix.test.ts).
 *
 * Workload names:  produce-<client>-<size>-acks<1|all>   e.g. produce-librdkafka-100b-acks1
 *                  fetch-<client>-<size>                  e.g. fetch-kafkajs-1kib
 * clients kafkajs | librdkafka | wire (the project's own wire client), sizes 100b | 1kib.
 *
 * Execution plan: one *step* per (run, size, acks, client): a fresh 1-partition topic that the
 * client produces into (timed when the produce workload is selected) and, for acks=all only, the
 * same client then fetches back (the fetch workload). A fetch selected without its acks=all
 * produce still produces first, untimed, so a fetch always reads what its own client wrote (the
 * batch shapes a client writes are part of what its fetch measures, as with Kafka's perf tools).
 * Steps run run-by-run (run 1 of every workload, then run 2, …) and the client order rotates
 * from run to run, so machine noise and warm-up spread over all clients instead of hitting one
 * pass (librdkafka's consumer varies a lot from run to run).
 *
 * Rows: the median seconds over the runs (records per run are equal, so this is the median rate
 * for an odd number of runs), with the min/max rate in `metrics` and the note, and the median
 * broker CPU time per MB of value bytes (`brokerCpuMsPerMB`) when the runs measured it.
 */
import { median } from '../lib/suite.ts';
import { result, type WorkloadResult } from '../lib/results.ts';

export const CLIENTS = ['kafkajs', 'librdkafka', 'wire'] as const;
export type Client = (typeof CLIENTS)[number];

export const SIZES = [
  { label: '100b', bytes: 100 },
  { label: '1kib', bytes: 1024 },
] as const;
export type SizeLabel = (typeof SIZES)[number]['label'];

export type Acks = 1 | -1;
const ACKS: readonly Acks[] = [1, -1];

export interface ThroughputCase {
  readonly name: string;
  readonly op: 'produce' | 'fetch';
  readonly client: Client;
  readonly size: SizeLabel;
  readonly valueBytes: number;
  /** Produce only; fetch cases read the acks=all topic. */
  readonly acks: Acks | null;
}

export function produceName(client: Client, size: SizeLabel, acks: Acks): string {
  return `produce-${client}-${size}-acks${acks === -1 ? 'all' : '1'}`;
}

export function fetchName(client: Client, size: SizeLabel): string {
  return `fetch-${client}-${size}`;
}

/** Every throughput workload, in table order (size, then client, then produce acks1/all, fetch). */
export const THROUGHPUT_CASES: readonly ThroughputCase[] = SIZES.flatMap((s) =>
  CLIENTS.flatMap((client): ThroughputCase[] => [
    ...ACKS.map((acks): ThroughputCase => ({ name: produceName(client, s.label, acks), op: 'produce', client, size: s.label, valueBytes: s.bytes, acks })),
    { name: fetchName(client, s.label), op: 'fetch', client, size: s.label, valueBytes: s.bytes, acks: null },
  ]),
);

/** Records per run when --records is not given: 200k × 100 B (20 MB), 100k × 1 KiB (102 MB). */
export function defaultRecords(valueBytes: number): number {
  return valueBytes <= 100 ? 200_000 : 100_000;
}

export interface Step {
  readonly run: number;
  readonly client: Client;
  readonly size: SizeLabel;
  readonly valueBytes: number;
  readonly acks: Acks;
  /** The produce workload this step times, or null when the produce is only a load for a fetch. */
  readonly produce: string | null;
  /** The fetch workload this step times afterwards, or null. */
  readonly fetch: string | null;
}

/** `clients` rotated left by `by` (run r starts with client r mod n). */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** The ordered steps that measure `selected` (names from THROUGHPUT_CASES) `runs` times each. */
export function planSteps(selected: readonly string[], runs: number): Step[] {
  const want = new Set(selected);
  const steps: Step[] = [];
  for (let run = 0; run < runs; run++) {
    for (const s of SIZES) {
      for (const acks of ACKS) {
        for (const client of rotate(CLIENTS, run)) {
          const produce = produceName(client, s.label, acks);
          const fetch = acks === -1 ? fetchName(client, s.label) : null;
          const timedProduce = want.has(produce) ? produce : null;
          const timedFetch = fetch !== null && want.has(fetch) ? fetch : null;
          if (timedProduce === null && timedFetch === null) continue;
          steps.push({ run, client, size: s.label, valueBytes: s.bytes, acks, produce: timedProduce, fetch: timedFetch });
        }
      }
    }
  }
  return steps;
}

export interface Sample {
  readonly workload: string;
  readonly records: number;
  readonly valueBytes: number;
  readonly seconds: number;
  /** CPU time the broker process used during the run (all threads), when it was measured. */
  readonly brokerCpuMs?: number;
}

function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1000)}k`;
}

/**
 * One row from a workload's samples: median seconds, MB/s of value bytes, min/max rate. `failures`
 * (messages of runs that failed) go into the note; no samples at all gives a failed row.
 */
export function summarizeSamples(workload: string, samples: readonly Sample[], failures: readonly string[] = []): WorkloadResult {
  const mine = samples.filter((s) => s.workload === workload);
  const failedNote = failures.length > 0 ? `${failures.length} run(s) failed: ${failures[0]}` : '';
  if (mine.length === 0) {
    return { workload, records: 0, seconds: 0, recordsPerSec: 0, mbPerSec: 0, note: failedNote || 'not run' };
  }
  const records = mine[0]!.records;
  const seconds = median(mine.map((s) => s.seconds));
  const rates = mine.map((s) => s.records / s.seconds);
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  const note = [`median of ${mine.length} run(s), range ${fmtRate(min)}–${fmtRate(max)} rec/s`, failedNote].filter((x) => x !== '').join('; ');
  // Broker CPU per MB of value bytes: on a shared machine a steadier figure than records/s.
  const cpu = mine.flatMap((s) => (s.brokerCpuMs === undefined ? [] : [s.brokerCpuMs / ((s.records * s.valueBytes) / 1e6)]));
  const metrics: Record<string, number> = { runs: mine.length, minRecordsPerSec: Math.round(min), maxRecordsPerSec: Math.round(max) };
  if (cpu.length > 0) metrics.brokerCpuMsPerMB = Math.round(median(cpu) * 1000) / 1000;
  return result(workload, records, records * mine[0]!.valueBytes, seconds, {
    metrics,
    note,
  });
}
