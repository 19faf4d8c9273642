/*
 * Async enrichment (issue 20): each record awaits a simulated 5 ms remote call through
 * mapValuesAsync, at concurrency 1, 16 and 128 (per task; one partition, so one task), on the
 * bundled broker in its own process.
 *
 *   source (N records, int keys over 10,000, 100 B values, 1 partition)
 *     → mapValuesAsync(await 5 ms timer; value unchanged, ordered) → peek(count) → to(sink)
 *
 * Clock: as SimpleBenchmark's (simple-benchmark.ts, runStreamsOn): from before
 * KafkaStreams.start() until the N-th record has left the async operator. At_least_once with a
 * 30 s commit interval. The ideal rate is concurrency × 200 records/s (each call holds a slot for
 * 5 ms); `ofIdealPercent` is the measured rate over it — what the operator, the drain at the
 * thread loop's safe points, timer granularity and the group join inside the clock cost.
 * `steadyRecordsPerSec` leaves startup out: first to N-th record out of the operator.
 * Default N per concurrency: 40 s of ideal work at most, at least 1,000 (--records overrides).
 * The same pipeline in nodefluent kafka-streams: the peer suite's peer-nodefluent-asyncenrichment-*
 * workloads (benchmarks/peers/suite.ts; `npm run bench -- async peer-nodefluent-asyncenrichment-c1 …`).
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { startBrokerProcess } from '../lib/broker-process.ts';
import { createTopic, loadTopic } from '../lib/data-loader.ts';
import type { WorkloadResult } from '../lib/results.ts';
import { failedResult, type Suite, type SuiteOptions } from '../lib/suite.ts';
import { runStreamsOn } from './simple-benchmark.ts';

export const ASYNC_TOPIC = 'asyncEnrichmentSource';
const TOPIC = ASYNC_TOPIC;
const CALL_MS = 5;
export const ASYNC_VALUE_SIZE = 100;
export const ASYNC_KEY_SPACE = 10_000;
const VALUE_SIZE = ASYNC_VALUE_SIZE;
const KEY_SPACE = ASYNC_KEY_SPACE;
export const CONCURRENCIES = [1, 16, 128] as const;
export const ASYNC_DEFAULT_RECORDS: Readonly<Record<number, number>> = { 1: 1_000, 16: 16_000, 128: 64_000 };

const I = Serdes.int32();
const B = Serdes.bytes();
const workloadName = (c: number): string => `asyncenrichment-c${c}`;
const call = (value: Buffer): Promise<Buffer> => new Promise((r) => setTimeout(() => r(value), CALL_MS));

async function runOne(bootstrap: string, concurrency: number, records: number, maxWaitMs: number): Promise<WorkloadResult> {
  const sink = `asyncEnrichmentSink-c${concurrency}-${process.pid}`;
  await createTopic(bootstrap, sink, 1);
  // Steady state: from the first record out of the operator to the N-th (startup excluded).
  let first = 0;
  let nth = 0;
  let seen = 0;
  const r = await runStreamsOn({ bootstrap, records, maxWaitMs }, workloadName(concurrency), (b, count) =>
    b
      .stream<number, Buffer>(TOPIC, Consumed.with(I, B))
      .mapValuesAsync(call, { concurrency })
      .peek((k, v) => {
        if (++seen === 1) first = performance.now();
        if (seen === records) nth = performance.now();
        count(k, v);
      })
      .to(sink, Produced.with(I, B)),
  );
  const ideal = (concurrency * 1000) / CALL_MS;
  const steady = nth > first ? Math.round(((records - 1) * 1000) / (nth - first)) : 0;
  const percent = (rate: number): number => Math.round((1000 * rate) / ideal) / 10;
  return { ...r, metrics: { ...r.metrics, concurrency, idealRecordsPerSec: ideal, ofIdealPercent: percent(r.recordsPerSec), steadyRecordsPerSec: steady, steadyOfIdealPercent: percent(steady) } };
}

async function run(selected: readonly string[], options: SuiteOptions): Promise<WorkloadResult[]> {
  const chosen = CONCURRENCIES.filter((c) => selected.includes(workloadName(c)));
  const most = Math.max(...chosen.map((c) => options.records ?? ASYNC_DEFAULT_RECORDS[c]!));
  const broker = await startBrokerProcess(['--group-initial-rebalance-delay-ms', '0']);
  const results: WorkloadResult[] = [];
  try {
    console.error(`[async] broker ${broker.bootstrap}; loading ${most.toLocaleString('en-US')} records (not timed)…`);
    await loadTopic(broker.bootstrap, { topic: TOPIC, records: most, keySpace: KEY_SPACE, valueSize: VALUE_SIZE, seed: 1, baseTimestamp: Date.now() - most });
    for (const c of chosen) {
      console.error(`[async] running ${workloadName(c)}…`);
      try {
        results.push(await runOne(broker.bootstrap, c, options.records ?? ASYNC_DEFAULT_RECORDS[c]!, options.maxWaitMs));
      } catch (e) {
        results.push(failedResult(workloadName(c), `failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  } finally {
    await broker.stop();
  }
  return results;
}

export const asyncSuite: Suite = {
  name: 'async',
  description: `async enrichment: mapValuesAsync awaiting a ${CALL_MS} ms call per record, concurrency ${CONCURRENCIES.join(' / ')}, 1 partition`,
  workloads: CONCURRENCIES.map(workloadName),
  references: {},
  inDefaultRun: true,
  run,
};
