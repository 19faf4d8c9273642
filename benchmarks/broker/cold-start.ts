/*
 * Broker start-up time: from spawning `node bin/tributary.js broker` to the first request served
 * over TCP, measured from the parent (this process), as an operator or an orchestrator's
 * readiness probe sees it.
 *
 * Clock (per start): t0 just before spawn(); the parent picks a free port beforehand (bind port 0,
 * read it, close it) and passes it with --port, then tries to connect every 2 ms; the first
 * connection that completes an ApiVersions round trip stops the clock → coldStartMs. On the same
 * connection a Metadata request for all topics follows → firstMetadataMs (the broker answers it
 * from its topic registry, so with data this shows whether anything was still loading). The time
 * the "listening on" line reached the parent's pipe is kept as listeningMs. Node's start-up, loading
 * the compiled modules from dist/ (one untimed warm-up start runs first, so the OS file cache is
 * warm for run 1 as for the rest), the topic registry and every partition's log opening (broker.ts
 * step 3) are all inside coldStartMs.
 *
 * Workloads:
 *  broker-cold-start           a fresh, empty data dir each run.
 *  broker-restart-with-data    a data dir loaded once (untimed) with N records (default 1M, 100 B
 *                              values, 4 partitions, wire producer acks=1) and stopped cleanly
 *                              (SIGTERM → clean-shutdown marker): the restart trusts the indexes.
 *  broker-restart-after-crash  the same data after SIGKILL: no clean-shutdown marker, so log
 *                              recovery re-verifies every batch of each partition's last segment
 *                              (log-loader.ts), which here is all of the data.
 * After each timed restart the parent checks (untimed) that every record is still there
 * (ListOffsets) and reports the count as metrics.recordsRecovered. Rows carry records 0 and
 * records/s 0 (start-up is not a rate: Node and module loading dominate it), `seconds` = the
 * median coldStartMs / 1000, and the medians over the runs in `metrics`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLEAN_SHUTDOWN_FILE } from '../../src/broker/log/log-checkpoint.ts';
import { ApiKeys } from '../../src/protocol/api-keys.ts';
import { WireConnection } from '../../src/client/connection.ts';
import type { ProducerRecord } from '../../src/client/types.ts';
import { benchClients, withBenchAdmin } from '../lib/bench-clients.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import { repoRoot, result, type WorkloadResult } from '../lib/results.ts';
import { median, type SuiteOptions } from '../lib/suite.ts';

export const COLD_START_WORKLOADS = ['broker-cold-start', 'broker-restart-with-data', 'broker-restart-after-crash'] as const;

const DEFAULT_RUNS = 3;
const DEFAULT_DATA_RECORDS = 1_000_000;
const DATA_PARTITIONS = 4;
const DATA_VALUE_BYTES = 100;
const DATA_TOPIC = 'restart-data';
const POLL_MS = 2;

interface StartTiming {
  coldStartMs: number;
  firstMetadataMs: number;
  listeningMs: number;
}

interface TimedBroker {
  timing: StartTiming;
  bootstrap: string;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free TCP port on 127.0.0.1');
  return address.port;
}

function stopper(child: ChildProcess): (signal: 'SIGTERM' | 'SIGKILL') => Promise<void> {
  return async (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}

/** Spawns the broker on `dataDir` and clocks it to its first answered ApiVersions and Metadata. */
async function timedStart(dataDir: string, maxWaitMs: number): Promise<TimedBroker> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'bin/tributary.js'), 'broker', '--data-dir', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = stopper(child);
  let listeningMs = Number.NaN;
  let output = '';
  const onOutput = (d: Buffer): void => {
    if (Number.isNaN(listeningMs) && /listening on/.test(d.toString())) listeningMs = performance.now() - t0;
    if (output.length < 4000) output += d.toString();
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `exited (code ${code}, signal ${signal})`));
  try {
    for (;;) {
      if (exited !== null) throw new Error(`broker ${exited} before serving a request; output: ${output.trim()}`);
      if (performance.now() - t0 > maxWaitMs) throw new Error(`broker served no request within ${maxWaitMs} ms; output: ${output.trim()}`);
      let conn: WireConnection;
      try {
        conn = await WireConnection.open({ host: '127.0.0.1', port, clientId: 'bench-cold-start', connectTimeoutMs: 1000 });
      } catch {
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      const coldStartMs = performance.now() - t0;
      try {
        await conn.request(
          ApiKeys.Metadata,
          { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
          { minVersion: 1 },
        );
      } finally {
        conn.close();
      }
      const firstMetadataMs = performance.now() - t0;
      return { timing: { coldStartMs, firstMetadataMs, listeningMs }, bootstrap: `127.0.0.1:${port}`, stop };
    }
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
}

/** Records in DATA_TOPIC according to the broker (sum over partitions of end - start offset). */
async function countRecords(bootstrap: string): Promise<number> {
  return withBenchAdmin(bootstrap, async (admin) => {
    const tps = Array.from({ length: DATA_PARTITIONS }, (_, partition) => ({ topic: DATA_TOPIC, partition }));
    const [start, end] = await Promise.all([admin.listOffsets(tps, 'earliest'), admin.listOffsets(tps, 'latest')]);
    return tps.reduce((n, _, i) => n + end[i]!.offset - start[i]!.offset, 0);
  });
}

/**
 * How many of DATA_TOPIC's partition directories (<dataDir>/…/<topic>-<n>) hold the clean-shutdown
 * marker: checked before each restart so a row never claims log recovery that did not happen.
 */
async function cleanMarkers(dataDir: string): Promise<{ partitions: number; clean: number }> {
  const found = { partitions: 0, clean: 0 };
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const path = join(dir, e.name);
      if (new RegExp(`^${DATA_TOPIC}-\\d+$`).test(e.name)) {
        found.partitions++;
        if (existsSync(join(path, CLEAN_SHUTDOWN_FILE))) found.clean++;
      } else if (depth < 2) {
        await walk(path, depth + 1);
      }
    }
  };
  await walk(dataDir, 0);
  return found;
}

