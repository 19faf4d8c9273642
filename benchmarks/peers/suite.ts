/*
 * The peer suite (issue 7, part 4): the nodefluent `kafka-streams` package (5.0.0, native client
 * node-rdkafka 2.15.0 on Debian's librdkafka 2.0.2) running SimpleBenchmark's stateless-sink and
 * count workloads against the bundled broker, so the table shows the Node peer next to Tributary
 * on the same broker, and next to the peer's own figures on Apache Kafka (BENCHMARKS.md, "Reference figures").
 *
 * The peer lives in benchmarks/peers/nodefluent/ with its own package.json and node_modules,
 * installed by that folder's setup.sh — never by the root `npm ci` (CI has no librdkafka-dev).
 * When it is not installed, every workload returns a failed row saying how to install it, and
 * the suite is left out of the default run (`inDefaultRun` is decided when this module loads).
 *
 * Steps: start `tributary broker --port 0 --group-initial-rebalance-delay-ms 0` in its own
 * process (the streams suite does the same, so group joins inside the clock cost the same); load
 * SimpleBenchmark's input (not timed): N records, 1 partition, int keys uniform over 10,000, one
 * random 1 KiB value, seed 1; then for each selected workload and each run start peer.js as a
 * child process (plain JS, its own node_modules) with a fresh consumer group (so it reads from
 * offset 0) and, for the sink, a fresh sink topic; read the one JSON line it prints (its own clock,
 * its own peak RSS and CPU: see peer-report.ts) and the broker's CPU over the run from /proc
 * (proc-cpu.ts); stop the broker. CPU beside wall time tells a contended or waiting run (the
 * machine is shared) from a busy one.
 *
 * Workloads:
 *  - peer-nodefluent-streamprocesswithsink: source → tap (count) → map to {key, value} → to(sink),
 *    batchOptions mode. records/s by the N-th record seen (as SimpleBenchmark); the time until every
 *    sink record is acknowledged is in metrics (ackedSeconds, ackedRecordsPerSec).
 *  - peer-nodefluent-streamcount: source → map (IntegerDeserializer) → countByKey (in-memory
 *    KStorage, no changelog: the peer has none) → forEach (count). records/s by the N-th record out
 *    of countByKey.
 *  - peer-nodefluent-asyncenrichment-c1 / -c16 / -c128 / -unbounded: the async suite's pipeline
 *    (benchmarks/streams/async-enrichment.ts: its own input, 100 B values, its N per concurrency)
 *    — source → await a 5 ms timer per record → to(sink); records/s by the N-th record out of
 *    the async operator. c1 is KStream.concatMap; c16/c128 are most.js' mergeConcurrently on the
 *    KStream's stream$ (kafka-streams' DSL cannot bound concurrency); unbounded is KStream.asyncMap,
 *    the DSL's own async operator (see peer.js). Run beside `npm run bench -- async`.
 * With --runs R > 1 each workload runs R times back to back on the same input; the row is the
 * median run by records/s, with the spread in metrics (minRecordsPerSec, maxRecordsPerSec).
 * --profile-dir DIR runs the peer under `node --cpu-prof`, writing DIR/<workload>[-runK].cpuprofile
 * for its whole life (startup and close included); it is not summarized by lib/cpu-profile.ts,
 * whose categories describe Tributary's own files. Open it in Chrome DevTools.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startBrokerProcess, type BrokerProcess } from '../lib/broker-process.ts';
import { createTopic, loadTopic } from '../lib/data-loader.ts';
import { benchmarksDir, type WorkloadResult } from '../lib/results.ts';
import { failedResult, median, type Reference, type Suite, type SuiteOptions } from '../lib/suite.ts';
import { parsePeerReport, peerResult, type PeerReport } from './peer-report.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import { ASYNC_DEFAULT_RECORDS, ASYNC_KEY_SPACE, ASYNC_TOPIC, ASYNC_VALUE_SIZE } from '../streams/async-enrichment.ts';

export const PEER_DIR = join(benchmarksDir, 'peers', 'nodefluent');
export const SETUP_HINT = 'peer not installed: run benchmarks/peers/nodefluent/setup.sh first';
export const DEFAULT_RECORDS = 1_000_000;
const SOURCE_TOPIC = 'simpleBenchmarkSourceTopic1';
const KEY_SPACE = 10_000;
const VALUE_SIZE = 1024;
/** Extra time the parent gives the child past its own deadline before killing it. */
const KILL_GRACE_MS = 30_000;

