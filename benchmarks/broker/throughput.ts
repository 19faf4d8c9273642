/*
 * Broker throughput: produce and fetch records/s and MB/s against the bundled broker, with three
 * clients — kafkajs 2.2.4, confluent-kafka-python (librdkafka 2.0.2) and the project's own wire
 * client — for 100 B and 1 KiB values, produce with acks 1 and -1 (all). Workload names, the
 * interleaved run order and the medians: matrix.ts. Where each client's clock starts and stops:
 * clients.ts.
 *
 * Setup, chosen to match the reference figures in BENCHMARKS.md: one broker (`tributary broker`,
 * default options: fsync before acks=all is acknowledged) in its own process on a fresh data dir
 * for the whole matrix, one new topic per step with 1 partition (replication factor 1, as the
 * peers), null keys, the client in another process or event loop than the broker. Each fetch
 * reads back the acks=all topic its own client just produced. A step's topic is deleted when the
 * step is done, so a long matrix does not fill the disk. Values are one repeated byte (storage
 * does not compress: no compression codec is set). Before the first step, kafkajs and the wire
 * client (which run in this process) produce and fetch 20k records untimed, so JIT warm-up is not
 * charged to whichever client happens to come first in run 1.
 *
 * MB/s counts value bytes only (keys are null), as the peers' perf tools report record size.
 * Each timed step also records the broker process's CPU time across the client call (all its
 * threads, from /proc; proc-status.ts), reported per MB of value bytes: with clients that keep
 * one request in flight, records/s on a shared machine mostly measure the client's share of it.
 */
import { benchClients } from '../lib/bench-clients.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import type { WorkloadResult } from '../lib/results.ts';
import type { SuiteOptions } from '../lib/suite.ts';
import { fetchWith, produceWith } from './clients.ts';
import { readProcCpuMs } from './proc-status.ts';
import { defaultRecords, planSteps, summarizeSamples, type Sample } from './matrix.ts';

const DEFAULT_RUNS = 3;
const WARM_UP_RECORDS = 20_000;

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Runs the selected throughput workloads (names from THROUGHPUT_CASES); one row per name, in order. */
export async function runThroughput(selected: readonly string[], options: SuiteOptions, log: (line: string) => void): Promise<WorkloadResult[]> {
  const runs = options.runs ?? DEFAULT_RUNS;
  const steps = planSteps(selected, runs);
  const samples: Sample[] = [];
  const failures = new Map<string, string[]>();
  const fail = (workload: string, why: string): void => {
    failures.set(workload, [...(failures.get(workload) ?? []), why]);
  };
  const broker = await startBrokerProcess();
  const admin = benchClients(broker.bootstrap, 'bench-admin').admin();
  log(`broker ${broker.bootstrap} (pid ${broker.pid}); ${steps.length} steps over ${runs} run(s)`);
  try {
    // Untimed warm-up of the clients that run in this process (JIT, connection pools), so the
    // first timed step of run 1 is not charged with it; librdkafka starts a new process per step.
    for (const client of new Set(steps.map((s) => s.client))) {
      if (client === 'librdkafka') continue;
      const topic = `bench-warm-up-${client}`;
      const run = { bootstrap: broker.bootstrap, topic, records: WARM_UP_RECORDS, timeoutMs: options.maxWaitMs };
      try {
        await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }], { failIfExists: true });
        await produceWith(client, run, 100, -1);
        await fetchWith(client, run);
      } catch (err) {
        // Not fatal: the timed steps of this client report their own failures.
        log(`  warm-up of ${client} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await admin.deleteTopics([topic]).catch(() => {});
      }
    }
    let seq = 0;
    for (const step of steps) {
      const records = options.records ?? defaultRecords(step.valueBytes);
      const topic = `bench-${step.client}-${step.size}-acks${step.acks === -1 ? 'all' : '1'}-${seq++}`;
      const run = { bootstrap: broker.bootstrap, topic, records, timeoutMs: options.maxWaitMs };
      const sample = (workload: string, seconds: number, brokerCpuMs: number): void => {
        samples.push({ workload, records, valueBytes: step.valueBytes, seconds, brokerCpuMs });
        const rate = records / seconds;
        const cpuPerMb = brokerCpuMs / ((records * step.valueBytes) / 1e6);
        log(`  run ${step.run + 1}/${runs} ${workload.padEnd(30)} ${fmt(rate).padStart(10)} rec/s ${((rate * step.valueBytes) / 1e6).toFixed(1).padStart(7)} MB/s  broker CPU ${cpuPerMb.toFixed(2)} ms/MB`);
      };
      // The broker's CPU time (all threads) across one client call.
      const timed = async (work: () => Promise<number>): Promise<[number, number]> => {
        const cpu0 = readProcCpuMs(broker.pid);
        const seconds = await work();
        return [seconds, readProcCpuMs(broker.pid) - cpu0];
      };
      try {
        await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }], { failIfExists: true });
        let produced = false;
        try {
          const [seconds, cpuMs] = await timed(() => produceWith(step.client, run, step.valueBytes, step.acks));
          produced = true;
          if (step.produce !== null) sample(step.produce, seconds, cpuMs);
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          log(`  run ${step.run + 1}/${runs} ${step.produce ?? `load for ${step.fetch}`} FAILED: ${why}`);
          if (step.produce !== null) fail(step.produce, why);
          if (step.fetch !== null) fail(step.fetch, `its topic could not be produced: ${why}`);
        }
        if (produced && step.fetch !== null) {
          try {
            sample(step.fetch, ...(await timed(() => fetchWith(step.client, run))));
          } catch (err) {
            const why = err instanceof Error ? err.message : String(err);
            log(`  run ${step.run + 1}/${runs} ${step.fetch} FAILED: ${why}`);
            fail(step.fetch, why);
          }
        }
      } finally {
        await admin.deleteTopics([topic]).catch((err: unknown) => log(`  (could not delete ${topic}: ${err instanceof Error ? err.message : String(err)})`));
      }
    }
  } finally {
    await admin.disconnect();
    await broker.stop();
  }
  return selected.map((w) => summarizeSamples(w, samples, failures.get(w) ?? []));
}
