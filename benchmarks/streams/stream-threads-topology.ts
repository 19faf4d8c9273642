/*
 * The topology module of the stream-threads benchmark (stream-threads.ts): every stream thread
 * imports it. $TRIBUTARY_BENCH_THREADS_WORKLOAD picks the SimpleBenchmark workload:
 *   streamprocesswithstatestore   get + put of every record in an in-memory store (cached)
 *   streamcount                   count per key (groupByKey().count(), in-memory)
 * Keys are 4-byte ints, values 1 KiB buffers (benchmarks/lib/data-loader.ts).
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { Stores } from '../../src/streams/state/stores.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { getPutProcessor } from './simple-benchmark.ts';

export const THREADS_SOURCE_TOPIC = 'streamThreadsBenchmarkSource';
export const THREAD_WORKLOADS = ['streamprocesswithstatestore', 'streamcount'] as const;

const I = Serdes.int32();
const B = Serdes.bytes();

export function topology(): Topology {
  const workload = process.env['TRIBUTARY_BENCH_THREADS_WORKLOAD'];
  const b = new StreamsBuilder();
  const source = b.stream<number, Buffer>(THREADS_SOURCE_TOPIC, Consumed.with(I, B));
  if (workload === 'streamcount') {
    source.groupByKey(Grouped.with(I, B)).count();
  } else if (workload === 'streamprocesswithstatestore') {
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('store'), I, B).withCachingEnabled());
    source.process<never, never>(getPutProcessor('store'), 'store-processor', 'store');
  } else {
    throw new Error(`TRIBUTARY_BENCH_THREADS_WORKLOAD must be one of ${THREAD_WORKLOADS.join(', ')} (got ${String(workload)})`);
  }
  return b.build();
}

export const streamsConfig = { defaultKeySerde: I, defaultValueSerde: B };
