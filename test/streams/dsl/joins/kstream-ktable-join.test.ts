// Ported from Apache Kafka Streams' KStreamKTableJoinTest (streams/src/test/java/org/apache/
// kafka/streams/kstream/internals/KStreamKTableJoinTest.java): same inputs and outputs, record
// for record and timestamp for timestamp, and the same describe() output for the repartition
// naming tests. The grace-period tests are in kstream-ktable-join-grace.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Joined } from '../../../../src/streams/dsl/options/joined.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import type { Topology } from '../../../../src/streams/topology/topology.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture } from './helpers.ts';
import { I, S, quiet, toStringJoiner } from './stream-join-harness.ts';

let driver: TopologyTestDriver;
let topology: Topology;
let out: () => Array<readonly [unknown, unknown, number]>;
const keys = [0, 1, 2, 3];

beforeEach(async () => {
  const b = new StreamsBuilder();
  const stream = b.stream('streamTopic', Consumed.with(I, S));
  const table = b.table('tableTopic', Consumed.with(I, S));
  const c = capture<number, string>();
  stream.join(table, toStringJoiner).process(c.supplier);
  out = c.take;
  topology = b.build();
  driver = await TopologyTestDriver.create(topology, { logger: quiet });
});
afterEach(async () => {
  await driver.close();
});

const pushToStream = (n: number, prefix: string) => {
  const t = driver.createInputTopic('streamTopic', I, S);
  for (let i = 0; i < n; i++) t.pipeInput(keys[i]!, prefix + keys[i], i);
};
const pushToTable = (n: number, prefix: string) => {
  const t = driver.createInputTopic('tableTopic', I, S);
  // Kafka uses random timestamps here: table timestamps never reach the output.
  for (let i = 0; i < n; i++) t.pipeInput(keys[i]!, prefix + keys[i], Math.floor(Math.random() * 2 ** 31));
};

describe('KStreamKTableJoinTest', () => {
  it('shouldRequireCopartitionedStreams', () => {
    expect(topology.copartitionGroups()).toEqual([['streamTopic', 'tableTopic']]);
  });

  it('shouldNotJoinWithEmptyTableOnStreamUpdates', () => {
    pushToStream(2, 'X');
    expect(out()).toEqual([]);
  });

  it('shouldNotJoinOnTableUpdates', () => {
    pushToStream(2, 'X');
    expect(out()).toEqual([]);
    pushToTable(2, 'Y');
    expect(out()).toEqual([]);
    pushToStream(4, 'X');
    expect(out()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1]]);
    pushToTable(4, 'YY');
    expect(out()).toEqual([]);
    pushToStream(4, 'X');
    expect(out()).toEqual([[0, 'X0+YY0', 0], [1, 'X1+YY1', 1], [2, 'X2+YY2', 2], [3, 'X3+YY3', 3]]);
    pushToTable(4, 'YYY');
    expect(out()).toEqual([]);
  });

  it('shouldJoinOnlyIfMatchFoundOnStreamUpdates', () => {
    pushToTable(2, 'Y');
    expect(out()).toEqual([]);
    pushToStream(4, 'X');
    expect(out()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1]]);
  });

  it('shouldClearTableEntryOnNullValueUpdates', () => {
    pushToTable(4, 'Y');
    expect(out()).toEqual([]);
    pushToStream(4, 'X');
    expect(out()).toEqual([[0, 'X0+Y0', 0], [1, 'X1+Y1', 1], [2, 'X2+Y2', 2], [3, 'X3+Y3', 3]]);
    const t = driver.createInputTopic('tableTopic', I, S);
    for (let i = 0; i < 2; i++) t.pipeInput(keys[i]!, null);
    expect(out()).toEqual([]);
    pushToStream(4, 'XX');
    expect(out()).toEqual([[2, 'XX2+Y2', 2], [3, 'XX3+Y3', 3]]);
  });

  it('shouldLogAndMeterWhenSkippingNullLeftKey / shouldLogAndMeterWhenSkippingNullLeftValue', () => {
    const t = driver.createInputTopic('streamTopic', I, S);
    t.pipeInput(null, 'A');
    t.pipeInput(1, null);
    expect(out()).toEqual([]);
    expect(driver.metrics().droppedRecordsTotal).toBe(2);
  });
});

