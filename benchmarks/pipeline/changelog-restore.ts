/*
 * `changelog-restore-leveldb` / `changelog-restore-memory`: how fast a KafkaStreams instance
 * rebuilds a state store from its changelog after losing its local state.
 *
 * Procedure (one app, in this process; the broker is its own process):
 *   1 build (not timed as the result; buildRecordsPerSec is reported): the app
 *       source(input) → groupByKey → reduce((old, v) => v) into store "latest" (LevelDB or
 *       in-memory, record cache at its 10 MiB default, changelog on)
 *     runs until it has processed every update of the input (restore-data.ts: `updates` records
 *     over `keys` keys, 100 B–1 KiB values).
 *   2 check the pre-crash state: every key's value (interactive query) equals the model's; the
 *     entry count equals the keys ever updated. A mismatch fails the workload.
 *   3 close() (a clean stop: the final commit sends the cache's dirty entries to the changelog),
 *     then cleanUp() — the local state directory is deleted.
 *   4 TIMED: a new KafkaStreams with the same applicationId and state dir; the clock starts just
 *     before start() and stops when the state listener sees RUNNING. In between: group join,
 *     internal-topic check, ListOffsets, the restore, the assignment callback.
 *   5 check the restored state against the model as in 2 (every key; a mismatch fails).
 * Figures: records = changelog records the restorer applied (KafkaStreams.restoredRecords);
 * seconds = start() → RUNNING; recordsPerSec = records / seconds; MB/s over the key+value bytes
 * the restore consumer returned. metrics.restoreWindowMs is the restore alone — from the restore
 * consumer's first assign() of changelog partitions to its assign([]) after the last batch (seen
 * through a RuntimeDeps decorator passed as KafkaStreams' `deps` option; the production deps are
 * used unchanged underneath) — and restoreWindowRecordsPerSec = records / that window.
 * changelogRecords = changelog end − start offset after step 3 (compaction may make the restorer
 * read fewer: the broker's cleaner may compact it between the build and the restart).
 * With `profileDir`, step 4 runs under the V8 CPU profiler (this process only); the summary's
 * category shares go into metrics and the top layer into the note.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listOffsets, OffsetSpec } from '../../src/client/admin.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams, type RuntimeDepsContext } from '../../src/streams/runtime/kafka-streams.ts';
import type { PortAssignedConsumer, RuntimeDeps } from '../../src/streams/runtime/client-port.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import { createRuntimeDeps } from '../../src/streams/runtime/runtime-deps.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { categoryShares, formatSummary, profileDuring, summarize, topBottleneck, type CpuProfile, type ProfileSummary } from '../lib/cpu-profile.ts';
import { failedResult } from '../lib/suite.ts';
import { result, type WorkloadResult } from '../lib/results.ts';
import { compareWithModel, type RestoreModel } from './restore-data.ts';

export const RESTORE_STORE = 'latest';
const I = Serdes.int32();
const B = Serdes.bytes();
let seq = 0;

export interface RestoreRun {
  readonly name: string;
  readonly bootstrap: string;
  readonly storeType: 'leveldb' | 'memory';
  readonly model: RestoreModel;
  readonly maxWaitMs: number;
  /** CPU-profile the timed restart (step 4) into DIR/<name>.cpuprofile and DIR/<name>.md. */
  readonly profileDir?: string | undefined;
}

/** What the restore consumer did, observed from outside the runtime. */
interface RestoreProbe {
  firstAssignAt: number | undefined;
  unassignAt: number | undefined;
  records: number;
  bytes: number;
}

/** The production RuntimeDeps with the assign-only (restore) consumer observed. */
function probedDeps(probe: RestoreProbe): (context: RuntimeDepsContext) => RuntimeDeps {
  return (context) => {
    const deps = createRuntimeDeps(context);
    return {
      ...deps,
      assignedConsumer(): PortAssignedConsumer {
        const c = deps.assignedConsumer();
        return {
          connect: () => c.connect(),
          disconnect: () => c.disconnect(),
          position: (tp) => c.position(tp),
          async assign(tps) {
            if (tps.length > 0) probe.firstAssignAt ??= performance.now();
            await c.assign(tps);
            if (tps.length === 0 && probe.firstAssignAt !== undefined) probe.unassignAt = performance.now();
          },
          async poll(max, timeoutMs) {
            const batches = await c.poll(max, timeoutMs);
            for (const b of batches) {
              probe.records += b.records.length;
              for (const r of b.records) probe.bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
            }
            return batches;
          },
        };
      },
    };
  };
}

function newApp(run: RestoreRun, applicationId: string, stateDir: string, probe?: RestoreProbe): KafkaStreams {
  const builder = new StreamsBuilder();
  builder
    .stream<number, Buffer>(run.model.topic, Consumed.with(I, B))
    .groupByKey(Grouped.with(I, B))
    .reduce((_old, v) => v, Materialized.as<number, Buffer>(RESTORE_STORE).withStoreType(run.storeType));
  return new KafkaStreams(
    builder.build(),
    {
      applicationId,
      bootstrapServers: [run.bootstrap],
      stateDir,
      defaultStoreType: run.storeType,
      defaultKeySerde: I as never,
      defaultValueSerde: B as never,
      logger: { warn: () => {}, error: (m: string) => console.error(`  [restore-app] ${m}`) },
    },
    probe === undefined ? {} : { deps: probedDeps(probe) },
  );
}

