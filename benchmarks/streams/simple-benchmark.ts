/*
 * Kafka Streams' SimpleBenchmark workloads (apache/kafka streams/src/test/java/.../perf/
 * SimpleBenchmark.java, 2.x) on Tributary, against a broker over TCP.
 *
 * Inputs (loaded before, not timed, by the runner): topic ONE and — for the joins — topic TWO, each
 * N records in 1 partition, Integer keys uniform over 10,000 values, one random 1 KiB value.
 *
 * How each workload counts and clocks, as SimpleBenchmark does:
 *  - consume / consumeproduce: a plain consumer assigned to partition 0 from the beginning; the
 *    clock runs from before the consumer is created until the N-th record is seen (consumeproduce:
 *    and every record re-sent to the sink topic is acknowledged — Java's producer.close() flushes
 *    inside the timed block).
 *  - streams workloads: the clock starts just before KafkaStreams.start() (startup, group join and
 *    internal topic creation are inside it) and stops when a counting action has seen N records:
 *    `peek` right after the source for the stateless/stateful ones, `foreach` on the join output
 *    for the three joins (so joins count join results, as the Java latch does). close() is outside.
 *  - bytes counted per record: 4 (int key) + value length, as processedBytes in Java.
 * Streams settings: one thread, commit interval 30 s, in-memory stores (the peer figures used
 * in-memory stores), one record cache of 10 MiB for the thread (statestore.cache.max.bytes's
 * default, as SimpleBenchmark runs) except where noted. Every stateful workload also runs as
 * `<name>-leveldb`: the same topology with LevelDB stores (durable, what users run).
 *
 * Deviations (named in each workload's `note`): windows use no grace (the input is in time order,
 * so no record is late either way). tabletablejoin counts join results with the cache on, as Java
 * does: with 10,000 keys of 1 KiB the two source tables overflow the 10 MiB cache, so evictions
 * forward nearly every update; `tabletablejoin-nocache` is the same with the cache off (every
 * update reaches the join), and `streamcountwindowed-nocache` is streamcountwindowed with the cache
 * off (the baseline the window record cache must beat).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { JoinWindows } from '../../src/streams/dsl/joins/join-windows.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { clientFactoryFor } from '../../src/streams/runtime/runtime-deps.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Processor } from '../../src/streams/processor/processor.ts';
import type { KeyValueStore } from '../../src/streams/state/store-types.ts';
import { Stores } from '../../src/streams/state/stores.ts';
import type { WindowStore } from '../../src/streams/state/window/window-store-types.ts';
import { WindowStores } from '../../src/streams/state/window/window-stores.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';
import type { ProducerRecord } from '../../src/client/types.ts';
import { createTopic } from '../lib/data-loader.ts';
import { result, type WorkloadResult } from '../lib/results.ts';

export const SOURCE_TOPIC_ONE = 'simpleBenchmarkSourceTopic1';
export const SOURCE_TOPIC_TWO = 'simpleBenchmarkSourceTopic2';
const KEY_BYTES = 4;
const AGGREGATE_WINDOW_SIZE = 1000;
const AGGREGATE_WINDOW_ADVANCE = 500;
const STREAM_STREAM_JOIN_WINDOW = 10_000;
const COMMIT_INTERVAL_MS = 30_000;
const MAX_POLL_RECORDS = 500;

export interface WorkloadContext {
  readonly bootstrap: string;
  readonly records: number;
  /** Gives up (and reports what was counted, with a note) after this long. */
  readonly maxWaitMs: number;
  /** exactly_once_v2 variants (name suffix "-eos"): the guarantee and its default 100 ms commit interval. */
  readonly exactlyOnce?: boolean;
}

export interface Workload {
  readonly name: string;
  /** Needs topic TWO loaded as well. */
  readonly twoInputs: boolean;
  run(ctx: WorkloadContext): Promise<WorkloadResult>;
}

const I = Serdes.int32();
const B = Serdes.bytes();
const silent = { warn: () => {}, error: (m: string) => console.error(`  [streams] ${m}`) };
let runSeq = 0;

// ---------------------------------------------------------------------------------------------
// Plain clients (through src/client, the layer the runtime uses).

