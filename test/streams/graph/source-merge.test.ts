// Duplicate source merging. Ported from Apache Kafka Streams' StreamsBuilderTest
// (streams/src/test/java/org/apache/kafka/streams/StreamsBuilderTest.java: shouldAllowStreamsFromSameTopic,
// shouldAllowSubscribingToSamePattern, shouldAllowReadingFromSameCollectionOfTopics,
// shouldNotAllowReadingFromOverlappingAndUnequalCollectionOfTopics, shouldNotAllowTablesFromSameTopic,
// shouldNowAllowStreamAndTableFromSameTopic) and InternalStreamsBuilderTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/InternalStreamsBuilderTest.java:
// the shouldMarkStreamStreamJoinAsSelfJoin… / shouldNotMark… cases, checked here by the window
// stores the built topology keeps: one per self-join, two per other join). Kafka's reset-policy
// cases have no counterpart: Tributary's Consumed has no offset reset policy.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { JoinWindows } from '../../../src/streams/dsl/joins/join-windows.ts';
import type { KStream } from '../../../src/streams/dsl/kstream.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyError } from '../../../src/streams/topology/topology.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

describe('StreamsBuilderTest: sources of the same topics', () => {
  it('shouldAllowStreamsFromSameTopic', () => {
    const b = new StreamsBuilder();
    b.stream('topic');
    b.stream('topic');
    expect(() => b.build()).not.toThrow();
  });

  it('shouldAllowSubscribingToSamePattern', () => {
    const b = new StreamsBuilder();
    b.stream(/some-regex/);
    b.stream(/some-regex/);
    const sources = [...b.build().nodes().values()].filter((n) => n.kind === 'source');
    expect(sources).toHaveLength(1);
  });

  it('keeps two sources for patterns that differ in flags', () => {
    const b = new StreamsBuilder();
    b.stream(/some-regex/);
    b.stream(/some-regex/i);
    expect([...b.build().nodes().values()].filter((n) => n.kind === 'source')).toHaveLength(2);
  });

  it('shouldAllowReadingFromSameCollectionOfTopics', () => {
    const b = new StreamsBuilder();
    b.stream(['topic1', 'topic2']);
    b.stream(['topic2', 'topic1']);
    expect(() => b.build()).not.toThrow();
  });

  it('shouldNotAllowReadingFromOverlappingAndUnequalCollectionOfTopics', () => {
    const b = new StreamsBuilder();
    b.stream(['topic']);
    b.stream(['topic', 'anotherTopic']);
    expect(() => b.build()).toThrow(TopologyError);
    expect(() => b.build()).toThrow(/overlapping but not equal input topics: "KSTREAM-SOURCE-0000000000" reads \[topic\] and "KSTREAM-SOURCE-0000000001" reads \[topic, anotherTopic\]/);
  });

  it('shouldNotAllowTablesFromSameTopic', () => {
    const b = new StreamsBuilder();
    b.table('topic');
    b.table('topic');
    expect(() => b.build()).toThrow(TopologyError);
  });

  it('shouldNowAllowStreamAndTableFromSameTopic', () => {
    const b = new StreamsBuilder();
    b.stream('topic');
    b.table('topic');
    expect(() => b.build()).toThrow(TopologyError);
  });

  // The order of successors and of nodes is Kafka's describe() order (topology/describe-order.ts).
  it('describes one source with the children of both calls, and feeds both from it', async () => {
    const b = new StreamsBuilder();
    const seen: string[] = [];
    b.stream('topic', Consumed.with(S, S)).foreach((_k, v) => seen.push(`first:${v}`));
    b.stream('topic', Consumed.with(S, S)).mapValues((v) => v.toUpperCase()).foreach((_k, v) => seen.push(`second:${v}`));
    const topology = b.build();
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> KSTREAM-MAPVALUES-0000000003, KSTREAM-FOREACH-0000000001\n' +
        '    Processor: KSTREAM-MAPVALUES-0000000003 (stores: [])\n' +
        '      --> KSTREAM-FOREACH-0000000004\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: KSTREAM-FOREACH-0000000001 (stores: [])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: KSTREAM-FOREACH-0000000004 (stores: [])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-MAPVALUES-0000000003\n\n',
    );
    const driver = await TopologyTestDriver.create(topology, { logger: quiet });
    drivers.push(driver);
    driver.createInputTopic('topic', S, S).pipeInput('k', 'a');
    expect(seen).toEqual(['first:a', 'second:A']);
  });
});

