// describe() parity with Apache Kafka's SuppressTopologyTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/SuppressTopologyTest.java):
// suppress node and buffer store names, anonymous (numbered) and named.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { BufferConfig, Suppressed } from '../../../../src/streams/dsl/windowed/suppressed.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();

const finalTopology = (suppressName: string, store: string, toStream: string, map: string, sink: string) =>
  'Topologies:\n' +
  '   Sub-topology: 0\n' +
  '    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n' +
  '      --> KSTREAM-KEY-SELECT-0000000001\n' +
  '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
  '      --> counts-repartition-filter\n' +
  '      <-- KSTREAM-SOURCE-0000000000\n' +
  '    Processor: counts-repartition-filter (stores: [])\n' +
  '      --> counts-repartition-sink\n' +
  '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
  '    Sink: counts-repartition-sink (topic: counts-repartition)\n' +
  '      <-- counts-repartition-filter\n' +
  '\n' +
  '  Sub-topology: 1\n' +
  '    Source: counts-repartition-source (topics: [counts-repartition])\n' +
  '      --> KSTREAM-AGGREGATE-0000000002\n' +
  '    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [counts])\n' +
  `      --> ${suppressName}\n` +
  '      <-- counts-repartition-source\n' +
  `    Processor: ${suppressName} (stores: [${store}])\n` +
  `      --> ${toStream}\n` +
  '      <-- KSTREAM-AGGREGATE-0000000002\n' +
  `    Processor: ${toStream} (stores: [])\n` +
  `      --> ${map}\n` +
  `      <-- ${suppressName}\n` +
  `    Processor: ${map} (stores: [])\n` +
  `      --> ${sink}\n` +
  `      <-- ${toStream}\n` +
  `    Sink: ${sink} (topic: output-suppressed)\n` +
  `      <-- ${map}\n` +
  '\n';

function sessionCounts(suppressed: Suppressed): string {
  const builder = new StreamsBuilder();
  builder
    .stream('input', Consumed.with(S, S))
    .groupBy((k: string) => k, Grouped.with(S, S))
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 5))
    .count(Materialized.as<string, number>('counts').withCachingDisabled())
    .suppress(suppressed)
    .toStream()
    .map((k, v) => [windowedString(k), v] as const)
    .to('output-suppressed', Produced.with(S, Serdes.int64()));
  return builder.build().describe().toString();
}

describe('SuppressTopologyTest', () => {
  it('shouldUseNumberingForAnonymousFinalSuppressionNode', () => {
    expect(sessionCounts(Suppressed.untilWindowCloses(BufferConfig.unbounded()))).toBe(
      finalTopology('KTABLE-SUPPRESS-0000000006', 'KTABLE-SUPPRESS-STATE-STORE-0000000007', 'KTABLE-TOSTREAM-0000000008', 'KSTREAM-MAP-0000000009', 'KSTREAM-SINK-0000000010'),
    );
  });

  it('shouldApplyNameToFinalSuppressionNode', () => {
    expect(sessionCounts(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('myname'))).toBe(
      finalTopology('myname', 'myname-store', 'KTABLE-TOSTREAM-0000000006', 'KSTREAM-MAP-0000000007', 'KSTREAM-SINK-0000000008'),
    );
  });

  for (const named of [false, true]) {
    it(named ? 'shouldApplyNameToSuppressionNode' : 'shouldUseNumberingForAnonymousSuppressionNode', () => {
      const builder = new StreamsBuilder();
      const s = Suppressed.untilTimeLimit(1000, BufferConfig.unbounded());
      builder
        .stream('input', Consumed.with(S, S))
        .groupByKey()
        .count()
        .suppress(named ? s.withName('asdf') : s)
        .toStream()
        .to('output', Produced.with(S, Serdes.int64()));
      const [sup, store, toStream, sink] = named
        ? ['asdf', 'asdf-store', 'KTABLE-TOSTREAM-0000000003', 'KSTREAM-SINK-0000000004']
        : ['KTABLE-SUPPRESS-0000000003', 'KTABLE-SUPPRESS-STATE-STORE-0000000004', 'KTABLE-TOSTREAM-0000000005', 'KSTREAM-SINK-0000000006'];
      expect(builder.build().describe().toString()).toBe(
        'Topologies:\n' +
          '   Sub-topology: 0\n' +
          '    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n' +
          '      --> KSTREAM-AGGREGATE-0000000002\n' +
          '    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
          `      --> ${sup}\n` +
          '      <-- KSTREAM-SOURCE-0000000000\n' +
          `    Processor: ${sup} (stores: [${store}])\n` +
          `      --> ${toStream}\n` +
          '      <-- KSTREAM-AGGREGATE-0000000002\n' +
          `    Processor: ${toStream} (stores: [])\n` +
          `      --> ${sink}\n` +
          `      <-- ${sup}\n` +
          `    Sink: ${sink} (topic: output)\n` +
          `      <-- ${toStream}\n` +
          '\n',
      );
    });
  }
});
