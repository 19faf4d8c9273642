/*
 * Exactly-once streams side by side: Kafka Streams (the distribution's own jars, through
 * streams/StreamCountBench.java) against Tributary, on `streamcount` at at_least_once and at
 * exactly-once, in interleaved rounds (interleaved.ts).
 *
 * Kafka Streams before 2.5 has `exactly_once` (one transactional producer per task, KIP-98), not
 * `exactly_once_v2` (one per thread, KIP-447, needs 2.5+ brokers): the Kafka column is whichever
 * the distribution has — a 2.x one runs `exactly_once`, which is what this suite asks for, and the
 * row says so. Tributary runs `exactly_once_v2`. Both commit every 100 ms under exactly-once
 * (Kafka's default); at_least_once commits every 30 s on both (SimpleBenchmark's setting).
 *
 * Inputs (environment): KAFKA_HOME (bin/kafka-run-class.sh, libs/*.jar, and javac on PATH to
 * compile StreamCountBench.java into a temp directory) and KAFKA_BOOTSTRAP (a running broker
 * of that distribution). Without them only Tributary is measured.
 *
 * Setup (not timed): the same N records (Tributary's data loader, seed 1: Integer keys uniform
 * over 10,000, one random 1 KiB value) into a fresh 1-partition topic on each broker.
 * Clock: from start to the N-th record seen by peek, on both sides (SimpleBenchmark's clock).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrokerProcess } from '../../lib/broker-process.ts';
import { loadTopic } from '../../lib/data-loader.ts';
import { repoRoot, type WorkloadResult } from '../../lib/results.ts';
import { failedResult, type Suite, type SuiteOptions } from '../../lib/suite.ts';
import { ALL_WORKLOADS, SOURCE_TOPIC_ONE } from '../../streams/simple-benchmark.ts';
import { KEY_SPACE, VALUE_SIZE } from '../../streams/suite.ts';
import { peerRow, runInterleaved, type PeerSide } from './interleaved.ts';
import { runTool } from './run-tool.ts';

const DEFAULT_RECORDS = 300_000;
const DEFAULT_RUNS = 3;
const ALOS = 'peer-kafka-streams-streamcount';
const EOS = 'peer-kafka-streams-streamcount-eos';

/** The Kafka Streams side: StreamCountBench compiled into `classes`, run by kafka-run-class.sh. */
function kafkaStreamsSide(home: string, bootstrap: string, topic: string, classes: string, records: number, timeoutMs: number): PeerSide {
  // kafka-run-class.sh puts $CLASSPATH before the distribution's jars.
  const env = { ...process.env, CLASSPATH: [classes, process.env.CLASSPATH].filter((x) => x).join(':') };
  const once = async (guarantee: string): Promise<number> => {
    const stateDir = await mkdtemp(join(tmpdir(), 'kstreams-bench-'));
    try {
      const out = await runTool(join(home, 'bin/kafka-run-class.sh'), ['StreamCountBench', bootstrap, topic, String(records), guarantee, stateDir], timeoutMs, env);
      const line = out.split('\n').find((l) => l.startsWith('{"system"'));
      const seconds = line === undefined ? undefined : (JSON.parse(line) as { seconds?: unknown }).seconds;
      if (typeof seconds !== 'number') throw new Error(`StreamCountBench printed no result: ${out.slice(-400)}`);
      return records / seconds;
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  };
  return {
    side: 'kafka',
    async measure(_round, time) {
      await time(ALOS, () => once('at_least_once'));
      await time(EOS, () => once('exactly_once'));
    },
  };
}

function tributarySide(bootstrap: string, records: number, maxWaitMs: number): PeerSide {
  const workload = (name: string) => ALL_WORKLOADS.find((w) => w.name === name)!;
  const once = async (name: string): Promise<number> => {
    const r = await workload(name).run({ bootstrap, records, maxWaitMs });
    if (r.records < records) throw new Error(`${name}: ${r.records} of ${records} records (${r.note ?? ''})`);
    return r.recordsPerSec;
  };
  return {
    side: 'tributary',
    async measure(_round, time) {
      await time(ALOS, () => once('streamcount'));
      await time(EOS, () => once('streamcount-eos'));
    },
  };
}

async function loadSource(bootstrap: string, topic: string, records: number): Promise<void> {
  // loadTopic creates the 1-partition topic itself.
  await loadTopic(bootstrap, { topic, records, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 1, baseTimestamp: Date.now() - 2 * records });
}

export const kafkaStreamsPeerSuite: Suite = {
  name: 'peer-kafka-streams',
  description: 'streamcount at at_least_once and exactly-once: Kafka Streams (KAFKA_HOME, on KAFKA_BOOTSTRAP) vs Tributary, interleaved',
  workloads: [ALOS, EOS],
  references: {},
  inDefaultRun: false,
  async run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
    const records = options.records ?? DEFAULT_RECORDS;
    const runs = options.runs ?? DEFAULT_RUNS;
    const home = process.env.KAFKA_HOME;
    const kafka = process.env.KAFKA_BOOTSTRAP;
    const jvm = home !== undefined && kafka !== undefined && existsSync(join(home, 'bin/kafka-run-class.sh'));
    const classes = await mkdtemp(join(tmpdir(), 'kstreams-bench-classes-'));
    const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
    let samples;
    try {
      const sides: PeerSide[] = [];
      if (jvm) {
        const source = join(repoRoot, 'benchmarks/peers/kafka/streams/StreamCountBench.java');
        await runTool('javac', ['-nowarn', '-d', classes, '-cp', join(home, 'libs/*'), source], options.maxWaitMs);
        const topic = `peer-streams-source-${Date.now()}`;
        await loadSource(kafka, topic, records);
        sides.push(kafkaStreamsSide(home, kafka, topic, classes, records, options.maxWaitMs));
      }
      await loadSource(broker.bootstrap, SOURCE_TOPIC_ONE, records);
      sides.push(tributarySide(broker.bootstrap, records, options.maxWaitMs));
      samples = await runInterleaved(runs, sides);
    } catch (err) {
      return selected.map((w) => failedResult(w, `failed: ${(err as Error).message}`));
    } finally {
      await broker.stop();
      await rm(classes, { recursive: true, force: true });
    }
    return selected.map((w) => {
      const row = peerRow(w, records, VALUE_SIZE, samples.of(w, 'tributary'), samples.of(w, 'kafka'));
      const eos = w === EOS ? 'Kafka Streams: exactly_once (per-task producers, the only EOS before 2.5); Tributary: exactly_once_v2; ' : '';
      return { ...row, note: `${eos}${row.note ?? ''}` };
    });
  },
};
