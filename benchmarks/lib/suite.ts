/*
 * The contract between `npm run bench` (benchmarks/run.ts) and each group of benchmarks. A suite
 * owns its setup (a broker process, loaded topics, an installed peer) and runs the workloads it
 * is asked for; the runner picks suites, gathers their results into one JSON file and prints one
 * table with each workload's reference figure beside it.
 *
 * Invariants:
 *  - Workload names are unique across suites (the runner resolves `npm run bench -- NAME` by them).
 *  - run() returns one WorkloadResult per selected workload, in `workloads` order; a workload that
 *    cannot run (a missing peer, a failure) still returns a result, with recordsPerSec 0 and a
 *    `note` saying why — the table never silently drops a row.
 *  - A suite stops everything it starts (broker processes, temp dirs) before run() settles.
 *  - Timed numbers come from the suite's own clock around the work; setup stays outside it unless
 *    the workload's definition includes it (SimpleBenchmark counts startup; a comment says so).
 */
import type { WorkloadResult } from './results.ts';

export interface SuiteOptions {
  /** Records per workload where the suite takes a count (--records); undefined = the suite's default. */
  readonly records: number | undefined;
  /** Give up on one workload after this long, reporting what was done with a note. */
  readonly maxWaitMs: number;
  /** Write a CPU profile and its summary per workload here (suites that support it). */
  readonly profileDir: string | undefined;
  /** Repetitions per workload where the suite reports medians (--runs); undefined = default. */
  readonly runs: number | undefined;
}

/** A figure to print beside Tributary's, and what it is. */
export interface Reference {
  readonly recordsPerSec: number;
  /** e.g. "Kafka Streams 2.1.1", "librdkafka on Apache Kafka 2.1.1". */
  readonly system: string;
}

export interface Suite {
  /** Also a selector: `npm run bench -- broker` runs the whole suite. */
  readonly name: string;
  /** One line for `npm run bench -- --list`. */
  readonly description: string;
  readonly workloads: readonly string[];
  /** Reference figures by workload name (BENCHMARKS.md, "Reference figures"); a workload without one shows "–". */
  readonly references: Readonly<Record<string, Reference>>;
  /** Whether `npm run bench` with no names includes this suite (false for ones needing extra setup). */
  readonly inDefaultRun: boolean;
  run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]>;
}

/** A result row for a workload that did not produce a measurement. */
export function failedResult(workload: string, why: string): WorkloadResult {
  return { workload, records: 0, seconds: 0, recordsPerSec: 0, mbPerSec: 0, note: why };
}

/** The value at quantile q (0..1) of an ascending array, nearest-rank; NaN when empty. */
export function quantile(sortedAscending: readonly number[], q: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil(q * sortedAscending.length) - 1));
  return sortedAscending[rank]!;
}

/** Median of samples (any order). */
export function median(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
