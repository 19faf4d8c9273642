// merge.repartition.topics. Ported from Apache Kafka Streams' RepartitionOptimizingTest
// (streams/src/test/java/org/apache/kafka/streams/processor/internals/RepartitionOptimizingTest.java):
// one key change (map) feeding a count, an aggregate, a reduce further downstream, a stream-stream
// join and a side branch, built with 'all' (one repartition topic) and 'none' (four); describe()
// must be Kafka's text exactly and the outputs through the TopologyTestDriver the same. Plus the
// rules Kafka's mergeRepartitionTopics keeps: a mapValues between the key change and a grouping
// leaves that grouping's topic alone, KStream.repartition() is never merged, a merge node takes
// the repartitions of the key changers above it, and each build starts from the plan as written.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Named } from '../../../src/streams/dsl/options/named.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Repartitioned } from '../../../src/streams/dsl/options/repartitioned.ts';
import { StreamJoined } from '../../../src/streams/dsl/options/stream-joined.ts';
import { JoinWindows } from '../../../src/streams/dsl/joins/join-windows.ts';
import { WindowStores } from '../../../src/streams/state/window/window-stores.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import { EXPECTED_OPTIMIZED_TOPOLOGY, EXPECTED_UNOPTIMIZED_TOPOLOGY } from './repartition-merge-expected.ts';

const S = Serdes.string();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

function buildRepartitionOptimizingTopology(collected: string[]): StreamsBuilder {
  const builder = new StreamsBuilder();
  const sourceStream = builder.stream('input', Consumed.with(S, S).withName('sourceStream'));
  const mappedStream = sourceStream.map((k, v) => [k.toUpperCase(), v] as const, Named.as('source-map'));
  mappedStream
    .filter((k) => k === 'B', Named.as('process-filter'))
    .mapValues((v) => v.toUpperCase(), Named.as('process-mapValues'))
    .process(() => ({ process: (r) => void collected.push(r.value) }), Named.as('process'));
  const countStream = mappedStream
    .groupByKey(Grouped.as('count-groupByKey'))
    .count(Materialized.as<string, number>('count-store').withStoreType('memory').withKeySerde(S).withValueSerde(Serdes.int64()), Named.as('count'))
    .toStream(Named.as('count-toStream'));
  countStream.to('outputTopic_0', Produced.with(S, Serdes.int64()).withName('count-to'));
  mappedStream
    .groupByKey(Grouped.as('aggregate-groupByKey'))
    .aggregate(() => 0, (_k, v, agg) => agg + v.length, Materialized.as<string, number>('aggregate-store').withStoreType('memory').withKeySerde(S).withValueSerde(Serdes.int32()), Named.as('aggregate'))
    .toStream(Named.as('aggregate-toStream'))
    .to('outputTopic_1', Produced.with(S, Serdes.int32()).withName('reduce-to'));
  // the repartition further downstream
  mappedStream
    .filter(() => true, Named.as('reduce-filter'))
    .peek(() => {}, Named.as('reduce-peek'))
    .groupByKey(Grouped.as('reduce-groupByKey'))
    .reduce((v1, v2) => `${v1}:${v2}`, Materialized.as<string, string>('reduce-store').withStoreType('memory'), Named.as('reducer'))
    .toStream(Named.as('reduce-toStream'))
    .to('outputTopic_2', Produced.with(S, S));
  const windows = JoinWindows.of(5000);
  const fits = { windowSizeMs: 10_000, retentionMs: 86_400_000, retainDuplicates: true };
  mappedStream
    .filter((k) => k === 'A', Named.as('join-filter'))
    .join(
      countStream,
      (v1, v2) => `${v1}:${v2}`,
      windows,
      StreamJoined.with<string, string, number>(WindowStores.inMemoryWindowStore('join-store', fits), WindowStores.inMemoryWindowStore('other-join-store', fits))
        .withName('join')
        .withKeySerde(S)
        .withValueSerde(S)
        .withOtherValueSerde(Serdes.int64()),
    )
    .to('joinedOutputTopic', Produced.as('join-to'));
  return builder;
}