describe('KStreamKTableJoinTest repartition naming (describe())', () => {
  function rekeyedJoins(named: boolean): string {
    const b = new StreamsBuilder();
    const streamA = b.stream('topic', Consumed.with(S, S));
    const tableB = b.table('topic2', Consumed.with(S, S));
    const tableC = b.table('topic3', Consumed.with(S, S));
    const rekeyed = streamA.map((k, v) => [v, k] as const);
    const j = (a: string, c: string) => a + c;
    rekeyed.join(tableB, j, named ? Joined.with(S, S, S, 'first-join') : undefined).to('out-one', Produced.with(S, S));
    rekeyed.join(tableC, j, named ? Joined.with(S, S, S, 'second-join') : undefined).to('out-two', Produced.with(S, S));
    return b.build().describe().toString();
  }

  it('shouldReuseRepartitionTopicWithGeneratedName', () => {
    expect(rekeyedJoins(false)).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> KSTREAM-MAP-0000000007\n' +
        '    Processor: KSTREAM-MAP-0000000007 (stores: [])\n' +
        '      --> KSTREAM-FILTER-0000000009\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: KSTREAM-FILTER-0000000009 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000008\n' +
        '      <-- KSTREAM-MAP-0000000007\n' +
        '    Sink: KSTREAM-SINK-0000000008 (topic: KSTREAM-MAP-0000000007-repartition)\n' +
        '      <-- KSTREAM-FILTER-0000000009\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000010 (topics: [KSTREAM-MAP-0000000007-repartition])\n' +
        '      --> KSTREAM-JOIN-0000000011, KSTREAM-JOIN-0000000016\n' +
        '    Processor: KSTREAM-JOIN-0000000011 (stores: [topic2-STATE-STORE-0000000001])\n' +
        '      --> KSTREAM-SINK-0000000012\n' +
        '      <-- KSTREAM-SOURCE-0000000010\n' +
        '    Processor: KSTREAM-JOIN-0000000016 (stores: [topic3-STATE-STORE-0000000004])\n' +
        '      --> KSTREAM-SINK-0000000017\n' +
        '      <-- KSTREAM-SOURCE-0000000010\n' +
        '    Source: KSTREAM-SOURCE-0000000002 (topics: [topic2])\n' +
        '      --> KTABLE-SOURCE-0000000003\n' +
        '    Source: KSTREAM-SOURCE-0000000005 (topics: [topic3])\n' +
        '      --> KTABLE-SOURCE-0000000006\n' +
        '    Sink: KSTREAM-SINK-0000000012 (topic: out-one)\n' +
        '      <-- KSTREAM-JOIN-0000000011\n' +
        '    Sink: KSTREAM-SINK-0000000017 (topic: out-two)\n' +
        '      <-- KSTREAM-JOIN-0000000016\n' +
        '    Processor: KTABLE-SOURCE-0000000003 (stores: [topic2-STATE-STORE-0000000001])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000006 (stores: [topic3-STATE-STORE-0000000004])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000005\n\n',
    );
  });

  it('shouldCreateRepartitionTopicsWithUserProvidedName', () => {
    expect(rekeyedJoins(true)).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> KSTREAM-MAP-0000000007\n' +
        '    Processor: KSTREAM-MAP-0000000007 (stores: [])\n' +
        '      --> first-join-repartition-filter, second-join-repartition-filter\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: first-join-repartition-filter (stores: [])\n' +
        '      --> first-join-repartition-sink\n' +
        '      <-- KSTREAM-MAP-0000000007\n' +
        '    Processor: second-join-repartition-filter (stores: [])\n' +
        '      --> second-join-repartition-sink\n' +
        '      <-- KSTREAM-MAP-0000000007\n' +
        '    Sink: first-join-repartition-sink (topic: first-join-repartition)\n' +
        '      <-- first-join-repartition-filter\n' +
        '    Sink: second-join-repartition-sink (topic: second-join-repartition)\n' +
        '      <-- second-join-repartition-filter\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: first-join-repartition-source (topics: [first-join-repartition])\n' +
        '      --> first-join\n' +
        '    Source: KSTREAM-SOURCE-0000000002 (topics: [topic2])\n' +
        '      --> KTABLE-SOURCE-0000000003\n' +
        '    Processor: first-join (stores: [topic2-STATE-STORE-0000000001])\n' +
        '      --> KSTREAM-SINK-0000000012\n' +
        '      <-- first-join-repartition-source\n' +
        '    Sink: KSTREAM-SINK-0000000012 (topic: out-one)\n' +
        '      <-- first-join\n' +
        '    Processor: KTABLE-SOURCE-0000000003 (stores: [topic2-STATE-STORE-0000000001])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000002\n' +
        '\n' +
        '  Sub-topology: 2\n' +
        '    Source: second-join-repartition-source (topics: [second-join-repartition])\n' +
        '      --> second-join\n' +
        '    Source: KSTREAM-SOURCE-0000000005 (topics: [topic3])\n' +
        '      --> KTABLE-SOURCE-0000000006\n' +
        '    Processor: second-join (stores: [topic3-STATE-STORE-0000000004])\n' +
        '      --> KSTREAM-SINK-0000000017\n' +
        '      <-- second-join-repartition-source\n' +
        '    Sink: KSTREAM-SINK-0000000017 (topic: out-two)\n' +
        '      <-- second-join\n' +
        '    Processor: KTABLE-SOURCE-0000000006 (stores: [topic3-STATE-STORE-0000000004])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000005\n\n',
    );
  });
});
