/*
 * The streams suite: Kafka Streams' SimpleBenchmark workloads (simple-benchmark.ts) against the
 * bundled broker in its own process.
 *
 * Steps: start `tributary broker --port 0 --group-initial-rebalance-delay-ms 0` on a fresh data
 * dir (0 as in Apache Kafka's shipped config/server.properties, which the peer figures ran on; the
 * code default, 3000 ms, would put a 3 s wait inside every streams workload's clock); load topic ONE (and TWO when a join
 * is selected) — not timed, as in Java's harness; run the selected workloads one after another in
 * this process (optionally under the CPU profiler, writing DIR/<workload>.cpuprofile and a summary
 * DIR/<workload>.md grouped by client / codec / store / scheduling); stop the broker.
 * Default N is SimpleBenchmark's 1,000,000 records of 1 KiB.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { categoryShares, formatSummary, profileDuring, summarize, topBottleneck } from '../lib/cpu-profile.ts';
import { loadTopic } from '../lib/data-loader.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import type { WorkloadResult } from '../lib/results.ts';
import { failedResult, type Reference, type Suite, type SuiteOptions } from '../lib/suite.ts';
import { ALL_WORKLOADS, SOURCE_TOPIC_ONE, SOURCE_TOPIC_TWO } from './simple-benchmark.ts';

export const DEFAULT_RECORDS = 1_000_000;
export const KEY_SPACE = 10_000;
export const VALUE_SIZE = 1024;

const KS = 'Kafka Streams 2.1.1 (in-memory stores)';
/** Kafka Streams 2.1.1 on this class of machine, records/s (BENCHMARKS.md, "Reference figures"). */
const REFERENCES: Readonly<Record<string, Reference>> = {
  consume: { recordsPerSec: 420_000, system: KS },
  streamprocesswithsink: { recordsPerSec: 94_500, system: KS },
  streamprocesswithstatestore: { recordsPerSec: 88_000, system: KS },
  streamcount: { recordsPerSec: 129_500, system: KS },
};

/** Runs one workload under the CPU profiler; its result gains the busy-time shares and the top bottleneck. */
async function profiled(dir: string, name: string, fn: () => Promise<WorkloadResult>): Promise<WorkloadResult> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.cpuprofile`);
  const r = await profileDuring(path, fn);
  const s = summarize(JSON.parse(readFileSync(path, 'utf8')));
  const summary = formatSummary(name, s);
  writeFileSync(join(dir, `${name}.md`), `${summary}\n`);
  console.error(summary);
  const roundedShares = Object.fromEntries(Object.entries(categoryShares(s)).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  const note = [r.note, `profiled; bottleneck: ${topBottleneck(s)}`].filter((x) => x !== undefined).join('; ');
  return { ...r, metrics: { ...r.metrics, ...roundedShares }, note };
}

async function run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
  const records = options.records ?? DEFAULT_RECORDS;
  const workloads = ALL_WORKLOADS.filter((w) => selected.includes(w.name));
  const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
  const results: WorkloadResult[] = [];
  try {
    console.error(`[streams] broker ${broker.bootstrap} (pid ${broker.pid}); loading ${records.toLocaleString('en-US')} records (not timed)…`);
    const base = Date.now() - 2 * records;
    await loadTopic(broker.bootstrap, { topic: SOURCE_TOPIC_ONE, records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 1, baseTimestamp: base });
    if (workloads.some((w) => w.twoInputs)) {
      await loadTopic(broker.bootstrap, { topic: SOURCE_TOPIC_TWO, records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 2, baseTimestamp: base });
    }
    for (const w of workloads) {
      console.error(`[streams] running ${w.name}…`);
      try {
        const ctx = { bootstrap: broker.bootstrap, records, maxWaitMs: options.maxWaitMs };
        const dir = options.profileDir;
        results.push(dir === undefined ? await w.run(ctx) : await profiled(dir, w.name, () => w.run(ctx)));
      } catch (e) {
        console.error(`[streams] ${w.name} FAILED: ${e instanceof Error ? e.stack : String(e)}`);
        results.push(failedResult(w.name, `failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  } finally {
    await broker.stop();
  }
  return results;
}

export const streamsSuite: Suite = {
  name: 'streams',
  description: `Kafka Streams SimpleBenchmark workloads, ${DEFAULT_RECORDS.toLocaleString('en-US')} × ${VALUE_SIZE} B records, 1 partition, one thread`,
  workloads: ALL_WORKLOADS.map((w) => w.name),
  references: REFERENCES,
  inDefaultRun: true,
  run,
};
