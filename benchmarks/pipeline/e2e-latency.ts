/*
 * `e2e-latency-5k`: end-to-end latency at a fixed input rate through a stateless KafkaStreams app
 * (latency-app.ts: source → mapValues → filter → sink), on the bundled broker.
 *
 * Processes: the broker (its own process, started by the suite), the app (a child process started
 * here), and this harness process, which runs BOTH the paced producer and the sink consumer — so
 * the send and receive stamps come from one clock (pacer.ts epochMicros: performance.timeOrigin +
 * performance.now(), in µs) and their difference is a monotonic interval.
 *
 * Clocking, exactly:
 *  - Schedule: record i is due at t0 + i / rate (AbsolutePacer). A 1 ms timer tick hands every
 *    record due by now to the producer as one batch (so batches of ~5 records every ~1 ms at
 *    5k/s, more when a tick fires late; timer drift never changes the rate). Each record's value
 *    carries the epoch µs at which its batch was handed to send() (not its scheduled time);
 *    how late a batch was against the schedule is reported as pacingLagP99Ms / pacingLagMaxMs.
 *  - Producer: the project's wire client (src/client), acks=1, its own connection; sends are
 *    pipelined (a batch does not wait for the previous acknowledgement).
 *  - Consumer: the wire client on its own connection, assigned to the sink partition from offset
 *    0, Fetch maxWait 100 ms / minBytes 1 (the broker answers as soon as data arrives). Receive
 *    time = epoch µs when the fetch response has been decoded, the same for every record of it.
 *  - Latency = receive − send for each record of the measured window; the first `warmupRecords`
 *    (default 5 s worth) are sent and received but not counted.
 *  - Figures: p50Ms, p99Ms; metrics p999Ms, maxMs, meanMs.
 *      records        measured records received
 *      seconds        first measured hand-off → last measured receipt
 *      recordsPerSec  records / seconds (≈ the offered rate when the pipeline keeps up)
 *      producerRecordsPerSec  (measured records − 1) / (last − first measured hand-off)
 *      p50FirstDecileMs / p50LastDecileMs  medians of the first and last 10% of the measured
 *                     records in send order (growing latency = a queue builds, no keeping up)
 *      inbound/outboundP50Ms, …P99Ms  each latency split at the app's mapValues stamp: harness →
 *                     app (our producer, broker, the app's consumer and loop) and app → harness
 *                     (the app's producer, broker, our fetch); two processes' clocks, so
 *                     indicative only (latency-record.ts)
 *      lost           measured records not received within the drain timeout; any loss fails
 *                     the workload (rate 0, the note says how many, metrics kept)
 *      duplicates     counted, not failed (at-least-once allows them)
 *      appRebalances  times the app left RUNNING after first reaching it (a rebalance stalls
 *                     the pipeline and shows in the tail)
 * App settings: the runtime's defaults unless `overrides` says otherwise (named in the note).
 *
 * What sets the figure (interleaved runs on the shared 2-core machine, Nov 2026 — directions,
 * not final numbers): no wait knob bounds latency while records flow — Fetch maxWait / pollMs
 * only apply to an empty fetch (the broker answers at minBytes 1), the runtime's producer has no
 * linger, and a stateless commit every 30 s takes a few ms. pollMs 10 vs 100 and commitIntervalMs
 * 100 / 1,000 / 30,000 moved p50 and p99 less than run-to-run noise. On a quiet machine
 * `--app producerAcks=1` changes nothing either (p50 ≈ 0.9 ms, p99 ≈ 6 ms both). Under load, the
 * app producer's acks=-1 on a broker that fsyncs before acknowledging is what degrades: records
 * are readable at append (high watermark = log end), but the producer's in-flight window waits on
 * slow fsyncs and later output queues behind them — producerAcks=1, or the broker with
 * `--fsync never`, kept p50 ≈ 1 ms where the default went to 3–4 ms, and the outbound p99 several
 * times lower. The tail beyond that follows machine load (pacingLagMaxMs shows the harness itself
 * stalled by as much).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProducerRecord } from '../../src/client/types.ts';
import { benchClients } from '../lib/bench-clients.ts';
import { intKey, createTopic } from '../lib/data-loader.ts';
import { repoRoot, result, type WorkloadResult } from '../lib/results.ts';
import { failedResult } from '../lib/suite.ts';
import type { AppArgs, AppOverrides } from './latency-app.ts';
import { decodeLatencyValue, encodeLatencyValue } from './latency-record.ts';
import { AbsolutePacer, epochMicros, summarizeLatencies } from './pacer.ts';

export interface LatencyRun {
  readonly name: string;
  readonly bootstrap: string;
  /** Records per second offered to the pipeline. */
  readonly rate: number;
  readonly warmupRecords: number;
  readonly measuredRecords: number;
  /** Value bytes per record (≥ 18). */
  readonly valueSize: number;
  /** Give up after this long in total. */
  readonly maxWaitMs: number;
  /** Streams settings different from the runtime defaults (knob experiments). */
  readonly overrides: AppOverrides;
}

