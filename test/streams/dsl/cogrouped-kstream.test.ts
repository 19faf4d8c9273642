// Ported from Apache Kafka's CogroupedKStreamImplTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/CogroupedKStreamImplTest.java):
// outputs record for record and timestamp for timestamp, and the named topology's describe().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Named } from '../../../src/streams/dsl/options/named.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import { SessionWindows } from '../../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../../src/streams/windows/time-windows.ts';

const S = Serdes.string();
const STRING_INITIALIZER = () => '';
const STRING_AGGREGATOR = (_k: string, v: string, agg: string) => agg + v;

function twoStreams(b: StreamsBuilder) {
  const grouped1 = b.stream('one', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  const grouped2 = b.stream('two', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  return { grouped1, grouped2 };
}

async function drive(b: StreamsBuilder) {
  const driver = await TopologyTestDriver.create(b.build());
  const out = driver.createOutputTopic('output', S, S);
  return {
    driver,
    one: driver.createInputTopic('one', S, S),
    get two() {
      return driver.createInputTopic('two', S, S);
    },
    read: () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
  };
}

describe('CogroupedKStreamImplTest', () => {
  it('shouldCogroupAndAggregateSingleKStreams', async () => {
    const b = new StreamsBuilder();
    b.stream('one', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .cogroup(STRING_AGGREGATOR)
      .aggregate(STRING_INITIALIZER, Materialized.with(S, S))
      .toStream()
      .to('output', Produced.with(S, S));
    const { driver, one, read } = await drive(b);
    one.pipeInput('k1', 'A', 0);
    one.pipeInput('k2', 'B', 0);
    one.pipeInput('k2', 'B', 0);
    one.pipeInput('k1', 'A', 0);
    expect(read()).toEqual([
      ['k1', 'A', 0],
      ['k2', 'B', 0],
      ['k2', 'BB', 0],
      ['k1', 'AA', 0],
    ]);
    await driver.close();
  });

  it('shouldCogroupAndAggregateTwoKStreamsWithDistinctKeys', async () => {
    const b = new StreamsBuilder();
    const { grouped1, grouped2 } = twoStreams(b);
    grouped1.cogroup(STRING_AGGREGATOR).cogroup(grouped2, STRING_AGGREGATOR).aggregate(STRING_INITIALIZER, Materialized.with(S, S)).toStream().to('output', Produced.with(S, S));
    const { driver, one, two, read } = await drive(b);
    one.pipeInput('k1', 'A', 0);
    one.pipeInput('k1', 'A', 1);
    one.pipeInput('k1', 'A', 10);
    one.pipeInput('k1', 'A', 100);
    two.pipeInput('k2', 'B', 100);
    two.pipeInput('k2', 'B', 200);
    two.pipeInput('k1', 'B', 1);
    two.pipeInput('k2', 'B', 500);
    two.pipeInput('k2', 'B', 500);
    two.pipeInput('k2', 'B', 100);
    expect(read()).toEqual([
      ['k1', 'A', 0],
      ['k1', 'AA', 1],
      ['k1', 'AAA', 10],
      ['k1', 'AAAA', 100],
      ['k2', 'B', 100],
      ['k2', 'BB', 200],
      ['k1', 'AAAAB', 100],
      ['k2', 'BBB', 500],
      ['k2', 'BBBB', 500],
      ['k2', 'BBBBB', 500],
    ]);
    await driver.close();
  });

  it('shouldCogroupAndAggregateTwoKStreamsWithSharedKeys (different aggregators per stream)', async () => {
    const b = new StreamsBuilder();
    const { grouped1, grouped2 } = twoStreams(b);
    grouped1
      .cogroup(STRING_AGGREGATOR)
      .cogroup(grouped2, (_k: string, v: string, agg: string) => agg + v.toLowerCase())
      .aggregate(STRING_INITIALIZER, Materialized.as<string, string>('shared').withKeySerde(S).withValueSerde(S))
      .toStream()
      .to('output', Produced.with(S, S));
    const { driver, one, two, read } = await drive(b);
    one.pipeInput('k1', 'A', 0);
    two.pipeInput('k1', 'B', 5);
    one.pipeInput('k1', 'A', 3);
    expect(read()).toEqual([
      ['k1', 'A', 0],
      ['k1', 'Ab', 5],
      ['k1', 'AbA', 5],
    ]);
    expect(driver.getKeyValueStore<string, string>('shared')!.get('k1')).toBe('AbA');
    await driver.close();
  });

  it('shouldNameProcessorsAndStoreBasedOnNamedParameter', () => {
    const b = new StreamsBuilder();
    const { grouped1, grouped2 } = twoStreams(b);
    grouped1.cogroup(STRING_AGGREGATOR).cogroup(grouped2, STRING_AGGREGATOR).aggregate(STRING_INITIALIZER, Named.as('test'), Materialized.as('store')).toStream().to('output');
    expect(b.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
        '      --> test-cogroup-agg-0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n' +
        '      --> test-cogroup-agg-1\n' +
        '    Processor: test-cogroup-agg-0 (stores: [store])\n' +
        '      --> test-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: test-cogroup-agg-1 (stores: [store])\n' +
        '      --> test-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: test-cogroup-merge (stores: [])\n' +
        '      --> KTABLE-TOSTREAM-0000000002\n' +
        '      <-- test-cogroup-agg-0, test-cogroup-agg-1\n' +
        '    Processor: KTABLE-TOSTREAM-0000000002 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000003\n' +
        '      <-- test-cogroup-merge\n' +
        '    Sink: KSTREAM-SINK-0000000003 (topic: output)\n' +
        '      <-- KTABLE-TOSTREAM-0000000002\n\n',
    );
  });

  it('rejects the same grouped stream twice', () => {
    const b = new StreamsBuilder();
    const { grouped1 } = twoStreams(b);
    expect(() => grouped1.cogroup(STRING_AGGREGATOR).cogroup(grouped1, STRING_AGGREGATOR)).toThrow(/already part of the cogroup/);
  });
});

// Windowed cogroups, after Kafka's TimeWindowedCogroupedKStreamImplTest
// (timeWindowMixAggregatorsTest: TOSTRING_ADDER on one stream, TOSTRING_REMOVER on the other,
// 500 ms windows) and SessionWindowedCogroupedKStreamImplTest.
describe('windowed CogroupedKStream', () => {
  const INIT = () => '0';
  const ADDER = (_k: string, v: string, agg: string) => `${agg}+${v}`;
  const REMOVER = (_k: string, v: string, agg: string) => `${agg}-${v}`;

  it('timeWindowMixAggregatorsTest', async () => {
    const b = new StreamsBuilder();
    const { grouped1, grouped2 } = twoStreams(b);
    grouped1
      .cogroup(ADDER)
      .cogroup(grouped2, REMOVER)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500))
      .aggregate(INIT, Materialized.with(S, S))
      .toStream()
      .map((k, v): [string, string] => [`${k.key}@${k.window.start}/${k.window.end}`, v])
      .to('output', Produced.with(S, S));
    const { driver, one, two, read } = await drive(b);
    one.pipeInput('k1', 'A', 0);
    one.pipeInput('k2', 'A', 0);
    one.pipeInput('k1', 'A', 1);
    one.pipeInput('k2', 'A', 2);
    two.pipeInput('k1', 'B', 3);
    two.pipeInput('k2', 'B', 3);
    two.pipeInput('k2', 'B', 444);
    two.pipeInput('k1', 'B', 444);
    expect(read()).toEqual([
      ['k1@0/500', '0+A', 0],
      ['k2@0/500', '0+A', 0],
      ['k1@0/500', '0+A+A', 1],
      ['k2@0/500', '0+A+A', 2],
      ['k1@0/500', '0+A+A-B', 3],
      ['k2@0/500', '0+A+A-B', 3],
      ['k2@0/500', '0+A+A-B-B', 444],
      ['k1@0/500', '0+A+A-B-B', 444],
    ]);
    await driver.close();
  });

  it('session windows: records of both streams within the gap form one session, merged with the session merger', async () => {
    const b = new StreamsBuilder();
    const { grouped1, grouped2 } = twoStreams(b);
    grouped1
      .cogroup(ADDER)
      .cogroup(grouped2, REMOVER)
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(100))
      .aggregate(INIT, (_k, a, c) => `${a}&${c}`, Materialized.as<string, string>('sessions').withKeySerde(S).withValueSerde(S).withRetention(10_000));
    const { driver, one, two } = await drive(b);
    one.pipeInput('k1', 'A', 0);
    one.pipeInput('k1', 'A', 180);
    two.pipeInput('k1', 'B', 90); // joins [0,0] and [180,180] into [0,180]
    two.pipeInput('k1', 'B', 1000);
    const sessions = [...driver.getSessionStore<string, string>('sessions')!.fetch('k1')].map((kv) => [kv.key.window.start, kv.key.window.end, kv.value]);
    expect(sessions).toEqual([
      [0, 180, '0&0+A&0+A-B'],
      [1000, 1000, '0-B'],
    ]);
    await driver.close();
  });

  it('rejects a retention below window size + grace, naming the cogroup store', () => {
    const b = new StreamsBuilder();
    const { grouped1 } = twoStreams(b);
    expect(() => grouped1.cogroup(ADDER).windowedBy(TimeWindows.ofSizeWithNoGrace(500)).aggregate(INIT, Materialized.as<string, string>('w').withRetention(100))).toThrow(
      /window store w must be no smaller than its window size plus the grace period/,
    );
  });
});

