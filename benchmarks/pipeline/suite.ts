/*
 * The pipeline suite (issue 7, part 3): end-to-end latency through a stateless KafkaStreams app at
 * a fixed input rate, and changelog restore speed of a persistent and an in-memory store.
 *
 *   e2e-latency-5k             e2e-latency.ts — 5,000 records/s offered; p50/p99 (p999, max in
 *                              metrics). options.records = records MEASURED (default 150,000 =
 *                              30 s), after a 5 s (25,000-record) warm-up.
 *   changelog-restore-leveldb  changelog-restore.ts — build a "latest value per key" store,
 *   changelog-restore-memory   close, cleanUp(), restart; records/s restored, start() → RUNNING.
 *                              options.records = updates (default 1,000,000) over records/10 keys
 *                              (default 100,000), values 100 B–1 KiB; the input is loaded once
 *                              (not timed) and shared by both.
 *
 * One broker process for the whole suite, started with group.initial.rebalance.delay.ms = 0 (as in
 * Kafka's shipped config/server.properties): otherwise the restart's start() → RUNNING would
 * include a fixed 3 s wait for other members, which is configuration, not restore work. Nothing
 * else deviates from the broker's defaults. Workloads run one after another, once each (`runs` is
 * not used). `profileDir` profiles the restore workloads' timed restart (this process holds the
 * app); the latency app runs in a child process, so e2e-latency-5k is not profiled.
 * No reference figures: the reference table has none for these.
 */
import { startBrokerProcess } from '../lib/broker-process.ts';
import type { WorkloadResult } from '../lib/results.ts';
import { failedResult, type Suite, type SuiteOptions } from '../lib/suite.ts';
import { runRestore } from './changelog-restore.ts';
import { runLatency } from './e2e-latency.ts';
import type { AppOverrides } from './latency-app.ts';
import { loadRestoreInput, type RestoreModel } from './restore-data.ts';

export const LATENCY_RATE = 5000;
export const LATENCY_WARMUP_RECORDS = 5 * LATENCY_RATE;
export const DEFAULT_LATENCY_RECORDS = 30 * LATENCY_RATE;
export const LATENCY_VALUE_BYTES = 100;
export const DEFAULT_RESTORE_UPDATES = 1_000_000;
const RESTORE_INPUT_TOPIC = 'pipeline-restore-input';
const RESTORE_SEED = 7;

const WORKLOADS = ['e2e-latency-5k', 'changelog-restore-leveldb', 'changelog-restore-memory'] as const;

export interface PipelineExtras {
  /** Streams settings of the latency app that differ from the runtime defaults (knob experiments). */
  readonly latencyOverrides?: AppOverrides;
}

export async function runPipeline(selected: readonly string[], options: SuiteOptions, extras: PipelineExtras = {}): Promise<WorkloadResult[]> {
  const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
  const results: WorkloadResult[] = [];
  let model: RestoreModel | undefined;
  try {
    console.error(`[pipeline] broker ${broker.bootstrap} (pid ${broker.pid})`);
    for (const name of WORKLOADS.filter((w) => selected.includes(w))) {
      console.error(`[pipeline] running ${name}…`);
      try {
        if (name === 'e2e-latency-5k') {
          results.push(
            await runLatency({
              name,
              bootstrap: broker.bootstrap,
              rate: LATENCY_RATE,
              warmupRecords: LATENCY_WARMUP_RECORDS,
              measuredRecords: options.records ?? DEFAULT_LATENCY_RECORDS,
              valueSize: LATENCY_VALUE_BYTES,
              maxWaitMs: options.maxWaitMs,
              overrides: extras.latencyOverrides ?? {},
            }),
          );
        } else {
          if (model === undefined) {
            const updates = options.records ?? DEFAULT_RESTORE_UPDATES;
            const keys = Math.max(1, Math.floor(updates / 10));
            console.error(`[pipeline] loading ${updates.toLocaleString('en-US')} updates over ${keys.toLocaleString('en-US')} keys (not timed)…`);
            model = await loadRestoreInput(broker.bootstrap, RESTORE_INPUT_TOPIC, updates, keys, RESTORE_SEED);
          }
          const storeType = name === 'changelog-restore-leveldb' ? 'leveldb' : 'memory';
          results.push(await runRestore({ name, bootstrap: broker.bootstrap, storeType, model, maxWaitMs: options.maxWaitMs, profileDir: options.profileDir }));
        }
      } catch (e) {
        console.error(`[pipeline] ${name} FAILED: ${e instanceof Error ? e.stack : String(e)}`);
        results.push(failedResult(name, `failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  } finally {
    await broker.stop();
  }
  return results;
}

export const pipelineSuite: Suite = {
  name: 'pipeline',
  description: `end-to-end latency at ${LATENCY_RATE.toLocaleString('en-US')} records/s through a stateless KafkaStreams app; changelog restore records/s (LevelDB and in-memory stores)`,
  workloads: WORKLOADS,
  references: {},
  inDefaultRun: true,
  run: (selected, options) => runPipeline(selected, options),
};
