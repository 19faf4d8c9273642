/*
 * Stream threads in one process: streamprocesswithstatestore and streamcount (SimpleBenchmark's,
 * in-memory stores) on a 4-partition input, with 1 and with 2 stream threads in one KafkaStreams
 * instance (thread 2 on a worker thread), alternated 1, 2, 1, 2 … so load drift on this shared
 * machine hits both alike.
 *
 *   node bin/run-ts.js benchmarks/streams/stream-threads.ts [--records N] [--pairs K]
 *   (default 200,000 records of 1 KiB, 2 pairs per workload)
 *
 * Steps: start the broker in its own process (as the streams suite), load the input once (not
 * timed), then per run: a fresh application id (reads the topic from the start), start, wait
 * until processedRecords reaches N, close. Timed: start() to N processed — it includes the group
 * join and, for 2 threads, the worker's start (tsx loading the sources: ~1 s), as a user sees.
 * processedRecords of a worker thread is reported every 250 ms, so the end is seen up to 250 ms
 * late; with N = 200k that is a few % against 2 threads — stated next to the figures.
 * Also reported: the steady rate, from the first RUNNING with every thread up to the end.
 * Reported per run: records/s, the broker's CPU seconds (/proc, peers/proc-cpu.ts) and this
 * process's CPU seconds (main + worker threads) during the run, and the 2/1 ratio of medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import { loadTopic } from '../lib/data-loader.ts';
import { processCpuSeconds } from '../peers/proc-cpu.ts';
import { THREAD_WORKLOADS, THREADS_SOURCE_TOPIC } from './stream-threads-topology.ts';

const MODULE = new URL('./stream-threads-topology.ts', import.meta.url);
const PARTITIONS = 4;

interface Run {
  readonly workload: string;
  readonly threads: number;
  readonly recordsPerSec: number;
  /** Records/s after every thread was running (undefined when half the input was done before). */
  readonly steadyPerSec: number | undefined;
  readonly seconds: number;
  readonly brokerCpuS: number;
  readonly appCpuS: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number`);
  return v;
}

async function runOnce(bootstrap: string, brokerPid: number, workload: string, threads: number, records: number, seq: number): Promise<Run> {
  process.env['TRIBUTARY_BENCH_THREADS_WORKLOAD'] = workload;
  const stateDir = mkdtempSync(join(tmpdir(), 'tributary-bench-threads-'));
  const streams = await KafkaStreams.fromModule(MODULE, {
    applicationId: `stream-threads-${workload}-${threads}-${process.pid}-${seq}`,
    bootstrapServers: [bootstrap],
    stateDir,
    numStreamThreads: threads,
    defaultStoreType: 'memory',
    commitIntervalMs: 30_000,
    logger: { warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) },
  });
  const broker0 = processCpuSeconds(brokerPid) ?? 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let seconds: number;
  let cpu: NodeJS.CpuUsage;
  let brokerCpuS: number;
  // Steady state: from the first RUNNING with every thread up (workers loaded, tasks assigned).
  let running: { at: number; processed: number } | undefined;
  streams.onStateChange((s) => {
    if (s === 'RUNNING' && running === undefined) running = { at: performance.now(), processed: streams.processedRecords };
  });
  try {
    await streams.start();
    while (streams.processedRecords < records) await new Promise((r) => setTimeout(r, 20));
    seconds = (performance.now() - start) / 1000;
    cpu = process.cpuUsage(cpu0);
    brokerCpuS = (processCpuSeconds(brokerPid) ?? 0) - broker0;
  } finally {
    await streams.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const end = start + seconds * 1000;
  const steady = running === undefined || running.processed > records / 2 ? undefined : (records - running.processed) / ((end - running.at) / 1000);
  return { workload, threads, seconds, recordsPerSec: records / seconds, steadyPerSec: steady, brokerCpuS, appCpuS: (cpu.user + cpu.system) / 1e6 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const records = arg('--records', 200_000);
  const pairs = arg('--pairs', 2);
  const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
  const runs: Run[] = [];
  try {
    console.error(`[threads] broker ${broker.bootstrap}; loading ${records} records into ${PARTITIONS} partitions (not timed)…`);
    await loadTopic(broker.bootstrap, { topic: THREADS_SOURCE_TOPIC, records, keySpace: 10_000, valueSize: 1024, seed: 1, baseTimestamp: Date.now() - 2 * records, partitions: PARTITIONS });
    let seq = 0;
    for (const workload of THREAD_WORKLOADS) {
      for (let p = 0; p < pairs; p++) {
        for (const threads of [1, 2]) {
          const load = loadavg()[0]!.toFixed(1);
          const r = await runOnce(broker.bootstrap, broker.pid, workload, threads, records, seq++);
          runs.push(r);
          console.log(`${workload} threads=${threads}: ${Math.round(r.recordsPerSec)} rec/s in ${r.seconds.toFixed(1)} s (steady ${r.steadyPerSec === undefined ? 'n/a' : Math.round(r.steadyPerSec)} rec/s); broker CPU ${r.brokerCpuS.toFixed(1)} s (${Math.round((100 * r.brokerCpuS) / r.seconds)}% of one core), app CPU ${r.appCpuS.toFixed(1)} s; load ${load}`);
        }
      }
      const m = (t: number) => median(runs.filter((r) => r.workload === workload && r.threads === t).map((r) => r.recordsPerSec));
      const ms = (t: number) => median(runs.filter((r) => r.workload === workload && r.threads === t && r.steadyPerSec !== undefined).map((r) => r.steadyPerSec!));
      console.log(`${workload}: 2 threads / 1 thread = ${(m(2) / m(1)).toFixed(2)} start to end (medians ${Math.round(m(1))} → ${Math.round(m(2))} rec/s), ${(ms(2) / ms(1)).toFixed(2)} steady (${Math.round(ms(1))} → ${Math.round(ms(2))} rec/s)`);
    }
  } finally {
    await broker.stop();
  }
}

await main();
