/*
 * `npm run bench` — every benchmark suite, one results file, one table side by side with the
 * systems Tributary is compared with (Apache Kafka and Kafka Streams 2.1.1, nodefluent kafka-streams;
 * the figures and where they come from are in BENCHMARKS.md).
 *
 *   npm run bench                                  every suite in the default run
 *   npm run bench -- streamcount consume           only those workloads
 *   npm run bench -- broker                        a whole suite (streams, async, broker, pipeline, package, peer)
 *   npm run bench -- --list                        suites and workload names
 *   options: --records N     records per workload (each suite has its own default; streams: 1M)
 *            --runs K        repetitions where a suite reports medians (broker: 3)
 *            --max-wait-s S  give up on one workload after S s (default 600)
 *            --profile-dir D CPU-profile each streams workload's timed phase: D/<workload>.cpuprofile
 *                            and D/<workload>.md, a summary by client / codec / store / scheduling
 *
 * Suites run one after another (never two at once: the machine has 2 cores and every figure
 * would be wrong). Each suite starts and stops its own broker process. The results file is
 * benchmarks/results/bench-<ISO time>.json, rewritten after each suite so an abort keeps what
 * finished. The hot-path micro-benchmarks (protocol-codec.ts, log-append.ts, state-store.ts) run
 * on their own: `node bin/run-ts.js benchmarks/<script>.ts`.
 */
import { resolve } from 'node:path';
import { newResultFile, writeResultFile, type WorkloadResult } from './lib/results.ts';
import type { Reference, Suite, SuiteOptions } from './lib/suite.ts';
import { brokerSuite } from './broker/suite.ts';
import { packageSuite } from './package/suite.ts';
import { peerSuite } from './peers/suite.ts';
import { kafkaPeerSuite } from './peers/kafka/suite.ts';
import { kafkaSecurityPeerSuite } from './peers/kafka/security-suite.ts';
import { kafkaStreamsPeerSuite } from './peers/kafka/streams-suite.ts';
import { kafkaTxnPeerSuite } from './peers/kafka/txn-suite.ts';
import { pipelineSuite } from './pipeline/suite.ts';
import { streamsSuite } from './streams/suite.ts';
import { asyncSuite } from './streams/async-enrichment.ts';

/** In run order. */
export const SUITES: readonly Suite[] = [streamsSuite, asyncSuite, brokerSuite, pipelineSuite, packageSuite, peerSuite, kafkaPeerSuite, kafkaTxnPeerSuite, kafkaSecurityPeerSuite, kafkaStreamsPeerSuite];

interface Args extends SuiteOptions {
  readonly names: readonly string[];
  readonly list: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let records: number | undefined;
  let runs: number | undefined;
  let maxWaitMs = 600_000;
  let profileDir: string | undefined;
  let list = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const positive = (what: string, v: number): number => {
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${what} must be a positive whole number, got ${v}`);
      return v;
    };
    if (a === '--records') records = positive('--records', Number(value()));
    else if (a === '--runs') runs = positive('--runs', Number(value()));
    else if (a === '--max-wait-s') maxWaitMs = positive('--max-wait-s', Number(value())) * 1000;
    else if (a === '--profile-dir') profileDir = resolve(value());
    else if (a === '--list') list = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}; see the comment at the top of benchmarks/run.ts`);
    else names.push(a.toLowerCase());
  }
  return { records, runs, maxWaitMs, profileDir, list, names };
}