async function consume(ctx: WorkloadContext, produce: boolean): Promise<WorkloadResult> {
  const name = produce ? 'consumeproduce' : 'consume';
  const sink = `simpleBenchmarkSinkTopic-${name}-${process.pid}-${runSeq++}`;
  if (produce) await createTopic(ctx.bootstrap, sink, 1);
  const clients = clientFactoryFor([ctx.bootstrap], `simple-benchmark-${name}`);
  const start = performance.now();
  const consumer = clients.assignedConsumer({ offsetReset: 'earliest', maxWaitMs: 100 });
  const producer = produce ? clients.producer({ acks: 1 }) : undefined;
  let processed = 0;
  let bytes = 0;
  const sends: Promise<unknown>[] = [];
  let timedOut = false;
  try {
    await consumer.connect();
    await producer?.connect();
    await consumer.assign([{ topic: SOURCE_TOPIC_ONE, partition: 0, offset: 0 }]);
    const deadline = start + ctx.maxWaitMs;
    while (processed < ctx.records) {
      if (performance.now() > deadline) {
        timedOut = true;
        break;
      }
      for (const batch of await consumer.poll(MAX_POLL_RECORDS, 100)) {
        const out: ProducerRecord[] = [];
        for (const r of batch.records) {
          if (processed === ctx.records) break;
          processed++;
          bytes += KEY_BYTES + (r.value?.length ?? 0);
          if (producer) out.push({ topic: sink, partition: 0, key: r.key, value: r.value, timestamp: r.timestamp, headers: {} });
        }
        if (producer && out.length > 0) sends.push(producer.send(out));
      }
    }
    await Promise.all(sends);
    await producer?.flush();
  } finally {
    await producer?.disconnect();
    await consumer.disconnect();
  }
  const seconds = (performance.now() - start) / 1000;
  return result(name, processed, bytes, seconds, timedOut ? { note: `timed out after ${ctx.maxWaitMs} ms` } : {});
}

// ---------------------------------------------------------------------------------------------
// Streams workloads.

interface Counter {
  readonly action: (key: unknown, value: Buffer | null) => void;
  processed(): number;
  bytes(): number;
  done: Promise<void>;
}

function counter(target: number): Counter {
  let n = 0;
  let b = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    action: (_k, v) => {
      n++;
      b += KEY_BYTES + (v?.length ?? 0);
      if (n === target) resolve();
    },
    processed: () => n,
    bytes: () => b,
    done,
  };
}

