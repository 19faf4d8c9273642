/*
 * CPU cost per record of SimpleBenchmark's stateful topologies, without a broker: the topology
 * runs in the TopologyTestDriver (one task, in-memory stores, record cache 10 MiB), records are
 * piped in memory, and the figure is the process's CPU time (user + system, process.cpuUsage)
 * per input record, plus the share of it spent in garbage collection (PerformanceObserver "gc"
 * entries). CPU time, unlike wall time, barely moves when other processes load the machine, so
 * before/after pairs of this script stay comparable on a shared 2-core box where the end-to-end
 * workloads (simple-benchmark.ts) vary by 2x between identical runs.
 *
 * Differences from the end-to-end workloads: no client, codec or broker; the driver commits after
 * every record (so caches flush per record); inputs alternate between topic ONE and TWO.
 * Usage: node bin/run-ts.js benchmarks/streams/topology-cpu.ts [records=100000] [workload…]
 * Workloads: tabletablejoin tabletablejoin-nocache streamstreamjoin streamcount.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { JoinWindows } from '../../src/streams/dsl/joins/join-windows.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../src/testing/topology-test-driver.ts';

const I = Serdes.int32();
const B = Serdes.bytes();
const ONE = 'one';
const TWO = 'two';
const KEYS = 10_000;
const joiner = (v1: Buffer, v2: Buffer | null): Buffer => (v2 === null ? v1 : v1.length >= v2.length ? v1 : v2);

interface Spec {
  readonly build: (b: StreamsBuilder, count: () => void) => void;
  readonly cacheMaxBytes: number;
  readonly twoInputs: boolean;
}

const SPECS: Readonly<Record<string, Spec>> = {
  tabletablejoin: {
    twoInputs: true,
    cacheMaxBytes: 10 * 1024 * 1024,
    build: (b, count) => b.table<number, Buffer>(ONE, Consumed.with(I, B)).leftJoin(b.table<number, Buffer>(TWO, Consumed.with(I, B)), joiner).toStream().foreach(count),
  },
  'tabletablejoin-nocache': {
    twoInputs: true,
    cacheMaxBytes: 0,
    build: (b, count) => b.table<number, Buffer>(ONE, Consumed.with(I, B)).leftJoin(b.table<number, Buffer>(TWO, Consumed.with(I, B)), joiner).toStream().foreach(count),
  },
  streamstreamjoin: {
    twoInputs: true,
    cacheMaxBytes: 10 * 1024 * 1024,
    build: (b, count) =>
      b
        .stream<number, Buffer>(ONE, Consumed.with(I, B))
        .leftJoin(b.stream<number, Buffer>(TWO, Consumed.with(I, B)), joiner, JoinWindows.ofTimeDifferenceWithNoGrace(10_000))
        .foreach(count),
  },
  streamcount: {
    twoInputs: false,
    cacheMaxBytes: 10 * 1024 * 1024,
    build: (b, count) => void b.stream<number, Buffer>(ONE, Consumed.with(I, B)).peek(count).groupByKey(Grouped.with(I, B)).count(),
  },
};

async function run(name: string, spec: Spec, records: number): Promise<void> {
  const builder = new StreamsBuilder();
  let outputs = 0;
  spec.build(builder, () => void outputs++);
  const driver = await TopologyTestDriver.create(builder.build(), { cacheMaxBytes: spec.cacheMaxBytes, defaultKeySerde: I as never, defaultValueSerde: B as never });
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  try {
    const one = driver.createInputTopic(ONE, I, B);
    const two = spec.twoInputs ? driver.createInputTopic(TWO, I, B) : undefined;
    // A fixed pseudo-random key sequence and one random 1 KiB value, as SimpleBenchmark loads.
    const value = Buffer.alloc(1024, 7);
    let seed = 1;
    const nextKey = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % KEYS;
    const warm = Math.min(20_000, records);
    for (let i = 0; i < warm; i++) (two !== undefined && i % 2 === 1 ? two : one).pipeInput(nextKey(), value, i);
    outputs = 0;
    observer.observe({ entryTypes: ['gc'] });
    const before = process.cpuUsage();
    const wallStart = performance.now();
    for (let i = 0; i < records; i++) (two !== undefined && i % 2 === 1 ? two : one).pipeInput(nextKey(), value, warm + i);
    const cpu = process.cpuUsage(before);
    const wallMs = performance.now() - wallStart;
    // GC entries reach the observer only after the synchronous loop: Node queues them from a
    // native callback (setImmediate) and delivers them to observers a turn later.
    await new Promise((r) => setTimeout(r, 50));
    for (const e of observer.takeRecords()) gcMs += e.duration;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `${name}: ${((cpuMs * 1000) / records).toFixed(2)} µs CPU/record, GC ${((gcMs / cpuMs) * 100).toFixed(1)}% of CPU, ${outputs} outputs, wall ${(records / (wallMs / 1000)).toFixed(0)} rec/s`,
    );
  } finally {
    observer.disconnect();
    await driver.close();
  }
}

const args = process.argv.slice(2);
const records = args[0] !== undefined && /^\d+$/.test(args[0]) ? Number(args.shift()) : 100_000;
const names = args.length > 0 ? args : Object.keys(SPECS);
for (const name of names) {
  const spec = SPECS[name];
  if (spec === undefined) throw new Error(`unknown workload ${name}; one of ${Object.keys(SPECS).join(', ')}`);
  await run(name, spec, records);
}