const KEY_SPACE = 10_000;
const TICK_MS = 1;
const DRAIN_TIMEOUT_MS = 30_000;
const APP_START_TIMEOUT_MS = 90_000;
let seq = 0;

interface App {
  readonly running: Promise<void>;
  /** RUNNING → REBALANCING transitions seen so far (a rebalance stalls the pipeline). */
  rebalances(): number;
  readonly failed: Promise<string>;
  stop(): Promise<number | undefined>;
}

function startApp(args: AppArgs): App {
  const entry = fileURLToPath(new URL('./latency-app.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin/run-ts.js'), entry, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let processed: number | undefined;
  let rebalances = 0;
  let onRunning!: () => void;
  let onFailed!: (why: string) => void;
  const running = new Promise<void>((r) => (onRunning = r));
  const failed = new Promise<string>((r) => (onFailed = r));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (process.env['TRIBUTARY_BENCH_DEBUG']) console.error(`  [latency-app ${(performance.now() / 1000).toFixed(3)} s] ${line}`);
      if (line.startsWith('STATE RUNNING')) onRunning();
      else if (line.startsWith('STATE REBALANCING RUNNING')) rebalances++;
      else if (line.startsWith('ERROR ')) onFailed(line.slice(6));
      else if (line.startsWith('PROCESSED ')) processed = Number(line.slice(10));
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => onFailed(`the app process exited (code ${child.exitCode}, signal ${child.signalCode})`));
  return {
    running,
    rebalances: () => rebalances,
    failed,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      return processed;
    },
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

export async function runLatency(run: LatencyRun): Promise<WorkloadResult> {
  const id = `${process.pid}-${seq++}`;
  const input = `pipeline-latency-in-${id}`;
  const output = `pipeline-latency-out-${id}`;
  await createTopic(run.bootstrap, input, 1);
  await createTopic(run.bootstrap, output, 1);
  const stateDir = mkdtempSync(join(tmpdir(), 'tributary-bench-latency-'));
  const app = startApp({ bootstrap: run.bootstrap, input, output, applicationId: `pipeline-latency-${id}`, stateDir, overrides: run.overrides });
  const producer = benchClients(run.bootstrap, 'bench-latency-producer').producer({ acks: 1 });
  const consumer = benchClients(run.bootstrap, 'bench-latency-consumer').assignedConsumer({ maxWaitMs: 100, isolationLevel: 'read_uncommitted' });
  const deadline = performance.now() + run.maxWaitMs;
  const total = run.warmupRecords + run.measuredRecords;
  const latencyMs = new Float64Array(run.measuredRecords).fill(Number.NaN);
  const inboundMs = new Float64Array(run.measuredRecords).fill(Number.NaN);
  const outboundMs = new Float64Array(run.measuredRecords).fill(Number.NaN);
  let received = 0;
  let duplicates = 0;
  let malformed = 0;
  let firstMeasuredSendUs = Number.NaN;
  let lastMeasuredSendUs = Number.NaN;
  let lastMeasuredReceiveUs = Number.NaN;
  const lags: number[] = [];
  let consuming = true;
  let appProcessed: number | undefined;
  let rebalancesWhileMeasured = 0;
  let consumeError: unknown;
  let appDied: string | undefined;
  let stopping = false;
  void app.failed.then((why) => {
    if (!stopping) appDied = why;
  });
  try {
    const appFailure = app.failed.then((why) => Promise.reject(new Error(`latency app failed: ${why}`)));
    await within(Promise.race([app.running, appFailure]), APP_START_TIMEOUT_MS, 'the app did not reach RUNNING');

    // Sink consumer.
    await consumer.assign([{ topic: output, partition: 0, offset: 0 }]);
    const consumed = (async () => {
      while (consuming) {
        const batches = await consumer.poll(100_000, 100);
        if (batches.length === 0) continue;
        const nowUs = epochMicros();
        for (const r of batches.flatMap((b) => b.records)) {
          const v = decodeLatencyValue(r.value);
          if (v === undefined || !v.processed) {
            malformed++;
            continue;
          }
          const i = v.seq - run.warmupRecords;
          if (i < 0 || i >= run.measuredRecords) continue;
          if (!Number.isNaN(latencyMs[i]!)) {
            duplicates++;
            continue;
          }
          latencyMs[i] = (nowUs - v.sendEpochUs) / 1000;
          inboundMs[i] = (v.processedEpochUs - v.sendEpochUs) / 1000;
          outboundMs[i] = (nowUs - v.processedEpochUs) / 1000;
          received++;
          lastMeasuredReceiveUs = nowUs;
        }
      }
    })().catch((e: unknown) => {
      consumeError = e;
    });

    // Paced producer.
    await producer.connect();
    const keys = Array.from({ length: KEY_SPACE }, (_, k) => intKey(k));
    const pacer = new AbsolutePacer(performance.now(), run.rate, total);
    let inFlight = 0;
    let sendError: unknown;
    let sent = 0;
    while (sent < total) {
      if (performance.now() > deadline) throw new Error(`producing timed out after ${run.maxWaitMs} ms (${sent} of ${total} records sent)`);
      const now = performance.now();
      const due = pacer.dueBy(now);
      if (due > sent) {
        const nowUs = epochMicros();
        if (sent >= run.warmupRecords || due > run.warmupRecords) lags.push(pacer.lagMs(sent, now));
        const batch: ProducerRecord[] = [];
        for (let i = sent; i < due; i++) {
          batch.push({ topic: input, key: keys[i % KEY_SPACE]!, value: encodeLatencyValue(i, nowUs, run.valueSize), partition: 0, timestamp: Date.now(), headers: {} });
          if (i === run.warmupRecords) firstMeasuredSendUs = nowUs;
        }
        if (due > run.warmupRecords) lastMeasuredSendUs = nowUs;
        sent = due;
        inFlight++;
        producer.send(batch).then(
          () => inFlight--,
          (e: unknown) => {
            inFlight--;
            sendError ??= e;
          },
        );
      }
      if (sendError !== undefined) throw sendError;
      if (consumeError !== undefined) throw consumeError;
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (sendError !== undefined) throw sendError;

    // Drain: wait until every measured record arrived, or the drain timeout.
    const drainUntil = Math.min(deadline, performance.now() + DRAIN_TIMEOUT_MS);
    while (received < run.measuredRecords && consumeError === undefined && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
    consuming = false;
    await consumed;
    if (consumeError !== undefined) throw consumeError;
    rebalancesWhileMeasured = app.rebalances();
  } finally {
    consuming = false;
    stopping = true;
    appProcessed = await app.stop();
    await producer.disconnect().catch(() => {});
    await consumer.disconnect();
    rmSync(stateDir, { recursive: true, force: true });
  }

  const decile = Math.max(1, Math.floor(run.measuredRecords / 10));
  const firstDecile = summarizeLatencies(latencyMs.slice(0, decile).filter((x) => !Number.isNaN(x))).p50Ms;
  const lastDecile = summarizeLatencies(latencyMs.slice(-decile).filter((x) => !Number.isNaN(x))).p50Ms;
  const got = latencyMs.filter((x) => !Number.isNaN(x));
  const inbound = summarizeLatencies(inboundMs.filter((x) => !Number.isNaN(x)));
  const outbound = summarizeLatencies(outboundMs.filter((x) => !Number.isNaN(x)));
  const s = summarizeLatencies(got);
  lags.sort((a, b) => a - b);
  const lost = run.measuredRecords - received;
  const seconds = (lastMeasuredReceiveUs - firstMeasuredSendUs) / 1e6;
  const knobs = Object.entries(run.overrides).map(([k, v]) => `${k}=${v}`);
  const notes = [
    `${run.rate} rec/s offered, ${run.warmupRecords} warm-up + ${run.measuredRecords} measured, ${run.valueSize} B values; app in a child process, producer+consumer in the harness`,
    knobs.length > 0 ? `app overrides: ${knobs.join(', ')}` : 'app: runtime defaults',
    lost > 0 ? `FAILED: ${lost} measured records never reached the sink within ${DRAIN_TIMEOUT_MS} ms` : undefined,
    appDied !== undefined ? `the app died during the run: ${appDied}` : undefined,
    malformed > 0 ? `${malformed} sink records were not processed/well-formed` : undefined,
  ].filter((x) => x !== undefined);
  const metrics: Record<string, number> = {
    p999Ms: s.p999Ms,
    maxMs: s.maxMs,
    meanMs: s.meanMs,
    producerRecordsPerSec: (run.measuredRecords - 1) / ((lastMeasuredSendUs - firstMeasuredSendUs) / 1e6),
    pacingLagP99Ms: lags[Math.min(lags.length - 1, Math.ceil(0.99 * lags.length) - 1)] ?? Number.NaN,
    pacingLagMaxMs: lags[lags.length - 1] ?? Number.NaN,
    inboundP50Ms: inbound.p50Ms,
    inboundP99Ms: inbound.p99Ms,
    outboundP50Ms: outbound.p50Ms,
    outboundP99Ms: outbound.p99Ms,
    p50FirstDecileMs: firstDecile,
    p50LastDecileMs: lastDecile,
    lost,
    duplicates,
    appRebalances: rebalancesWhileMeasured,
  };
  if (appProcessed !== undefined) metrics['appProcessed'] = appProcessed;
  // Lost records have no latency: percentiles over the rest would flatter the pipeline.
  if (lost > 0 || !(seconds > 0)) return { ...failedResult(run.name, notes.join('; ')), metrics };
  return result(run.name, received, received * (4 + run.valueSize), seconds, { p50Ms: s.p50Ms, p99Ms: s.p99Ms, metrics, note: notes.join('; ') });
}
