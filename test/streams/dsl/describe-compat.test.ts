// describe() of DSL topologies compared with the text Kafka Streams prints for the same
// topologies (expectations taken from Kafka's TopologyTest, which pins them for compatibility).
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Named } from '../../../src/streams/dsl/options/named.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';

function text(build: (b: StreamsBuilder) => void): string {
  const b = new StreamsBuilder();
  build(b);
  return b.build().describe().toString();
}

describe('describe() matches Kafka Streams', () => {
  it('groupByKey().count() burns no extra index', () => {
    expect(text((b) => b.stream('input-topic').groupByKey().count())).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n' +
        '      --> KSTREAM-AGGREGATE-0000000002\n' +
        '    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n\n',
    );
  });

  it('count(Materialized.as(name)) uses the store name', () => {
    expect(text((b) => b.stream('input-topic').groupByKey().count(Materialized.as('count-store')))).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n' +
        '      --> KSTREAM-AGGREGATE-0000000001\n' +
        '    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [count-store])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n\n',
    );
  });

  it('count(anonymous Materialized) burns one store index, as Kafka does', () => {
    expect(text((b) => b.stream('input-topic').groupByKey().count(Materialized.with(undefined, Serdes.int64())))).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n' +
        '      --> KSTREAM-AGGREGATE-0000000003\n' +
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n\n',
    );
  });

  it('table groupBy count: materializes the source table and repartitions', () => {
    expect(text((b) => b.table('input-topic').groupBy((k, v) => [k, v]).count())).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n' +
        '      --> KTABLE-SELECT-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-SELECT-0000000003 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000005\n' +
        '      <-- KTABLE-SOURCE-0000000002\n' +
        '    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n' +
        '      <-- KTABLE-SELECT-0000000003\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n' +
        '      --> KTABLE-AGGREGATE-0000000007\n' +
        '    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000006\n' +
        '\n',
    );
  });

  it('table groupBy count(Materialized.as) names the repartition topic after the store', () => {
    expect(text((b) => b.table('input-topic').groupBy((k, v) => [k, v]).count(Materialized.as('count-store')))).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n' +
        '      --> KTABLE-SELECT-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-SELECT-0000000003 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000004\n' +
        '      <-- KTABLE-SOURCE-0000000002\n' +
        '    Sink: KSTREAM-SINK-0000000004 (topic: count-store-repartition)\n' +
        '      <-- KTABLE-SELECT-0000000003\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000005 (topics: [count-store-repartition])\n' +
        '      --> KTABLE-AGGREGATE-0000000006\n' +
        '    Processor: KTABLE-AGGREGATE-0000000006 (stores: [count-store])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-SOURCE-0000000005\n' +
        '\n',
    );
  });

  it('non-materialized table filter and mapValues keep the source table unmaterialized', () => {
    expect(text((b) => b.table('input-topic').filter(() => false))).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n' +
        '      --> KTABLE-SOURCE-0000000002\n' +
        '    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n' +
        '      --> KTABLE-FILTER-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: KTABLE-FILTER-0000000003 (stores: [])\n' +
        '      --> none\n' +
        '      <-- KTABLE-SOURCE-0000000002\n\n',
    );
    expect(text((b) => b.table('input-topic').mapValues(() => null))).toContain('Processor: KTABLE-MAPVALUES-0000000003 (stores: [])');
  });

  it('a generated repartition prefix keeps the generated sink/filter/source names', () => {
    const t = text((b) => b.stream<string, string>('in').selectKey((_k, v) => v).groupByKey().count());
    // selectKey=1, store=2, aggregate=3, sink=4, filter=5, source=6
    expect(t).toContain('Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition)');
    expect(t).toContain('Processor: KSTREAM-FILTER-0000000005 (stores: [])');
    expect(t).toContain('Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition])');
  });

  it('a Grouped name names the key selector and the repartition topic', () => {
    const t = text((b) =>
      b
        .stream<string, string>('in')
        .groupBy((_k, v) => v, Grouped.as<string, string>('by-value'))
        .count(),
    );
    expect(t).toContain('Processor: by-value (stores: [])');
    expect(t).toContain('Sink: by-value-repartition-sink (topic: by-value-repartition)');
    expect(t).toContain('Source: by-value-repartition-source (topics: [by-value-repartition])');
  });

  it('split() names branches "<splitter><index>" and "<splitter><name>"', () => {
    const t = text((b) => {
      b.stream<string, number>('in', undefined)
        .split(Named.as('s-'))
        .branch((_k, v) => v > 0, undefined)
        .defaultBranch();
    });
    expect(t).toContain('Processor: s- (stores: [])\n      --> s-0, s-1\n');
  });
});
