/*
 * broker-rss: the broker process's resident memory idle and under load, read from
 * /proc/<pid>/status (proc-status.ts) by the parent while the broker runs in its own process.
 *
 * Per run, on a fresh broker (startBrokerProcess, fresh data dir):
 *   idle   wait IDLE_MS (3 s) after "listening" with no client connected → rssIdleMb = VmRSS.
 *   load   librdkafka (confluent-kafka-python, two /usr/bin/python3 processes, so the load does
 *          not share this process's event loop) produces 1 KiB records as fast as the broker
 *          takes them (acks=1, linger.ms 5) into a 1-partition topic for LOAD_SECONDS (10 s)
 *          while a consumer tails the same topic from the beginning. VmRSS is sampled every
 *          SAMPLE_MS (250 ms) during the load window.
 *          rssLoadPeakMb   = VmHWM read when the load ends (the kernel's peak RSS of the process's
 *                            life, so never below any sample);
 *          rssLoadSteadyMb = median of the VmRSS samples in the second half of the window (after
 *                            buffers and the page-cache-backed segment maps have grown).
 * The row's records / seconds are the records the producer got acknowledged over its load
 * window (a by-product, not a throughput benchmark). Rows report the median over the runs
 * (default 1: a run takes ~15 s and memory is far less noisy than rates).
 */
import { createTopic } from '../lib/data-loader.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import { result, type WorkloadResult } from '../lib/results.ts';
import { failedResult, median, type SuiteOptions } from '../lib/suite.ts';
import { confluentBench } from './clients.ts';
import { readProcMemory } from './proc-status.ts';

export const RSS_WORKLOAD = 'broker-rss';

const DEFAULT_RUNS = 1;
const IDLE_MS = 3000;
const LOAD_SECONDS = 10;
const SAMPLE_MS = 250;
const VALUE_BYTES = 1024;

interface RssRun {
  idleMb: number;
  peakMb: number;
  steadyMb: number;
  records: number;
  seconds: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

async function oneRun(options: SuiteOptions): Promise<RssRun> {
  const broker = await startBrokerProcess();
  try {
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleMb = readProcMemory(broker.pid).rssMb;
    const topic = 'rss-load';
    await createTopic(broker.bootstrap, topic, 1);
    const samples: { at: number; rssMb: number }[] = [];
    const started = performance.now();
    const sampler = setInterval(() => {
      try {
        samples.push({ at: performance.now() - started, rssMb: readProcMemory(broker.pid).rssMb });
      } catch {
        // the broker died; the load clients fail and say so
      }
    }, SAMPLE_MS);
    let produced: Record<string, number | string>;
    try {
      const timeoutMs = Math.min(options.maxWaitMs, LOAD_SECONDS * 1000 + 90_000);
      // allSettled: both load processes have exited (or been killed) before the broker stops.
      const [p, c] = await Promise.allSettled([
        confluentBench(['produce-for', broker.bootstrap, topic, String(LOAD_SECONDS), String(VALUE_BYTES), '1'], timeoutMs),
        confluentBench(['consume-for', broker.bootstrap, topic, String(LOAD_SECONDS)], timeoutMs),
      ]);
      if (p.status === 'rejected') throw p.reason;
      if (c.status === 'rejected') throw c.reason;
      produced = p.value;
    } finally {
      clearInterval(sampler);
    }
    const peakMb = readProcMemory(broker.pid).hwmMb;
    const windowMs = LOAD_SECONDS * 1000;
    const late = samples.filter((s) => s.at >= windowMs / 2 && s.at <= windowMs).map((s) => s.rssMb);
    if (late.length === 0) throw new Error(`no RSS samples in the second half of the load window (${samples.length} samples in all)`);
    const records = Number(produced['records']);
    const seconds = Number(produced['seconds']);
    return { idleMb, peakMb, steadyMb: median(late), records, seconds };
  } finally {
    await broker.stop();
  }
}

export async function runRss(options: SuiteOptions, log: (line: string) => void): Promise<WorkloadResult> {
  const runs = options.runs ?? DEFAULT_RUNS;
  const done: RssRun[] = [];
  const failures: string[] = [];
  for (let i = 0; i < runs; i++) {
    try {
      const r = await oneRun(options);
      done.push(r);
      log(`  run ${i + 1}/${runs} broker-rss idle ${round1(r.idleMb)} MB, load peak ${round1(r.peakMb)} MB, steady ${round1(r.steadyMb)} MB (${r.records.toLocaleString('en-US')} records produced)`);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
      log(`  run ${i + 1}/${runs} broker-rss FAILED: ${failures.at(-1)}`);
    }
  }
  if (done.length === 0) return failedResult(RSS_WORKLOAD, `failed: ${failures[0] ?? 'no runs'}`);
  const records = median(done.map((r) => r.records));
  const seconds = median(done.map((r) => r.seconds));
  const note = [
    `MiB; median of ${done.length} run(s); load: librdkafka 1 KiB produce (acks=1) + tail consumer for ${LOAD_SECONDS} s`,
    failures.length > 0 ? `${failures.length} run(s) failed: ${failures[0]}` : '',
  ].filter((x) => x !== '').join('; ');
  return result(RSS_WORKLOAD, Math.round(records), Math.round(records) * VALUE_BYTES, seconds, {
    metrics: {
      rssIdleMb: round1(median(done.map((r) => r.idleMb))),
      rssLoadPeakMb: round1(median(done.map((r) => r.peakMb))),
      rssLoadSteadyMb: round1(median(done.map((r) => r.steadyMb))),
      runs: done.length,
    },
    note,
  });
}