/** Fills `dataDir` with `records` records over DATA_PARTITIONS partitions, then stops cleanly. */
async function loadDataDir(dataDir: string, records: number, log: (line: string) => void): Promise<void> {
  const broker = await startBrokerProcess([], { dataDir });
  const clients = benchClients(broker.bootstrap, 'bench-load');
  const producer = clients.producer({ acks: 1 });
  try {
    await withBenchAdmin(broker.bootstrap, (admin) => admin.createTopics([{ topic: DATA_TOPIC, numPartitions: DATA_PARTITIONS, replicationFactor: 1 }], { failIfExists: true }));
    await producer.connect();
    const value = Buffer.alloc(DATA_VALUE_BYTES, 120);
    const chunk = 10_000;
    const started = performance.now();
    for (let sent = 0, i = 0; sent < records; sent += chunk, i++) {
      const n = Math.min(chunk, records - sent);
      const batch: ProducerRecord[] = Array.from({ length: n }, () => ({ topic: DATA_TOPIC, key: null, value, partition: i % DATA_PARTITIONS, timestamp: Date.now(), headers: {} }));
      await producer.send(batch);
    }
    log(`  loaded ${records.toLocaleString('en-US')} records × ${DATA_VALUE_BYTES} B into ${DATA_PARTITIONS} partitions in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`);
  } finally {
    await producer.disconnect();
    await broker.stop('SIGTERM');
  }
}

function row(workload: string, timings: readonly StartTiming[], records: number, failures: readonly string[], extraNote: string): WorkloadResult {
  const failedNote = failures.length > 0 ? `${failures.length} run(s) failed: ${failures[0]}` : '';
  if (timings.length === 0) return { workload, records: 0, seconds: 0, recordsPerSec: 0, mbPerSec: 0, note: failedNote || 'not run' };
  const cold = timings.map((t) => t.coldStartMs);
  const coldStartMs = median(cold);
  const note = [`median of ${timings.length} start(s), ${Math.round(Math.min(...cold))}–${Math.round(Math.max(...cold))} ms`, extraNote, failedNote].filter((x) => x !== '').join('; ');
  return result(workload, 0, 0, coldStartMs / 1000, {
    metrics: {
      coldStartMs: Math.round(coldStartMs),
      ...(records > 0 ? { recordsRecovered: records } : {}),
      firstMetadataMs: Math.round(median(timings.map((t) => t.firstMetadataMs))),
      listeningMs: Math.round(median(timings.map((t) => t.listeningMs))),
      runs: timings.length,
    },
    note,
  });
}

