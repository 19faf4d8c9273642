/*
 * The broker suite (`npm run bench -- broker`): the bundled broker, in its own process, measured
 * from outside the way users of Apache Kafka measure theirs.
 *
 *   throughput  produce-<client>-<size>-acks<1|all>, fetch-<client>-<size> for kafkajs, librdkafka
 *               (confluent-kafka-python) and the project's wire client, 100 B and 1 KiB values
 *               (throughput.ts; names and run order matrix.ts; each client's clock clients.ts)
 *   start-up    broker-cold-start, broker-restart-with-data, broker-restart-after-crash
 *               (cold-start.ts: spawn → first ApiVersions answered over TCP)
 *   memory      broker-rss (rss.ts: VmRSS idle, VmHWM and steady VmRSS under librdkafka load),
 *               broker-rss-non-reading-fetchers (rss-non-reading.ts: VmRSS under clients that
 *               pipeline large fetches and never read)
 *
 * Every group starts its own broker process(es) and stops them before run() settles. Results come
 * back in `workloads` order. References are the figures of BENCHMARKS.md's "Reference figures" for the same client against
 * Apache Kafka 2.1.1 on this machine (1 partition, replication factor 1); the wire-client rows
 * carry the Java perf producer/consumer figures (a different client: labelled so), and rows the reference table
 * has no figure for carry none. Options: `records` (per throughput run: default 200k × 100 B and
 * 100k × 1 KiB; for the restart workloads the records in the data dir, default 1M), `runs`
 * (default 3; broker-rss 1), `maxWaitMs` (per client call / per start).
 */
import type { WorkloadResult } from '../lib/results.ts';
import { failedResult, type Reference, type Suite, type SuiteOptions } from '../lib/suite.ts';
import { COLD_START_WORKLOADS, runColdStart } from './cold-start.ts';
import { THROUGHPUT_CASES } from './matrix.ts';
import { RSS_WORKLOAD, runRss } from './rss.ts';
import { RSS_NON_READING_WORKLOAD, runRssNonReading } from './rss-non-reading.ts';
import { runThroughput } from './throughput.ts';

const KAFKA = 'Apache Kafka 2.1.1';
const RDKAFKA_PRODUCER = `librdkafka 2.0.2 producer on ${KAFKA}`;
const RDKAFKA_CONSUMER = `librdkafka 2.0.2 consumer (queued.min.messages=2000000) on ${KAFKA}`;
const KAFKAJS_PRODUCER = `kafkajs 2.2.4 producer on ${KAFKA} (100 B; acks not stated in the reference)`;

/** The reference figures (BENCHMARKS.md), records/s, by workload. */
export const BROKER_REFERENCES: Readonly<Record<string, Reference>> = {
  'produce-librdkafka-100b-acks1': { recordsPerSec: 966_000, system: `${RDKAFKA_PRODUCER}, acks=1` },
  'produce-librdkafka-100b-acksall': { recordsPerSec: 980_000, system: `${RDKAFKA_PRODUCER}, acks=all` },
  'produce-librdkafka-1kib-acks1': { recordsPerSec: 374_000, system: `${RDKAFKA_PRODUCER} (1 KiB; one reference figure, acks not stated)` },
  'produce-librdkafka-1kib-acksall': { recordsPerSec: 374_000, system: `${RDKAFKA_PRODUCER} (1 KiB; one reference figure, acks not stated)` },
  'fetch-librdkafka-100b': { recordsPerSec: 1_380_000, system: RDKAFKA_CONSUMER },
  'fetch-librdkafka-1kib': { recordsPerSec: 643_000, system: RDKAFKA_CONSUMER },
  'produce-kafkajs-100b-acks1': { recordsPerSec: 91_000, system: KAFKAJS_PRODUCER },
  'produce-kafkajs-100b-acksall': { recordsPerSec: 91_000, system: KAFKAJS_PRODUCER },
  'fetch-kafkajs-100b': { recordsPerSec: 410_000, system: `kafkajs 2.2.4 consumer (eachBatch) on ${KAFKA}` },
  'produce-wire-100b-acks1': { recordsPerSec: 550_000, system: `Java perf producer on ${KAFKA} (a different client; 100 B)` },
  'fetch-wire-100b': { recordsPerSec: 1_480_000, system: `Java perf consumer on ${KAFKA} (a different client; 100 B)` },
};

const THROUGHPUT_NAMES = THROUGHPUT_CASES.map((c) => c.name);

export const brokerSuite: Suite = {
  name: 'broker',
  description: 'bundled broker in its own process: produce/fetch throughput (kafkajs, librdkafka, wire client), cold start, RSS',
  workloads: [...THROUGHPUT_NAMES, ...COLD_START_WORKLOADS, RSS_WORKLOAD, RSS_NON_READING_WORKLOAD],
  references: BROKER_REFERENCES,
  // Needs /usr/bin/python3 with confluent_kafka for the librdkafka rows and broker-rss; those rows
  // report a failure note without it, the others still run.
  inDefaultRun: true,
  async run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
    const log = (line: string): void => console.error(line);
    const unknown = selected.filter((w) => !this.workloads.includes(w));
    if (unknown.length > 0) throw new Error(`unknown broker workload(s) ${unknown.join(', ')}; known: ${this.workloads.join(', ')}`);
    const byName = new Map<string, WorkloadResult>();
    // A group that throws (its broker would not start, …) still answers every workload it owns.
    const group = async (names: readonly string[], what: string, work: () => Promise<WorkloadResult[]>): Promise<void> => {
      if (names.length === 0) return;
      log(`broker ${what}: ${names.join(', ')}`);
      try {
        for (const r of await work()) byName.set(r.workload, r);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        log(`  broker ${what} FAILED: ${why}`);
        for (const w of names) if (!byName.has(w)) byName.set(w, failedResult(w, `failed: ${why}`));
      }
    };
    const throughput = selected.filter((w) => THROUGHPUT_NAMES.includes(w));
    await group(throughput, 'throughput', () => runThroughput(throughput, options, log));
    const starts = selected.filter((w) => (COLD_START_WORKLOADS as readonly string[]).includes(w));
    await group(starts, 'start-up', () => runColdStart(starts, options, log));
    const rss = selected.filter((w) => w === RSS_WORKLOAD);
    await group(rss, 'memory', async () => [await runRss(options, log)]);
    const nonReading = selected.filter((w) => w === RSS_NON_READING_WORKLOAD);
    await group(nonReading, 'memory', async () => [await runRssNonReading(log)]);
    // The contract's order: `workloads` order, whatever order the names were asked in.
    return this.workloads.filter((w) => byName.has(w)).map((w) => byName.get(w)!);
  },
};