function checkState(streams: KafkaStreams, model: RestoreModel, when: string): string | undefined {
  return compareWithModel(streams.store(RESTORE_STORE, QueryableStoreTypes.keyValueStore<number, Buffer>()), model, when);
}

/** Runs fn under the CPU profiler (this process: the app and the restore, not the broker). */
async function profiled(dir: string, name: string, fn: () => Promise<void>): Promise<ProfileSummary> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.cpuprofile`);
  await profileDuring(path, fn);
  const summary = summarize(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
  const text = formatSummary(name, summary);
  writeFileSync(join(dir, `${name}.md`), `${text}\n`);
  console.error(text);
  return summary;
}

async function waitFor(cond: () => boolean, deadline: number, what: string): Promise<void> {
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function changelogRange(bootstrap: string, topic: string): Promise<{ start: number; end: number }> {
  const cluster = new WireCluster({ bootstrap, clientId: 'bench-restore-offsets' });
  try {
    const [lo, hi] = await Promise.all([listOffsets(cluster, topic, [0], OffsetSpec.earliest), listOffsets(cluster, topic, [0], OffsetSpec.latest)]);
    return { start: Number(lo.get(0)!.offset), end: Number(hi.get(0)!.offset) };
  } finally {
    cluster.close();
  }
}

export async function runRestore(run: RestoreRun): Promise<WorkloadResult> {
  const applicationId = `pipeline-restore-${run.storeType}-${process.pid}-${seq++}`;
  const stateDir = mkdtempSync(join(tmpdir(), `tributary-bench-restore-${run.storeType}-`));
  const deadline = performance.now() + run.maxWaitMs;
  let build: KafkaStreams | undefined;
  let restored: KafkaStreams | undefined;
  try {
    // 1 build
    build = newApp(run, applicationId, stateDir);
    const buildStart = performance.now();
    await build.start();
    const b = build;
    await waitFor(() => b.processedRecords >= run.model.updates || b.state === 'ERROR', deadline, `the build app to process ${run.model.updates} updates`);
    if (build.state === 'ERROR') return failedResult(run.name, 'the build app stopped in ERROR (see stderr)');
    const buildSeconds = (performance.now() - buildStart) / 1000;
    // 2 pre-crash state
    const before = checkState(build, run.model, 'before the crash');
    if (before !== undefined) return failedResult(run.name, `wrong state: ${before}`);
    // 3 stop, wipe
    await build.close();
    build.cleanUp();
    build = undefined;
    const changelog = await changelogRange(run.bootstrap, `${applicationId}-${RESTORE_STORE}-changelog`);

    // 4 timed restart
    const probe: RestoreProbe = { firstAssignAt: undefined, unassignAt: undefined, records: 0, bytes: 0 };
    restored = newApp(run, applicationId, stateDir, probe);
    let runningAt: number | undefined;
    restored.onStateChange((s) => {
      if (s === 'RUNNING') runningAt ??= performance.now();
    });
    const r = restored;
    const start = performance.now();
    const timed = async (): Promise<void> => {
      await r.start();
      await waitFor(() => runningAt !== undefined || r.state === 'ERROR', deadline, 'the restarted app to reach RUNNING');
    };
    const profile = run.profileDir === undefined ? undefined : await profiled(run.profileDir, run.name, timed);
    if (run.profileDir === undefined) await timed();
    if (runningAt === undefined) return failedResult(run.name, 'the restarted app stopped in ERROR (see stderr)');
    const seconds = (runningAt - start) / 1000;
    const records = restored.restoredRecords;
    // 5 restored state
    const after = checkState(restored, run.model, 'after the restore');
    if (after !== undefined) return failedResult(run.name, `wrong restored state: ${after}`);

    const windowMs = probe.firstAssignAt !== undefined && probe.unassignAt !== undefined ? probe.unassignAt - probe.firstAssignAt : Number.NaN;
    return result(run.name, records, probe.bytes, seconds, {
      metrics: {
        startToRunningMs: seconds * 1000,
        restoreWindowMs: windowMs,
        restoreWindowRecordsPerSec: records / (windowMs / 1000),
        changelogRecords: changelog.end - changelog.start,
        restoreConsumerRecords: probe.records,
        updates: run.model.updates,
        keys: run.model.distinctKeys,
        buildRecordsPerSec: run.model.updates / buildSeconds,
        ...(profile === undefined ? {} : categoryShares(profile)),
      },
      note: [
        profile === undefined ? undefined : `profile: ${topBottleneck(profile)}`,
        `${run.storeType} store, ${run.model.updates} updates over ${run.model.keys} keys (100 B–1 KiB values), record cache 10 MiB`,
        `clock start()→RUNNING after cleanUp(); all ${run.model.keys} keys verified before and after`,
      ]
        .filter((x) => x !== undefined)
        .join('; '),
    });
  } finally {
    await build?.close().catch(() => {});
    await restored?.close().catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  }
}