const repartitionSinks = (text: string) => text.match(/Sink: .*-repartition/g)?.length ?? 0;

async function runTest(optimization: 'all' | 'none', expectedNumberRepartitionTopics: number): Promise<void> {
  const collected: string[] = [];
  const topology = buildRepartitionOptimizingTopology(collected).build({ topologyOptimization: optimization });
  const driver = await TopologyTestDriver.create(topology, { logger: quiet, defaultKeySerde: S, defaultValueSerde: S, cacheMaxBytes: 10 * 1024 });
  drivers.push(driver);
  const input = driver.createInputTopic('input', S, S);
  for (const key of ['a', 'b', 'c']) for (const value of ['foo', 'bar', 'baz']) input.pipeInput(key, value);

  const text = topology.describe().toString();
  expect(text).toBe(optimization === 'all' ? EXPECTED_OPTIMIZED_TOPOLOGY : EXPECTED_UNOPTIMIZED_TOPOLOGY);
  expect(repartitionSinks(text)).toBe(expectedNumberRepartitionTopics);
  expect(collected).toEqual(['FOO', 'BAR', 'BAZ']);
  const toMap = (topic: string, valueSerde: typeof S | ReturnType<typeof Serdes.int64>) => Object.fromEntries(driver.createOutputTopic(topic, S, valueSerde as typeof S).readKeyValuesToMap());
  expect(toMap('outputTopic_0', Serdes.int64())).toEqual({ A: 3, B: 3, C: 3 });
  expect(toMap('outputTopic_1', Serdes.int32())).toEqual({ A: 9, B: 9, C: 9 });
  expect(toMap('outputTopic_2', S)).toEqual({ A: 'foo:bar:baz', B: 'foo:bar:baz', C: 'foo:bar:baz' });
  expect(toMap('joinedOutputTopic', S)).toEqual({ A: 'baz:3' });
}

describe('RepartitionOptimizingTest', () => {
  it('shouldSendCorrectRecords_OPTIMIZED', async () => {
    await runTest('all', 1);
  });

  it('shouldSendCorrectResults_NO_OPTIMIZATION', async () => {
    await runTest('none', 4);
  });
});

describe('merge.repartition.topics', () => {
  const topics = (b: StreamsBuilder, optimization: string) =>
    [...b.build({ topologyOptimization: optimization }).internalTopics().keys()].filter((t) => t.endsWith('-repartition')).sort();

  it('merges only repartitions whose nearest key- or value-changing ancestor is the key change', () => {
    const b = new StreamsBuilder();
    const mapped = b.stream<string, string>('in').selectKey((_k, v) => v);
    mapped.groupByKey(Grouped.as('g1')).count();
    mapped.groupByKey(Grouped.as('g2')).count();
    mapped.mapValues((v) => v.length).groupByKey(Grouped.as('g3')).count();
    mapped.repartition(Repartitioned.as('r4'));
    expect(topics(b, 'none')).toEqual(['g1-repartition', 'g2-repartition', 'g3-repartition', 'r4-repartition']);
    expect(topics(b, 'merge.repartition.topics')).toEqual(['g1-repartition', 'g3-repartition', 'r4-repartition']);
    // Each build starts from the plan as the DSL wrote it.
    expect(topics(b, 'none')).toHaveLength(4);
  });

  it('puts the single topic below a merge of two key changes (Kafka: maybeUpdateKeyChangingRepartitionNodeMap)', () => {
    const b = new StreamsBuilder();
    const left = b.stream<string, string>('a').selectKey((_k, v) => v);
    const right = b.stream<string, string>('b').selectKey((_k, v) => v);
    const merged = left.merge(right, Named.as('both'));
    merged.groupByKey(Grouped.as('m1')).count();
    merged.groupByKey(Grouped.as('m2')).count();
    expect(topics(b, 'all')).toEqual(['m1-repartition']);
    const text = b.build({ topologyOptimization: 'all' }).describe().toString();
    expect(text).toContain('Processor: both (stores: [])\n      --> m1-repartition-filter\n');
    expect(text).toContain('Source: m1-repartition-source (topics: [m1-repartition])');
  });
});