/** Runs the selected start-up workloads (names from COLD_START_WORKLOADS), one row each, in order. */
export async function runColdStart(selected: readonly string[], options: SuiteOptions, log: (line: string) => void): Promise<WorkloadResult[]> {
  const runs = options.runs ?? DEFAULT_RUNS;
  const out = new Map<string, WorkloadResult>();
  const scratch = await mkdtemp(join(tmpdir(), 'tributary-bench-cold-'));
  try {
    // Untimed warm-up: fills tsx's on-disk compile cache after a code change.
    const warm = await timedStart(join(scratch, 'warm-up'), options.maxWaitMs);
    await warm.stop('SIGTERM');

    if (selected.includes('broker-cold-start')) {
      const timings: StartTiming[] = [];
      const failures: string[] = [];
      for (let run = 0; run < runs; run++) {
        const dir = join(scratch, `fresh-${run}`);
        try {
          const b = await timedStart(dir, options.maxWaitMs);
          await b.stop('SIGTERM');
          timings.push(b.timing);
          log(`  run ${run + 1}/${runs} broker-cold-start ${Math.round(b.timing.coldStartMs)} ms (metadata ${Math.round(b.timing.firstMetadataMs)} ms)`);
        } catch (err) {
          failures.push(err instanceof Error ? err.message : String(err));
        }
        await rm(dir, { recursive: true, force: true });
      }
      out.set('broker-cold-start', row('broker-cold-start', timings, 0, failures, 'empty data dir'));
    }

    const clean = selected.includes('broker-restart-with-data');
    const crash = selected.includes('broker-restart-after-crash');
    if (clean || crash) {
      const records = options.records ?? DEFAULT_DATA_RECORDS;
      const dir = join(scratch, 'with-data');
      const timings = { clean: [] as StartTiming[], crash: [] as StartTiming[] };
      const failures = { clean: [] as string[], crash: [] as string[] };
      let recovered = { clean: 0, crash: 0 };
      try {
        await loadDataDir(dir, records, log);
        for (let run = 0; run < runs; run++) {
          // Clean restart (also the step that leaves the data behind a crash for the next one).
          for (const kind of ['clean', 'crash'] as const) {
            if (kind === 'crash' && !crash) continue;
            let b: TimedBroker | undefined;
            try {
              const markers = await cleanMarkers(dir);
              const expected = kind === 'clean' ? DATA_PARTITIONS : 0;
              if (markers.partitions !== DATA_PARTITIONS || markers.clean !== expected) {
                throw new Error(`before the ${kind} restart ${markers.clean} of ${markers.partitions} partition dirs hold ${CLEAN_SHUTDOWN_FILE}, expected ${expected} of ${DATA_PARTITIONS}`);
              }
              b = await timedStart(dir, options.maxWaitMs);
              const count = await countRecords(b.bootstrap);
              if (count !== records) throw new Error(`after the ${kind} restart the broker holds ${count} records, expected ${records}`);
              recovered = { ...recovered, [kind]: count };
              timings[kind].push(b.timing);
              log(`  run ${run + 1}/${runs} ${kind === 'clean' ? 'broker-restart-with-data' : 'broker-restart-after-crash'} ${Math.round(b.timing.coldStartMs)} ms (${count.toLocaleString('en-US')} records)`);
            } catch (err) {
              failures[kind].push(err instanceof Error ? err.message : String(err));
            } finally {
              // Leave a crashed broker behind a clean start when the crash restart is wanted next.
              await b?.stop(kind === 'clean' && crash ? 'SIGKILL' : 'SIGTERM');
            }
          }
        }
      } catch (err) {
        const why = `loading the data dir failed: ${err instanceof Error ? err.message : String(err)}`;
        failures.clean.push(why);
        failures.crash.push(why);
      }
      const shape = `${records.toLocaleString('en-US')} records × ${DATA_VALUE_BYTES} B in ${DATA_PARTITIONS} partitions`;
      if (clean) out.set('broker-restart-with-data', row('broker-restart-with-data', timings.clean, recovered.clean, failures.clean, `${shape}, after a clean stop`));
      if (crash) out.set('broker-restart-after-crash', row('broker-restart-after-crash', timings.crash, recovered.crash, failures.crash, `${shape}, after SIGKILL (log recovery)`));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return selected.map((w) => out.get(w) ?? { workload: w, records: 0, seconds: 0, recordsPerSec: 0, mbPerSec: 0, note: 'not run' });
}
