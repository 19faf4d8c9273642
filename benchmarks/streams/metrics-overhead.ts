/*
 * Benchmark: what the streams metrics cost on the per-record path, at each recording level.
 *
 * One StreamTask of a count topology (source → groupByKey → count on an in-memory store with
 * caching → sink), driven directly (no broker, no driver): add a batch, process it, flush caches,
 * as the stream thread does. Scenarios:
 *   none    TaskConfig.metrics undefined (no sensors at all: the baseline)
 *   INFO    the default level: dropped-records and sink end-to-end latency per record
 *   DEBUG   plus task process/lateness and every store operation timed
 * Runs are interleaved (none, INFO, DEBUG, none, INFO, DEBUG …) so load changes on a shared
 * machine hit every scenario alike; reports the median records/s per scenario and the median
 * of the per-round ratios against `none`.
 * Usage: node bin/run-ts.js benchmarks/streams/metrics-overhead.ts [records=200000] [rounds=7]
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../src/logging/logger.ts';
import { DeserializationHandlers } from '../../src/streams/errors/deserialization-handler.ts';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { StreamsMetrics } from '../../src/streams/metrics/streams-metrics.ts';
import type { RecordingLevel } from '../../src/metrics/metric-registry.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { ConsumedRecord } from '../../src/streams/task/partition-group.ts';
import { StreamTask, type TaskConfig } from '../../src/streams/task/stream-task.ts';

const records = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 7);
const BATCH = 1000;

function topology() {
  const b = new StreamsBuilder();
  b.stream('in', Consumed.with(Serdes.string(), Serdes.string()))
    .groupByKey(Grouped.with(Serdes.string(), Serdes.string()))
    .count(Materialized.as('counts'))
    .toStream()
    .to('out', Produced.with(Serdes.string(), Serdes.int64()));
  return b.build();
}

const input: ConsumedRecord[] = Array.from({ length: records }, (_, i) => ({
  topic: 'in', partition: 0, offset: i, timestamp: 1_000_000 + i, key: Buffer.from(`key-${i % 5000}`), value: Buffer.from('v'), headers: {},
}));

async function run(level: RecordingLevel | 'none'): Promise<number> {
  const t = topology();
  const config: TaskConfig = {
    applicationId: 'bench', stateDir: '/nonexistent', defaultKeySerde: undefined, defaultValueSerde: undefined,
    deserializationHandler: DeserializationHandlers.logAndFail(silentLogger), defaultStoreType: 'memory',
    cacheMaxBytes: 10 * 1024 * 1024, logger: silentLogger,
    metrics: level === 'none' ? undefined : new StreamsMetrics({ clientId: 'bench', level, logger: silentLogger }).thread('bench-StreamThread-1'),
  };
  let sent = 0;
  const task = new StreamTask(t, t.subtopologies()[0]!, 0, config, { send: () => void sent++, changelog: { send: () => {} }, now: Date.now });
  await task.initialize();
  const start = performance.now();
  for (let i = 0; i < records; i += BATCH) {
    task.addRecords(input.slice(i, i + BATCH));
    task.processAll();
    task.flushCaches();
  }
  const elapsed = performance.now() - start;
  await task.close();
  if (sent === 0) throw new Error('nothing reached the sink');
  return records / (elapsed / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const scenarios = ['none', 'INFO', 'DEBUG'] as const;
const results = new Map<string, number[]>(scenarios.map((s) => [s, []]));
const ratios = new Map<string, number[]>([['INFO', []], ['DEBUG', []]]);
for (const s of scenarios) await run(s); // warm-up
for (let r = 0; r < rounds; r++) {
  const round = new Map<string, number>();
  for (const s of scenarios) {
    const rate = await run(s);
    round.set(s, rate);
    results.get(s)!.push(rate);
  }
  for (const s of ['INFO', 'DEBUG']) ratios.get(s)!.push(round.get(s)! / round.get('none')!);
}
const { loadavg } = await import('node:os');
console.log(`records ${records} × ${rounds} interleaved rounds, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const s of scenarios) {
  const ratio = s === 'none' ? '' : `  median ratio to none ${(median(ratios.get(s)!) * 100).toFixed(1)}%`;
  console.log(`${s.padEnd(6)} ${Math.round(median(results.get(s)!)).toLocaleString('en')} records/s${ratio}`);
}