const SINK = 'peer-nodefluent-streamprocesswithsink';
const COUNT = 'peer-nodefluent-streamcount';
const ASYNC_CONCURRENCIES = ['1', '16', '128', 'unbounded'] as const;
const asyncWorkload = (c: string): string => `peer-nodefluent-asyncenrichment-${c === 'unbounded' ? c : `c${c}`}`;
const ASYNC: Readonly<Record<string, string>> = Object.fromEntries(ASYNC_CONCURRENCIES.map((c) => [asyncWorkload(c), c]));
/** Records per async workload: the async suite's default for that concurrency (unbounded: as 128). */
const asyncRecords = (w: string, options: SuiteOptions): number => options.records ?? ASYNC_DEFAULT_RECORDS[ASYNC[w] === 'unbounded' ? 128 : Number(ASYNC[w])]!;
const MODES: Readonly<Record<string, 'sink' | 'count' | 'async'>> = { [SINK]: 'sink', [COUNT]: 'count', ...Object.fromEntries(Object.keys(ASYNC).map((w) => [w, 'async' as const])) };

const ON_KAFKA = 'nodefluent kafka-streams 5.0 (native, batchOptions) on Apache Kafka 2.1.1';
/** The peer's own figures on Apache Kafka 2.1.1 on this class of machine (BENCHMARKS.md, "Reference figures"). */
const REFERENCES: Readonly<Record<string, Reference>> = {
  [SINK]: { recordsPerSec: 19_200, system: ON_KAFKA },
  [COUNT]: { recordsPerSec: 77_600, system: ON_KAFKA },
};

/** Whether setup.sh has run: kafka-streams is installed and node-rdkafka's addon is built. */
export function peerInstalled(dir: string = PEER_DIR): boolean {
  return (
    existsSync(join(dir, 'node_modules', 'kafka-streams', 'package.json')) &&
    existsSync(join(dir, 'node_modules', 'node-rdkafka', 'build', 'Release', 'node-librdkafka.node'))
  );
}

