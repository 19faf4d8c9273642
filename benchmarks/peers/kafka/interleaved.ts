/*
 * Interleaved side-by-side rounds for the Apache Kafka peer suites, and the rows they report.
 *
 * A round runs every workload on the Kafka broker, then every workload on the bundled broker
 * (round 1: Kafka, Tributary; round 2: Kafka, Tributary; ...), so load from elsewhere on a
 * shared machine falls on both within minutes of each other. Each measurement records the
 * 1-minute load average at its start. What counts is the ratio within a round: the row's
 * `ratio` is the median of the per-round ratios (Tributary ÷ Kafka); the medians of each side
 * are reported beside it, with every round's figure and load average, so a reader can see how
 * noisy the machine was.
 *
 * Invariants: samples keep round order; a side that was not measured (no KAFKA_BOOTSTRAP) has no
 * samples and its row carries the bundled broker's figures alone with a note saying so.
 */
import { loadavg } from 'node:os';
import type { WorkloadResult } from '../../lib/results.ts';
import { median } from '../../lib/suite.ts';

export const SIDES = ['kafka', 'tributary'] as const;
export type Side = (typeof SIDES)[number];

export interface Sample {
  readonly round: number;
  /** records/s */
  readonly value: number;
  /** 1-minute load average when the measurement started. */
  readonly load1: number;
}

/** Samples by workload, per side, in round order. */
export class PeerSamples {
  private readonly bySide = new Map<string, Record<Side, Sample[]>>();

  add(workload: string, side: Side, sample: Sample): void {
    let entry = this.bySide.get(workload);
    if (entry === undefined) {
      entry = { kafka: [], tributary: [] };
      this.bySide.set(workload, entry);
    }
    entry[side].push(sample);
  }

  of(workload: string, side: Side): readonly Sample[] {
    return this.bySide.get(workload)?.[side] ?? [];
  }
}

/** What one side of a round is measured with: its address(es) are closed over by `measure`. */
export interface PeerSide {
  readonly side: Side;
  /** Runs this round's workloads on this side, calling `time` once per workload. */
  measure(round: number, time: Timer): Promise<void>;
}

/** Records one measurement: reads the load average, runs `work` (resolves records/s), logs it. */
export type Timer = (workload: string, work: () => Promise<number>) => Promise<void>;

/** Runs `runs` interleaved rounds over `sides` (in the order given, normally Kafka first). */
export async function runInterleaved(runs: number, sides: readonly PeerSide[]): Promise<PeerSamples> {
  const samples = new PeerSamples();
  for (let round = 1; round <= runs; round++) {
    for (const s of sides) {
      await s.measure(round, async (workload, work) => {
        const load1 = loadavg()[0]!;
        const value = await work();
        samples.add(workload, s.side, { round, value, load1 });
        console.error(`  round ${round}/${runs} ${s.side} ${workload}: ${Math.round(value)} rec/s (load ${load1.toFixed(2)})`);
      });
    }
  }
  return samples;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Per-round ratios numerator ÷ denominator, for the rounds both have (denominator > 0). */
export function roundRatios(numerator: readonly Sample[], denominator: readonly Sample[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of denominator) {
    const n = numerator.find((s) => s.round === d.round);
    if (n !== undefined && d.value > 0) out.set(d.round, n.value / d.value);
  }
  return out;
}

/** Median of the per-round ratios, rounded to 0.01; NaN when no round has both. */
export function medianRatio(numerator: readonly Sample[], denominator: readonly Sample[]): number {
  return round2(median([...roundRatios(numerator, denominator).values()]));
}

/**
 * The row of one workload: Tributary's median as the rate; metrics hold Kafka's median, the
 * median per-round ratio, and every round's figures and load averages.
 */
export function peerRow(workload: string, records: number, recordBytes: number, ours: readonly Sample[], theirs: readonly Sample[]): WorkloadResult {
  const m = median(ours.map((s) => s.value));
  const metrics: Record<string, number> = { runs: ours.length };
  ours.forEach((s) => {
    metrics[`tributaryRun${s.round}`] = Math.round(s.value);
    metrics[`tributaryLoad${s.round}`] = round2(s.load1);
  });
  if (theirs.length > 0) {
    metrics.kafkaRecordsPerSec = Math.round(median(theirs.map((s) => s.value)));
    theirs.forEach((k) => {
      metrics[`kafkaRun${k.round}`] = Math.round(k.value);
      metrics[`kafkaLoad${k.round}`] = round2(k.load1);
    });
    for (const [round, r] of roundRatios(ours, theirs)) metrics[`ratioRun${round}`] = round2(r);
    const ratio = medianRatio(ours, theirs);
    if (!Number.isNaN(ratio)) metrics.ratio = ratio;
  }
  const note =
    theirs.length > 0
      ? 'median of interleaved rounds; ratio = median over rounds of Tributary ÷ Kafka (metrics)'
      : 'no Kafka broker given (KAFKA_BOOTSTRAP): bundled broker only';
  return { workload, records, seconds: records / m, recordsPerSec: m, mbPerSec: (m * recordBytes) / 1e6, metrics, note };
}