describe('InternalStreamsBuilderTest: self-joins after sources are merged', () => {
  const w = JoinWindows.ofTimeDifferenceWithNoGrace(100);
  const joiner = (a: string, b: string) => a + b;
  /** Window stores of the built topology, per join: 1 for a self-join, 2 otherwise. */
  function windowStores(build: (b: StreamsBuilder) => void): number {
    const b = new StreamsBuilder();
    build(b);
    return [...b.build({ topologyOptimization: 'all' }).stores().keys()].filter((s) => /JOIN(THIS|OTHER)-\d+-store$/.test(s)).length;
  }
  const t = (b: StreamsBuilder, topic: string): KStream<string, string> => b.stream(topic, Consumed.with(S, S));

  it('shouldMarkStreamStreamJoinAsSelfJoinSingleStream', () => {
    expect(windowStores((b) => { const s = t(b, 't1'); s.join(s, joiner, w); })).toBe(1);
  });

  it('shouldMarkStreamStreamJoinAsSelfJoinTwoStreams', () => {
    expect(windowStores((b) => { t(b, 't1').join(t(b, 't1'), joiner, w); })).toBe(1);
  });

  it('shouldMarkStreamStreamJoinAsSelfJoinMergeTwoStreams', () => {
    expect(windowStores((b) => { const s3 = t(b, 't1').merge(t(b, 't2')); s3.join(s3, joiner, w); })).toBe(1);
  });

  it('shouldMarkFirstStreamStreamJoinAsSelfJoin3WayJoin', () => {
    expect(windowStores((b) => { const [s1, s2, s3] = [t(b, 't1'), t(b, 't1'), t(b, 't3')]; s1.join(s2, joiner, w).join(s3, joiner, w); })).toBe(3);
  });

  it('shouldMarkAllStreamStreamJoinsAsSelfJoin', () => {
    expect(windowStores((b) => { const [s1, s2, s3, s4] = [t(b, 't1'), t(b, 't1'), t(b, 't2'), t(b, 't2')]; s1.join(s2, joiner, w).merge(s3.join(s4, joiner, w)); })).toBe(2);
  });

  it('shouldMarkFirstStreamStreamJoinAsSelfJoinNwaySameSource', () => {
    expect(windowStores((b) => { const [s1, s2, s3] = [t(b, 't1'), t(b, 't1'), t(b, 't1')]; s1.join(s2, joiner, w).join(s3, joiner, w); })).toBe(3);
  });

  it('shouldMarkStreamStreamJoinAsSelfJoinTwoStreamsWithNoOpFilter', () => {
    expect(windowStores((b) => { const [s1, s2] = [t(b, 't1'), t(b, 't1')]; s1.filter((_k, v) => v !== null); s1.join(s2, joiner, w); })).toBe(1);
  });

  it('shouldMarkStreamStreamJoinAsSelfJoinTwoJoinsSameSource', () => {
    expect(windowStores((b) => { const [s1, s2, s3, s4] = [t(b, 't1'), t(b, 't1'), t(b, 't1'), t(b, 't1')]; s1.join(s2, joiner, w); s3.join(s4, joiner, w); })).toBe(2);
  });

  it('shouldNotMarkStreamStreamJoinAsSelfJoinTwoStreamsWithFilter', () => {
    expect(windowStores((b) => { const [s1, s2] = [t(b, 't1'), t(b, 't1')]; s1.filter((_k, v) => v !== null).join(s2, joiner, w); })).toBe(2);
  });

  it('shouldNotMarkStreamStreamJoinAsSelfJoinOneStreamWithMap', () => {
    expect(windowStores((b) => { const s1 = t(b, 't1'); const s3 = s1.mapValues((v) => v); s3.join(t(b, 't1'), joiner, w); })).toBe(2);
  });

  it('shouldNotMarkStreamStreamJoinAsSelfJoinMultipleSources', () => {
    expect(windowStores((b) => { t(b, 't1').join(t(b, 't2'), joiner, w); })).toBe(2);
  });
});
