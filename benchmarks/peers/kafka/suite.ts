/*
 * The Apache Kafka peer suite: Kafka's own perf tools (kafka-producer-perf-test,
 * kafka-consumer-perf-test, from any Kafka distribution) against the bundled broker and against a
 * running Apache Kafka broker, in interleaved runs, so the same client measures both brokers on
 * the same machine at the same time and users can reproduce the comparison in BENCHMARKS.md.
 *
 * Inputs (environment):
 *   KAFKA_HOME       a Kafka distribution (its bin/kafka-*-perf-test.sh and a Java on PATH);
 *   KAFKA_BOOTSTRAP  host:port of a running Kafka broker of that distribution (single node is
 *                    enough; this suite does not start or configure it). Without it, the tools
 *                    still measure the bundled broker and the Kafka column stays empty.
 * Without KAFKA_HOME every workload returns a row saying so; the suite is not in the default run.
 *
 * Steps, per round r = 1..R (--runs, default 3) and per broker in the order Kafka, Tributary
 * (interleaved.ts): create topic `peer-kafka-<r>-<ms>` (1 partition) with the bundled client, run
 * the producer tool (N × 100 B, acks=1, --throughput -1), then the consumer tool reading those N
 * records. Rows are Tributary's medians; metrics hold Kafka's medians, the per-round ratios and
 * every round's figure and load average.
 * Timing is the tools' own (records/s as each prints it); the runs are interleaved so that load
 * from elsewhere on a shared machine falls on both brokers alike.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBrokerProcess } from '../../lib/broker-process.ts';
import { createTopic } from '../../lib/data-loader.ts';
import type { WorkloadResult } from '../../lib/results.ts';
import { failedResult, type Suite, type SuiteOptions } from '../../lib/suite.ts';
import { peerRow, runInterleaved, type PeerSide, type Side } from './interleaved.ts';
import { parseConsumerPerf, parseProducerPerf } from './perf-output.ts';
import { runTool } from './run-tool.ts';

const PRODUCE = 'peer-kafka-producer-perf-100b';
const CONSUME = 'peer-kafka-consumer-perf-100b';
const DEFAULT_RECORDS = 1_000_000;
const DEFAULT_RUNS = 3;
const RECORD_BYTES = 100;

function kafkaHome(): string | undefined {
  const home = process.env.KAFKA_HOME;
  return home !== undefined && existsSync(join(home, 'bin/kafka-producer-perf-test.sh')) ? home : undefined;
}

/** The producer tool on `topic` (N × 100 B, acks=1, unthrottled): its records/s. */
async function producerTool(home: string, bootstrap: string, topic: string, records: number, timeoutMs: number): Promise<number> {
  const produced = await runTool(
    join(home, 'bin', 'kafka-producer-perf-test.sh'),
    ['--topic', topic, '--num-records', String(records), '--record-size', String(RECORD_BYTES), '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1'],
    timeoutMs,
  );
  return parseProducerPerf(produced).recordsPerSec;
}

/** The consumer tool reading the N records of `topic`: its records/s. */
async function consumerTool(home: string, bootstrap: string, topic: string, records: number, timeoutMs: number): Promise<number> {
  const bin = join(home, 'bin', 'kafka-consumer-perf-test.sh');
  // Kafka before 2.2 knows only --broker-list; newer ones prefer (4.0: require) --bootstrap-server.
  const help = await runTool(bin, ['--help'], timeoutMs).catch((e: Error) => e.message);
  const server = help.includes('--bootstrap-server') ? '--bootstrap-server' : '--broker-list';
  const consumed = await runTool(bin, [server, bootstrap, '--topic', topic, '--messages', String(records), '--timeout', '60000'], timeoutMs);
  return parseConsumerPerf(consumed).recordsPerSec;
}

export const kafkaPeerSuite: Suite = {
  name: 'peer-kafka',
  description: "Apache Kafka's perf tools on the bundled broker and on a Kafka broker, interleaved (needs KAFKA_HOME, and KAFKA_BOOTSTRAP for the Kafka side)",
  workloads: [PRODUCE, CONSUME],
  references: {},
  inDefaultRun: false,
  async run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
    const home = kafkaHome();
    if (home === undefined) {
      return selected.map((w) => failedResult(w, 'skipped: set KAFKA_HOME to a Kafka distribution (bin/kafka-producer-perf-test.sh), and KAFKA_BOOTSTRAP to a running Kafka broker'));
    }
    const records = options.records ?? DEFAULT_RECORDS;
    const runs = options.runs ?? DEFAULT_RUNS;
    const kafka = process.env.KAFKA_BOOTSTRAP;
    const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
    const side = (name: Side, bootstrap: string): PeerSide => ({
      side: name,
      async measure(round, time) {
        const topic = `peer-kafka-${round}-${Date.now()}`;
        await createTopic(bootstrap, topic, 1);
        await time(PRODUCE, () => producerTool(home, bootstrap, topic, records, options.maxWaitMs));
        await time(CONSUME, () => consumerTool(home, bootstrap, topic, records, options.maxWaitMs));
      },
    });
    let samples;
    try {
      samples = await runInterleaved(runs, [...(kafka ? [side('kafka', kafka)] : []), side('tributary', broker.bootstrap)]);
    } catch (err) {
      return selected.map((w) => failedResult(w, `failed: ${(err as Error).message}`));
    } finally {
      await broker.stop();
    }
    return selected.map((w) => peerRow(w, records, RECORD_BYTES, samples.of(w, 'tributary'), samples.of(w, 'kafka')));
  },
};
