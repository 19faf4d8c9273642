/*
 * Transactions side by side: librdkafka (confluent-kafka-python, benchmarks/clients/
 * confluent_bench.py) producing transactionally and fetching read_committed, against the bundled
 * broker and against a running Apache Kafka broker, in interleaved rounds (interleaved.ts).
 *
 * Inputs (environment): KAFKA_BOOTSTRAP, host:port of a running Kafka broker (PLAINTEXT; single
 * node, with transaction.state.log.replication.factor=1 and transaction.state.log.min.isr=1 so
 * its transaction coordinator can start). Without it only the bundled broker is measured.
 * BENCH_TRIBUTARY_FSYNC=never starts the bundled broker with `--fsync never`. Its default
 * ('acks-all') fdatasyncs every acks=all produce and every transaction state change before it
 * answers. Kafka's defaults (log.flush.interval.messages unbounded) never fsync and rely on
 * replication instead, so `never` is the like-for-like durability setting against a Kafka that
 * runs with its defaults. The row's note says which setting was used.
 *
 * Per round and broker, each on fresh 1-partition topics (N = --records, default 200 000, 100 B
 * values, null keys):
 *   baseline-produce     N records, plain producer, acks=all (what the transactional producer's
 *                        figure costs relative to);
 *   produce-1000 / -100  N records, transactional producer committing every 1000 / 100 records
 *                        (init_transactions before the clock; the clock stops at the last commit);
 *   fetch-read-committed / fetch-read-uncommitted
 *                        the N records of the produce-100 topic (one COMMIT marker per 100
 *                        records) read from the start with isolation.level as named.
 * The rate is records/s from the client's own clock (confluent_bench.py prints the seconds).
 */
import type { WorkloadResult } from '../../lib/results.ts';
import { startBrokerProcess } from '../../lib/broker-process.ts';
import { createTopic } from '../../lib/data-loader.ts';
import { failedResult, type Suite, type SuiteOptions } from '../../lib/suite.ts';
import { confluentBench } from '../../broker/clients.ts';
import { peerRow, runInterleaved, type PeerSide, type Side } from './interleaved.ts';

const RECORD_BYTES = 100;
const DEFAULT_RECORDS = 200_000;
const DEFAULT_RUNS = 3;

export const TXN_WORKLOADS = {
  baseline: 'peer-kafka-txn-baseline-produce-100b',
  produce1000: 'peer-kafka-txn-produce-100b-per-txn-1000',
  produce100: 'peer-kafka-txn-produce-100b-per-txn-100',
  readCommitted: 'peer-kafka-txn-fetch-read-committed-100b',
  readUncommitted: 'peer-kafka-txn-fetch-read-uncommitted-100b',
} as const;

/** records/s from one confluent_bench.py run that printed {"records", "seconds"}. */
export async function confluentRate(args: readonly string[], timeoutMs: number): Promise<number> {
  const out = await confluentBench(args, timeoutMs);
  const { records, seconds } = out;
  if (typeof records !== 'number' || typeof seconds !== 'number' || seconds <= 0) {
    throw new Error(`confluent_bench.py ${args.join(' ')}: no records/seconds in ${JSON.stringify(out)}`);
  }
  return records / seconds;
}

function txnSide(side: Side, bootstrap: string, records: number, timeoutMs: number): PeerSide {
  const n = String(records);
  const size = String(RECORD_BYTES);
  return {
    side,
    async measure(round, time) {
      const prefix = `peer-txn-${round}-${Date.now()}`;
      const plain = `${prefix}-plain`;
      const t1000 = `${prefix}-t1000`;
      const t100 = `${prefix}-t100`;
      for (const t of [plain, t1000, t100]) await createTopic(bootstrap, t, 1);
      await time(TXN_WORKLOADS.baseline, () => confluentRate(['produce', bootstrap, plain, n, size, 'all'], timeoutMs));
      await time(TXN_WORKLOADS.produce1000, () => confluentRate(['produce-txn', bootstrap, t1000, n, size, '1000'], timeoutMs));
      await time(TXN_WORKLOADS.produce100, () => confluentRate(['produce-txn', bootstrap, t100, n, size, '100'], timeoutMs));
      await time(TXN_WORKLOADS.readCommitted, () => confluentRate(['-X', 'isolation.level=read_committed', 'consume', bootstrap, t100, n], timeoutMs));
      await time(TXN_WORKLOADS.readUncommitted, () => confluentRate(['-X', 'isolation.level=read_uncommitted', 'consume', bootstrap, t100, n], timeoutMs));
    },
  };
}

export const kafkaTxnPeerSuite: Suite = {
  name: 'peer-kafka-txn',
  description: 'librdkafka transactional produce and read_committed fetch on the bundled broker and on a Kafka broker (KAFKA_BOOTSTRAP), interleaved',
  workloads: Object.values(TXN_WORKLOADS),
  references: {},
  inDefaultRun: false,
  async run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
    const records = options.records ?? DEFAULT_RECORDS;
    const runs = options.runs ?? DEFAULT_RUNS;
    const kafka = process.env.KAFKA_BOOTSTRAP;
    const fsync = process.env.BENCH_TRIBUTARY_FSYNC;
    if (fsync !== undefined && fsync !== 'never' && fsync !== 'acks-all') {
      return selected.map((w) => failedResult(w, `BENCH_TRIBUTARY_FSYNC must be never or acks-all, not ${JSON.stringify(fsync)}`));
    }
    const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0', ...(fsync === undefined ? [] : ['--fsync', fsync])]);
    let samples;
    try {
      const sides = [...(kafka ? [txnSide('kafka', kafka, records, options.maxWaitMs)] : []), txnSide('tributary', broker.bootstrap, records, options.maxWaitMs)];
      samples = await runInterleaved(runs, sides);
    } catch (err) {
      return selected.map((w) => failedResult(w, `failed: ${(err as Error).message}`));
    } finally {
      await broker.stop();
    }
    return selected.map((w) => {
      const row = peerRow(w, records, RECORD_BYTES, samples.of(w, 'tributary'), samples.of(w, 'kafka'));
      return { ...row, note: `Tributary fsync ${fsync ?? 'acks-all'}; ${row.note ?? ''}` };
    });
  },
};
