// Harness for the stream-stream join ports: two Integer/String input topics, the join result
// captured by a processor (Kafka's MockApiProcessorSupplier), and `out()` = records since last call.
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import type { KStream } from '../../../../src/streams/dsl/kstream.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { Topology } from '../../../../src/streams/topology/topology.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture } from './helpers.ts';

export const I = Serdes.int32();
export const S = Serdes.string();
/** Kafka's MockValueJoiner.TOSTRING_JOINER. */
export const toStringJoiner = (a: unknown, b: unknown) => `${String(a)}+${String(b)}`;
export const quiet = { warn() {}, error() {} };

export async function streamJoinHarness(
  join: (s1: KStream<number, string>, s2: KStream<number, string>) => KStream<number, string>,
  configure?: (topology: Topology) => void,
  storeType: 'memory' | 'leveldb' = 'memory',
  driverConfig: { outerJoinEmitIntervalMs?: number } = {},
) {
  const b = new StreamsBuilder();
  const s1 = b.stream('topic1', Consumed.with(I, S));
  const s2 = b.stream('topic2', Consumed.with(I, S));
  const c = capture<number, string>();
  join(s1, s2).process(c.supplier);
  const topology = b.build();
  configure?.(topology);
  const driver = await TopologyTestDriver.create(topology, { logger: quiet, defaultStoreType: storeType, ...driverConfig });
  return {
    driver,
    topology,
    in1: driver.createInputTopic('topic1', I, S, { startTimestampMs: 0 }),
    in2: driver.createInputTopic('topic2', I, S, { startTimestampMs: 0 }),
    out: c.take,
  };
}