export async function runStreamsOn(
  ctx: WorkloadContext,
  name: string,
  build: (builder: StreamsBuilder, count: Counter['action']) => void,
  options: { cacheMaxBytes?: number; note?: string; storeType?: StoreType } = {},
): Promise<WorkloadResult> {
  const c = counter(ctx.records);
  const builder = new StreamsBuilder();
  build(builder, c.action);
  if (ctx.exactlyOnce === true) name = `${name}-eos`;
  const stateDir = mkdtempSync(join(tmpdir(), `tributary-bench-${name}-`));
  const streams = new KafkaStreams(builder.build(), {
    applicationId: `simple-benchmark-${name}-${process.pid}-${runSeq++}`,
    bootstrapServers: [ctx.bootstrap],
    stateDir,
    ...(ctx.exactlyOnce === true ? { processingGuarantee: 'exactly_once_v2' as const } : { commitIntervalMs: COMMIT_INTERVAL_MS }),
    defaultStoreType: options.storeType ?? 'memory',
    defaultKeySerde: I as never,
    defaultValueSerde: B as never,
    ...(options.cacheMaxBytes === undefined ? {} : { cacheMaxBytes: options.cacheMaxBytes }),
    logger: silent,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ctx.maxWaitMs)));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let outcome: 'done' | 'timeout';
  try {
    await streams.start();
    outcome = await Promise.race([c.done.then(() => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const seconds = (performance.now() - start) / 1000;
  // The app's own CPU time (user + system) per record: on a shared machine the wall clock
  // measures the neighbours too, CPU time mostly measures this code.
  const cpu = process.cpuUsage(cpuStart);
  const processed = c.processed();
  const bytes = c.bytes();
  try {
    await streams.close();
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  const notes = [options.note, outcome === 'timeout' ? `timed out after ${ctx.maxWaitMs} ms (state ${streams.state})` : undefined].filter((x) => x !== undefined);
  const metrics = { appCpuUsPerRecord: processed > 0 ? Math.round(((cpu.user + cpu.system) / processed) * 10) / 10 : 0 };
  return result(name, processed, bytes, seconds, { metrics, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) });
}

type StoreType = 'memory' | 'leveldb';

/** streamprocesswithstatestore's processor (as Java's): get, then put, every record in store `name`. */
export function getPutProcessor(name: string): () => Processor<number, Buffer, never, never> {
  return () => {
    let store!: KeyValueStore<number, Buffer>;
    return {
      init(c) {
        store = c.getStateStore<KeyValueStore<number, Buffer>>(name);
      },
      process(r) {
        store.get(r.key);
        store.put(r.key, r.value);
      },
    };
  };
}

const source = (b: StreamsBuilder, topic: string) => b.stream<number, Buffer>(topic, Consumed.with(I, B));
const joiner = (v1: Buffer, v2: Buffer | null): Buffer => (v2 === null ? v1 : v1.length >= v2.length ? v1 : v2);

const STATELESS: readonly Workload[] = [
  { name: 'consume', twoInputs: false, run: (ctx) => consume(ctx, false) },
  { name: 'consumeproduce', twoInputs: false, run: (ctx) => consume(ctx, true) },
  {
    name: 'streamprocess',
    twoInputs: false,
    run: (ctx) => runStreamsOn(ctx, 'streamprocess', (b, count) => void source(b, SOURCE_TOPIC_ONE).peek(count)),
  },
  {
    name: 'streamprocesswithsink',
    twoInputs: false,
    run: async (ctx) => {
      const sink = `simpleBenchmarkSinkTopic-sink-${process.pid}-${runSeq++}`;
      await createTopic(ctx.bootstrap, sink, 1);
      return runStreamsOn(ctx, 'streamprocesswithsink', (b, count) => source(b, SOURCE_TOPIC_ONE).peek(count).to(sink, Produced.with(I, B)));
    },
  },
];

/** The stateful workloads, with stores of `type` (names get `-leveldb` for LevelDB). */
function statefulWorkloads(type: StoreType): Workload[] {
  const kv = (name: string) => (type === 'memory' ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name));
  const windows = (name: string) => {
    const o = { retentionMs: AGGREGATE_WINDOW_SIZE * 3, windowSizeMs: AGGREGATE_WINDOW_SIZE };
    return type === 'memory' ? WindowStores.inMemoryWindowStore(name, o) : WindowStores.persistentWindowStore(name, o);
  };
  const suffix = type === 'memory' ? '' : '-leveldb';
  const runStreams = (ctx: WorkloadContext, name: string, build: (builder: StreamsBuilder, count: Counter['action']) => void, options: { cacheMaxBytes?: number; note?: string } = {}) =>
    runStreamsOn(ctx, name + suffix, build, { ...options, storeType: type });
  const workloads: Workload[] = [
    {
      name: 'streamprocesswithstatestore',
      twoInputs: false,
      run: (ctx) =>
        runStreams(ctx, 'streamprocesswithstatestore', (b, count) => {
          b.addStateStore(Stores.keyValueStoreBuilder(kv('store'), I, B).withCachingEnabled());
          source(b, SOURCE_TOPIC_ONE)
            .peek(count)
            .process<never, never>(getPutProcessor('store'), 'store-processor', 'store');
        }),
    },
    {
      name: 'streamprocesswithwindowstore',
      twoInputs: false,
      run: (ctx) =>
        runStreams(
          ctx,
          'streamprocesswithwindowstore',
          (b, count) => {
            b.addStateStore(
              WindowStores.windowStoreBuilder(windows('store'), I, B).withCachingEnabled(),
            );
            source(b, SOURCE_TOPIC_ONE)
              .peek(count)
              .process<never, never>(() => {
                let store!: WindowStore<number, Buffer>;
                return {
                  init(c) {
                    store = c.getStateStore<WindowStore<number, Buffer>>('store');
                  },
                  process(r) {
                    // As Java: keys key-10..key+10 over [ts - 1 s, ts + 1 s], then put at ts. The
                    // int serde's bytes put key-10 < 0 after key+10, so keys 0..9 fetch nothing (as in Java).
                    const it = store.fetch(r.key - 10, r.key + 10, r.timestamp - 1000, r.timestamp + 1000);
                    for (const _ of it) void _;
                    it.close();
                    store.put(r.key, r.value, r.timestamp);
                  },
                };
              }, 'window-store-processor', 'store');
          },
        ),
    },
    {
      name: 'streamcount',
      twoInputs: false,
      run: (ctx) => runStreams(ctx, 'streamcount', (b, count) => void source(b, SOURCE_TOPIC_ONE).peek(count).groupByKey(Grouped.with(I, B)).count()),
    },
    ...[true, false].map(
      (cached): Workload => ({
        name: cached ? 'streamcountwindowed' : 'streamcountwindowed-nocache',
        twoInputs: false,
        run: (ctx) =>
          runStreams(
            ctx,
            cached ? 'streamcountwindowed' : 'streamcountwindowed-nocache',
            (b, count) =>
              void source(b, SOURCE_TOPIC_ONE)
                .peek(count)
                .groupByKey(Grouped.with(I, B))
                .windowedBy(TimeWindows.ofSizeWithNoGrace(AGGREGATE_WINDOW_SIZE).advanceBy(AGGREGATE_WINDOW_ADVANCE))
                .count(),
            cached ? {} : { cacheMaxBytes: 0, note: 'record cache off' },
          ),
      }),
    ),
    {
      name: 'streamtablejoin',
      twoInputs: true,
      run: (ctx) =>
        runStreams(ctx, 'streamtablejoin', (b, count) => {
          const table = b.table<number, Buffer>(SOURCE_TOPIC_TWO, Consumed.with(I, B));
          source(b, SOURCE_TOPIC_ONE).leftJoin(table, joiner).foreach(count);
        }),
    },
    {
      name: 'streamstreamjoin',
      twoInputs: true,
      run: (ctx) =>
        runStreams(ctx, 'streamstreamjoin', (b, count) => {
          const other = source(b, SOURCE_TOPIC_TWO);
          source(b, SOURCE_TOPIC_ONE).leftJoin(other, joiner, JoinWindows.ofTimeDifferenceWithNoGrace(STREAM_STREAM_JOIN_WINDOW)).foreach(count);
        }),
    },
    ...[true, false].map(
      (cached): Workload => ({
        name: cached ? 'tabletablejoin' : 'tabletablejoin-nocache',
        twoInputs: true,
        run: (ctx) =>
          runStreams(
            ctx,
            cached ? 'tabletablejoin' : 'tabletablejoin-nocache',
            (b, count) => {
              const t1 = b.table<number, Buffer>(SOURCE_TOPIC_ONE, Consumed.with(I, B));
              const t2 = b.table<number, Buffer>(SOURCE_TOPIC_TWO, Consumed.with(I, B));
              t1.leftJoin(t2, joiner).toStream().foreach(count);
            },
            cached ? {} : { cacheMaxBytes: 0, note: 'record cache off' },
          ),
      }),
    ),
  ];
  return workloads.map((w) => ({ ...w, name: w.name + suffix }));
}

export const WORKLOADS: readonly Workload[] = [...STATELESS, ...statefulWorkloads('memory'), ...statefulWorkloads('leveldb')];

/**
 * The exactly-once variants (issue target: at least 0.8× the at_least_once figure): the same
 * topology with processingGuarantee 'exactly_once_v2' and Kafka's EOS commit interval (100 ms), so
 * a transaction commits ten times a second inside the clock.
 */
const EOS_VARIANTS = ['streamprocesswithsink', 'streamcount', 'streamtablejoin'];
export const ALL_WORKLOADS: readonly Workload[] = [
  ...WORKLOADS,
  ...WORKLOADS.filter((w) => EOS_VARIANTS.includes(w.name)).map((w) => ({ ...w, name: `${w.name}-eos`, run: (ctx: WorkloadContext) => w.run({ ...ctx, exactlyOnce: true }) })),
];
