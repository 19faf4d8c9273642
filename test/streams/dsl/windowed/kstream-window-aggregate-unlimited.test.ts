// UnlimitedWindows in the windowed aggregation. Ported from Apache Kafka's
// KStreamWindowAggregateTest.showThrowIfEmitFinalUsedWithUnlimitedWindow (streams/src/test/java/
// org/apache/kafka/streams/kstream/internals/KStreamWindowAggregateTest.java, parameterised over
// emit strategy and caching): constructing the window aggregate over UnlimitedWindows.of() throws
// with Kafka's message under ON_WINDOW_CLOSE and succeeds under ON_WINDOW_UPDATE. Then what the
// aggregation does with one: every record at or after the start lands in the one window
// [start, end of time), records before the start are not aggregated, and the window end is
// Kafka's Long.MAX_VALUE wherever it is printed.
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { EmitStrategy } from '../../../../src/streams/dsl/windowed/emit-strategy.ts';
import { timeWindowAggregateSupplier } from '../../../../src/streams/dsl/windowed/time-window-aggregate.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { timeWindowedSerde } from '../../../../src/streams/serde/windowed-serdes.ts';
import { UnlimitedWindows } from '../../../../src/streams/windows/unlimited-windows.ts';
import { END_OF_TIME_MS } from '../../../../src/streams/windows/window-checks.ts';
import { storeChangelogConfig } from '../../../../src/streams/topology/node-specs.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture, kvt, windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
const MESSAGE = 'ON_WINDOW_CLOSE strategy is only supported for TimeWindows and SlidingWindows for TimeWindowedKStream';
const adder = (_k: string, v: string, agg: string) => `${agg}+${v}`;

describe('KStreamWindowAggregateTest.showThrowIfEmitFinalUsedWithUnlimitedWindow', () => {
  for (const [strategyName, strategy] of [
    ['ON_WINDOW_UPDATE', EmitStrategy.onWindowUpdate()],
    ['ON_WINDOW_CLOSE', EmitStrategy.onWindowClose()],
  ] as const) {
    for (const withCache of [false, true]) {
      it(`showThrowIfEmitFinalUsedWithUnlimitedWindow (${strategyName}, cache=${withCache})`, () => {
        const construct = () => timeWindowAggregateSupplier(UnlimitedWindows.of(), { storeName: 'store', emitStrategy: strategy, initializer: () => '0', aggregator: (k: string, v: string, agg: string | null) => adder(k, v, agg ?? '0'), config: { sendOldValues: false } });
        const dsl = () => {
          const m = Materialized.as<string, string>('store').withValueSerde(S);
          new StreamsBuilder()
            .stream('in', Consumed.with(S, S))
            .groupByKey(Grouped.with(S, S))
            .windowedBy(UnlimitedWindows.of())
            .emitStrategy(strategy)
            .aggregate(() => '0', adder, withCache ? m.withCachingEnabled() : m.withCachingDisabled());
        };
        if (strategyName === 'ON_WINDOW_CLOSE') {
          expect(construct).toThrow(MESSAGE);
          expect(dsl).toThrow(MESSAGE);
        } else {
          expect(construct).not.toThrow();
          expect(dsl).not.toThrow();
        }
      });
    }
  }
});

describe('a windowed aggregation over UnlimitedWindows', () => {
  it('aggregates every record from the start on into one window that ends at Long.MAX_VALUE', async () => {
    const b = new StreamsBuilder();
    const table = b
      .stream('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(UnlimitedWindows.of().startOn(5))
      .aggregate(() => '0', adder, Materialized.as<string, string>('landmark').withValueSerde(S).withCachingDisabled());
    const seen = capture(table.toStream());
    table.toStream().to('out', Produced.with(timeWindowedSerde(S, UnlimitedWindows.of().size()), S));
    const topology = b.build();
    // Kafka's window changelog: retention.ms = Math.addExact(Long.MAX_VALUE, 1 day) → Long.MAX_VALUE
    expect(storeChangelogConfig(topology.stores().get('landmark')!.factory)['retention.ms']).toBe('9223372036854775807');
    const driver = await TopologyTestDriver.create(topology);
    try {
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('A', 'a', 10);
      input.pipeInput('B', 'b', 7);
      input.pipeInput('A', 'early', 3); // before the start: no window, nothing aggregated
      input.pipeInput('A', 'c', 8_000_000_000_000); // far in the future: still the same window
      input.pipeInput('A', 'd', 6); // out of order: grace 0, but the window never closes
      const out = driver.createOutputTopic('out', timeWindowedSerde(S, UnlimitedWindows.of().size()), S).readKeyValuesToList();
      expect(out.map((kv) => [windowedString(kv.key), kv.value])).toEqual([
        ['[A@5/9223372036854775807]', '0+a'],
        ['[B@5/9223372036854775807]', '0+b'],
        ['[A@5/9223372036854775807]', '0+a+c'],
        ['[A@5/9223372036854775807]', '0+a+c+d'],
      ]);
      expect(kvt(seen)).toEqual([
        ['A', 5, END_OF_TIME_MS, '0+a', 10],
        ['B', 5, END_OF_TIME_MS, '0+b', 7],
        ['A', 5, END_OF_TIME_MS, '0+a+c', 8_000_000_000_000],
        ['A', 5, END_OF_TIME_MS, '0+a+c+d', 8_000_000_000_000],
      ]);
      const store = driver.getWindowStore<string, string>('landmark')!;
      expect(store.fetch('A', 5)).toBe('0+a+c+d');
      expect(driver.metrics().droppedRecordsTotal).toBe(0);
    } finally {
      await driver.close();
    }
  });
});