/** Suite → the workloads of it that were asked for (a suite name selects all of its workloads). */
function select(names: readonly string[]): Map<Suite, string[]> {
  const chosen = new Map<Suite, string[]>();
  if (names.length === 0) {
    for (const s of SUITES) if (s.inDefaultRun) chosen.set(s, [...s.workloads]);
    return chosen;
  }
  for (const name of names) {
    const suite = SUITES.find((s) => s.name === name);
    if (suite !== undefined) {
      chosen.set(suite, [...suite.workloads]);
      continue;
    }
    const owner = SUITES.find((s) => s.workloads.includes(name));
    if (owner === undefined) throw new Error(`unknown benchmark "${name}"; run npm run bench -- --list for the suites and workloads`);
    const list = chosen.get(owner) ?? [];
    if (!list.includes(name)) list.push(name);
    chosen.set(owner, list);
  }
  // Keep each suite's own workload order, and the suites' run order.
  return new Map(SUITES.filter((s) => chosen.has(s)).map((s) => [s, s.workloads.filter((w) => chosen.get(s)!.includes(w))]));
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function metricsText(r: WorkloadResult): string {
  const parts: string[] = [];
  if (r.p50Ms !== undefined) parts.push(`p50 ${r.p50Ms.toFixed(1)} ms`);
  if (r.p99Ms !== undefined) parts.push(`p99 ${r.p99Ms.toFixed(1)} ms`);
  // Profile shares (…Pct) stay in the JSON; the table's note names the bottleneck.
  for (const [k, v] of Object.entries(r.metrics ?? {})) if (!k.endsWith('Pct')) parts.push(`${k} ${Number.isInteger(v) ? v : v.toFixed(1)}`);
  return parts.join(', ');
}

/** The Markdown table: Tributary's figure, the reference beside it and their ratio. */
export function sideBySide(rows: readonly { suite: string; result: WorkloadResult; reference: Reference | undefined }[]): string {
  const lines = [
    '| suite | workload | records | records/s | MB/s | latency / other | reference rec/s | ratio | reference system | note |',
    '|---|---|---:|---:|---:|---|---:|---:|---|---|',
  ];
  for (const { suite, result: r, reference: ref } of rows) {
    const rate = r.recordsPerSec > 0 ? fmt(r.recordsPerSec) : '–';
    const ratio = ref !== undefined && r.recordsPerSec > 0 ? `${(r.recordsPerSec / ref.recordsPerSec).toFixed(2)}×` : '–';
    lines.push(
      `| ${suite} | ${r.workload} | ${r.records > 0 ? fmt(r.records) : '–'} | ${rate} | ${r.recordsPerSec > 0 ? r.mbPerSec.toFixed(1) : '–'} | ${metricsText(r)} | ${ref === undefined ? '–' : fmt(ref.recordsPerSec)} | ${ratio} | ${ref?.system ?? ''} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const s of SUITES) {
      console.log(`${s.name}${s.inDefaultRun ? '' : ' (not in the default run)'} — ${s.description}`);
      for (const w of s.workloads) console.log(`  ${w}`);
    }
    return;
  }
  const chosen = select(args.names);
  const file = newResultFile('bench', {
    records: args.records ?? 'suite default',
    runs: args.runs ?? 'suite default',
    maxWaitMs: args.maxWaitMs,
    suites: Object.fromEntries([...chosen].map(([s, w]) => [s.name, w])),
  });
  const rows: { suite: string; result: WorkloadResult; reference: Reference | undefined }[] = [];
  for (const [suite, workloads] of chosen) {
    console.error(`== suite ${suite.name}: ${workloads.join(', ')}`);
    const results = await suite.run(workloads, args);
    for (const r of results) {
      const reference = suite.references[r.workload];
      file.results.push({ ...r, suite: suite.name, ...(reference === undefined ? {} : { reference }) });
      rows.push({ suite: suite.name, result: r, reference });
      console.error(`  ${r.workload}: ${r.recordsPerSec > 0 ? `${fmt(r.recordsPerSec)} records/s` : ''} ${metricsText(r)}${r.note ? ` — ${r.note}` : ''}`);
    }
    writeResultFile(file);
  }
  const path = writeResultFile(file);
  console.log(`\nTributary benchmarks, commit ${file.commit}, Node ${file.node}, ${file.cpus} × ${file.cpuModel}\n`);
  console.log(sideBySide(rows));
  console.log(`\nresults: ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