/** Runs peer.js once; resolves with its report (rejects when it prints none or is killed). */
function runPeer(args: readonly string[], killAfterMs: number, nodeFlags: readonly string[]): Promise<PeerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, join(PEER_DIR, 'peer.js'), ...args], { cwd: PEER_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(parsePeerReport(out));
      } catch (e) {
        const why = killed ? `killed after ${killAfterMs} ms` : `exited with ${signal ?? `code ${code}`}`;
        reject(new Error(`peer.js ${why}: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

let runSeq = 0;

/** Adds the broker's CPU seconds over the peer's whole run (start to exit, so a little wider than the clock). */
function withBrokerCpu(row: WorkloadResult, before: number | undefined, after: number | undefined): WorkloadResult {
  if (before === undefined || after === undefined || row.recordsPerSec === 0) return row;
  return { ...row, metrics: { ...row.metrics, brokerCpuSec: Math.round((after - before) * 100) / 100 } };
}

async function runWorkload(workload: string, broker: BrokerProcess, records: number, options: SuiteOptions): Promise<WorkloadResult> {
  const mode = MODES[workload]!;
  const runs = Math.max(1, options.runs ?? 1);
  const rows: WorkloadResult[] = [];
  for (let i = 0; i < runs; i++) {
    const tag = `${process.pid}-${runSeq++}`;
    const args = ['--workload', mode, '--bootstrap', broker.bootstrap, '--topic', mode === 'async' ? ASYNC_TOPIC : SOURCE_TOPIC, '--records', String(records), '--max-wait-ms', String(options.maxWaitMs), '--group', `nodefluent-${mode}-${tag}`];
    if (mode === 'async') {
      const sink = `asyncEnrichmentSink-nodefluent-${tag}`;
      await createTopic(broker.bootstrap, sink, 1);
      args.push('--sink', sink, '--concurrency', ASYNC[workload]!);
    } else if (mode === 'sink') {
      const sink = `simpleBenchmarkSinkTopic-nodefluent-${tag}`;
      await createTopic(broker.bootstrap, sink, 1);
      args.push('--sink', sink);
    }
    const brokerCpuBefore = processCpuSeconds(broker.pid);
    const profile = options.profileDir === undefined ? undefined : { dir: options.profileDir, name: `${workload}${runs > 1 ? `-run${i + 1}` : ''}.cpuprofile` };
    if (profile !== undefined) mkdirSync(profile.dir, { recursive: true });
    const nodeFlags = profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profile.dir, '--cpu-prof-name', profile.name];
    const report = await runPeer(args, options.maxWaitMs + KILL_GRACE_MS, nodeFlags);
    const brokerCpuAfter = processCpuSeconds(broker.pid);
    const row = withBrokerCpu(peerResult(workload, records, report, options.maxWaitMs), brokerCpuBefore, brokerCpuAfter);
    console.error(`[peer] ${workload} run ${i + 1}/${runs}: ${Math.round(row.recordsPerSec).toLocaleString('en-US')} records/s, peak RSS ${report.peakRssMb} MB`);
    rows.push(row);
  }
  // Runs that measured nothing (rate 0, a note says why) do not take part in the median.
  const measured = rows.filter((r) => r.recordsPerSec > 0);
  const pool = measured.length > 0 ? measured : rows;
  const rates = pool.map((r) => r.recordsPerSec);
  const mid = median(rates);
  // The run whose rate is the median (for an even count, the nearer of the two middle runs).
  const chosen = pool.reduce((best, r) => (Math.abs(r.recordsPerSec - mid) < Math.abs(best.recordsPerSec - mid) ? r : best));
  const extra: Record<string, number> = runs > 1 ? { runs, minRecordsPerSec: Math.round(Math.min(...rates)), maxRecordsPerSec: Math.round(Math.max(...rates)) } : {};
  if (measured.length > 0 && measured.length < rows.length) extra.failedRuns = rows.length - measured.length;
  const profiled = options.profileDir === undefined ? undefined : `peer CPU profile (whole process life, not summarized): ${join(options.profileDir, `${workload}*.cpuprofile`)}`;
  const note = [chosen.note, profiled].filter((n) => n !== undefined && n !== '').join('; ');
  return { ...chosen, metrics: { ...chosen.metrics, ...extra }, ...(note === '' ? {} : { note }) };
}

async function run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
  const workloads = peerSuite.workloads.filter((w) => selected.includes(w));
  if (!peerInstalled()) return workloads.map((w) => failedResult(w, SETUP_HINT));
  const records = options.records ?? DEFAULT_RECORDS;
  const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
  const results: WorkloadResult[] = [];
  try {
    console.error(`[peer] broker ${broker.bootstrap} (pid ${broker.pid}); loading ${records.toLocaleString('en-US')} records (not timed)…`);
    if (workloads.some((w) => MODES[w] !== 'async')) {
      await loadTopic(broker.bootstrap, { topic: SOURCE_TOPIC, records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 1, baseTimestamp: Date.now() - 2 * records });
    }
    const asyncWorkloads = workloads.filter((w) => MODES[w] === 'async');
    if (asyncWorkloads.length > 0) {
      // The async suite's input (same topic name, sizes and seed).
      const most = Math.max(...asyncWorkloads.map((w) => asyncRecords(w, options)));
      await loadTopic(broker.bootstrap, { topic: ASYNC_TOPIC, records: most, keySpace: ASYNC_KEY_SPACE, valueSize: ASYNC_VALUE_SIZE, seed: 1, baseTimestamp: Date.now() - most });
    }
    for (const w of workloads) {
      console.error(`[peer] running ${w}…`);
      try {
        results.push(await runWorkload(w, broker, MODES[w] === 'async' ? asyncRecords(w, options) : records, options));
      } catch (e) {
        console.error(`[peer] ${w} FAILED: ${e instanceof Error ? e.stack : String(e)}`);
        results.push(failedResult(w, `failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  } finally {
    await broker.stop();
  }
  return results;
}

export const peerSuite: Suite = {
  name: 'peer',
  description: `nodefluent kafka-streams 5.0 (native client) on the bundled broker: stateless sink and countByKey (${DEFAULT_RECORDS.toLocaleString('en-US')} × ${VALUE_SIZE} B records), async enrichment at concurrency 1 / 16 / 128 / unbounded${peerInstalled() ? '' : ' (not installed: run benchmarks/peers/nodefluent/setup.sh)'}`,
  workloads: [SINK, COUNT, ...Object.keys(ASYNC)],
  references: REFERENCES,
  inDefaultRun: peerInstalled(),
  run,
};