describe('CogroupedKStream against a reference fold (property)', () => {
  it('every key ends at the fold of its records, in arrival order, each with its own stream\'s aggregator', async () => {
    const b = new StreamsBuilder();
    const { grouped1, grouped2 } = twoStreams(b);
    grouped1
      .cogroup((_k: string, v: string, agg: string) => `${agg}+${v}`)
      .cogroup(grouped2, (_k: string, v: string, agg: string) => `${agg}-${v}`)
      .aggregate(() => '', Materialized.as<string, string>('agg').withKeySerde(S).withValueSerde(S));
    const record = fc.record({ stream: fc.constantFrom('one', 'two'), key: fc.constantFrom('a', 'b', 'c'), value: fc.constantFrom('x', 'y', 'z'), ts: fc.integer({ min: 0, max: 1000 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 30 }), async (records) => {
        const driver = await TopologyTestDriver.create(b.build());
        const inputs = { one: driver.createInputTopic('one', S, S), two: driver.createInputTopic('two', S, S) };
        const expected = new Map<string, string>();
        for (const r of records) {
          inputs[r.stream].pipeInput(r.key, r.value, r.ts);
          expected.set(r.key, `${expected.get(r.key) ?? ''}${r.stream === 'one' ? '+' : '-'}${r.value}`);
        }
        const store = driver.getKeyValueStore<string, string>('agg')!;
        expect(new Map([...store.all()].map((kv) => [kv.key, kv.value]))).toEqual(expected);
        await driver.close();
      }),
      { numRuns: 40 },
    );
  });
});
