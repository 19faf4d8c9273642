// Scenarios ported from Apache Kafka's KStreamWindowAggregateTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/KStreamWindowAggregateTest.java),
// expected outputs record for record and timestamp for timestamp. Kafka runs each with and
// without caching; Tributary's windowed stores have no cache, and the TopologyTestDriver commits
// after every record, so both variants expect the same output.
import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { EmitStrategy } from '../../../../src/streams/dsl/windowed/emit-strategy.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { timeWindowAggregateSupplier } from '../../../../src/streams/dsl/windowed/time-window-aggregate.ts';
import type { Change } from '../../../../src/streams/dsl/ops/change.ts';
import type { StreamRecord } from '../../../../src/streams/processor/record.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import { WindowStores } from '../../../../src/streams/state/window/window-stores.ts';
import { Topology } from '../../../../src/streams/topology/topology.ts';
import { capture, kvt, recordingLogger, windowedString, type Captured } from './windowed-test-helpers.ts';

const S = Serdes.string();
const adder = (_k: string, v: string, agg: string) => `${agg}+${v}`;
const strategies = [
  ['ON_WINDOW_UPDATE', () => EmitStrategy.onWindowUpdate()],
  ['ON_WINDOW_CLOSE', () => EmitStrategy.onWindowClose()],
] as const;

for (const [strategyName, strategy] of strategies) {
  const emitFinal = strategyName === 'ON_WINDOW_CLOSE';
  for (const storeType of ['memory', 'leveldb'] as const) {
    describe(`KStreamWindowAggregate (${strategyName}, ${storeType} store)`, () => {
      // KStreamWindowAggregateTest.testAggBasic
      it('aggregates hopping windows per key (testAggBasic)', async () => {
        const builder = new StreamsBuilder();
        const table = builder
          .stream('topic1', Consumed.with(S, S))
          .groupByKey(Grouped.with(S, S))
          .windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
          .emitStrategy(strategy())
          .aggregate(() => '0', adder, Materialized.as<string, string>('topic1-Canonized').withValueSerde(S).withStoreType(storeType));
        const seen = capture(table.toStream());
        const driver = await TopologyTestDriver.create(builder.build());
        try {
          const input = driver.createInputTopic('topic1', S, S);
          const pipe: Array<[string, string, number]> = [
            ['A', '1', 0], ['B', '2', 1], ['C', '3', 2], ['D', '4', 3], ['A', '1', 4],
            ['A', '1', 5], ['B', '2', 6], ['D', '4', 7], ['B', '2', 8], ['C', '3', 9],
            ['A', '1', 10], ['B', '2', 11], ['D', '4', 12], ['B', '2', 13], ['C', '3', 14],
            ['B', '1', 3], ['B', '2', 2], ['B', '3', 9],
          ];
          for (const [k, v, t] of pipe) input.pipeInput(k, v, t);
        } finally {
          await driver.close();
        }
        if (emitFinal) {
          // Nothing processed since grace is 100 and no window closes.
          expect(seen).toEqual([]);
          return;
        }
        expect(kvt(seen)).toEqual([
          ['A', 0, 10, '0+1', 0],
          ['B', 0, 10, '0+2', 1],
          ['C', 0, 10, '0+3', 2],
          ['D', 0, 10, '0+4', 3],
          ['A', 0, 10, '0+1+1', 4],
          ['A', 0, 10, '0+1+1+1', 5],
          ['A', 5, 15, '0+1', 5],
          ['B', 0, 10, '0+2+2', 6],
          ['B', 5, 15, '0+2', 6],
          ['D', 0, 10, '0+4+4', 7],
          ['D', 5, 15, '0+4', 7],
          ['B', 0, 10, '0+2+2+2', 8],
          ['B', 5, 15, '0+2+2', 8],
          ['C', 0, 10, '0+3+3', 9],
          ['C', 5, 15, '0+3', 9],
          ['A', 5, 15, '0+1+1', 10],
          ['A', 10, 20, '0+1', 10],
          ['B', 5, 15, '0+2+2+2', 11],
          ['B', 10, 20, '0+2', 11],
          ['D', 5, 15, '0+4+4', 12],
          ['D', 10, 20, '0+4', 12],
          ['B', 5, 15, '0+2+2+2+2', 13],
          ['B', 10, 20, '0+2+2', 13],
          ['C', 5, 15, '0+3+3', 14],
          ['C', 10, 20, '0+3', 14],
          ['B', 0, 10, '0+2+2+2+1', 8],
          ['B', 0, 10, '0+2+2+2+1+2', 8],
          ['B', 0, 10, '0+2+2+2+1+2+3', 9],
          ['B', 5, 15, '0+2+2+2+2+3', 13],
        ]);
      });
    });
  }

  describe(`KStreamWindowAggregate drops and logs (${strategyName})`, () => {
    // KStreamWindowAggregateTest.shouldLogAndMeterWhenSkippingNullKey
    it('skips a null key, logging and counting it', async () => {
      const builder = new StreamsBuilder();
      builder
        .stream('topic', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
        .emitStrategy(strategy())
        .aggregate(() => '0', adder, Materialized.as<string, string>('topic1-Canonicalized').withValueSerde(S));
      const logger = recordingLogger();
      const driver = await TopologyTestDriver.create(builder.build(), { logger });
      try {
        driver.createInputTopic('topic', S, S).pipeInput(null, '1');
        expect(logger.warnings.some((m) => m.endsWith('Skipping record due to null key. topic=[topic] partition=[0] offset=[0]'))).toBe(true);
        expect(driver.metrics().droppedRecordsTotal).toBe(1);
      } finally {
        await driver.close();
      }
    });

    // KStreamWindowAggregateTest.shouldLogAndMeterWhenSkippingExpiredWindow (with its retention
    // of 100 ms = size + grace, Materialized.withRetention as in the source test)
    it('drops records for closed windows (hopping, grace 90, retention 100)', async () => {
      const builder = new StreamsBuilder();
      builder
        .stream('topic', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(5))
        .emitStrategy(strategy())
        .aggregate(() => '', adder, Materialized.as<string, string>('topic1-Canonicalized').withValueSerde(S).withCachingDisabled().withLoggingDisabled().withRetention(100))
        .toStream()
        .map((key, value) => [windowedString(key), value] as const)
        .to('output', Produced.with(S, S));
      const logger = recordingLogger();
      const driver = await TopologyTestDriver.create(builder.build(), { logger });
      try {
        const input = driver.createInputTopic('topic', S, S);
        for (const t of [100, 0, 1, 2, 3, 4, 5, 6, 105, 106]) input.pipeInput('k', String(t), t);
        expect(driver.metrics().droppedRecordsTotal).toBe(7);
        for (const [offset, t] of [[1, 0], [2, 1], [3, 2], [4, 3], [5, 4], [6, 5], [7, 6]]) {
          const line = `Skipping record for expired window. topic=[topic] partition=[0] offset=[${offset}] timestamp=[${t}] window=[0,10) expiration=[10] streamTime=[100]`;
          expect(logger.warnings.some((m) => m.endsWith(line))).toBe(true);
        }
        const out = driver.createOutputTopic('output', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
        if (emitFinal) {
          // Window close time is 15 when timestamp is 105.
          expect(out).toEqual([['[k@5/15]', '+5+6', 6]]);
        } else {
          expect(out).toEqual([
            ['[k@95/105]', '+100', 100],
            ['[k@100/110]', '+100', 100],
            ['[k@5/15]', '+5', 5],
            ['[k@5/15]', '+5+6', 6],
            ['[k@100/110]', '+100+105', 105],
            ['[k@105/115]', '+105', 105],
            ['[k@100/110]', '+100+105+106', 106],
            ['[k@105/115]', '+105+106', 106],
          ]);
        }
      } finally {
        await driver.close();
      }
    });

    // KStreamWindowAggregateTest.shouldLogAndMeterWhenSkippingExpiredWindowByGrace
    it('drops records whose window closed by grace (tumbling, grace 90)', async () => {
      const builder = new StreamsBuilder();
      builder
        .stream('topic', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(TimeWindows.ofSizeAndGrace(10, 90).advanceBy(10))
        .emitStrategy(strategy())
        .aggregate(() => '', adder, Materialized.as<string, string>('topic1-Canonicalized').withValueSerde(S).withLoggingDisabled())
        .toStream()
        .map((key, value) => [windowedString(key), value] as const)
        .to('output', Produced.with(S, S));
      const logger = recordingLogger();
      const driver = await TopologyTestDriver.create(builder.build(), { logger });
      try {
        const input = driver.createInputTopic('topic', S, S);
        input.pipeInput('k', '100', 200);
        for (const t of [100, 101, 102, 103, 104, 105]) input.pipeInput('k', String(t - 100), t);
        input.pipeInput('k', '6', 6);
        expect(driver.metrics().droppedRecordsTotal).toBe(7);
        const expected = [
          'offset=[1] timestamp=[100] window=[100,110) expiration=[110] streamTime=[200]',
          'offset=[6] timestamp=[105] window=[100,110) expiration=[110] streamTime=[200]',
          'offset=[7] timestamp=[6] window=[0,10) expiration=[110] streamTime=[200]',
        ];
        for (const e of expected) expect(logger.warnings.some((m) => m.endsWith(`Skipping record for expired window. topic=[topic] partition=[0] ${e}`))).toBe(true);
        const out = driver.createOutputTopic('output', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
        expect(out).toEqual(emitFinal ? [] : [['[k@200/210]', '+100', 200]]);
      } finally {
        await driver.close();
      }
    });
  });

  describe(`KStreamWindowAggregate emit-final scenarios (${strategyName})`, () => {
    // As in Kafka's test, the processor runs on its own with a window store retaining one day
    // (Kafka's makeContext/getWindowStore), here through the Processor API and the driver.
    async function run(emitIntervalMs: number, steps: Array<{ wallClock?: number; records: Array<[string, string, number]> }>) {
      // The interval is the driver's, as Kafka's test sets emit.interval.ms.kstreams.windowed.aggregation.
      const s = emitFinal ? EmitStrategy.onWindowClose() : EmitStrategy.onWindowUpdate();
      const windows = TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5);
      const seen: Array<Captured<Windowed<string>, Change<string>>> = [];
      const topology = new Topology()
        .addSource('source', 'in', { keyDeserializer: S, valueDeserializer: S })
        .addProcessor(
          'testNode',
          timeWindowAggregateSupplier<string, string, string>(windows, {
            storeName: 'store',
            emitStrategy: s,
            initializer: () => '0',
            aggregator: (k, v, agg) => adder(k, v, agg!),
            config: { sendOldValues: false },
          }),
          'source',
        )
        .addProcessor('capture', () => ({ process: (r: StreamRecord<Windowed<string>, Change<string>>) => void seen.push({ key: r.key, value: r.value, timestamp: r.timestamp }) }), 'testNode')
        .addStateStore(
          WindowStores.timestampedWindowStoreBuilder(WindowStores.persistentWindowStore('store', { retentionMs: 24 * 3600 * 1000, windowSizeMs: 10 }), S, S).withLoggingDisabled(),
          'testNode',
        );
      const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0, windowedAggregationEmitIntervalMs: emitIntervalMs });
      const batches: Array<Array<[string, number, number, string | null, number]>> = [];
      try {
        const input = driver.createInputTopic('in', S, S);
        for (const step of steps) {
          if (step.wallClock !== undefined) driver.advanceWallClockTime(step.wallClock - driver.wallClockTimeMs);
          for (const [k, v, t] of step.records) input.pipeInput(k, v, t);
          batches.push(seen.splice(0).map((r) => [r.key.key, r.key.window.start, r.key.window.end, r.value.newValue, r.timestamp]));
          expect(seen).toEqual([]);
        }
      } finally {
        await driver.close();
      }
      return batches;
    }

    // KStreamWindowAggregateTest.shouldNotEmitFinalIfNotProgressEnough
    it('emits closed windows only when the close time moves past a window end', async () => {
      const batches = await run(0, [
        { records: [['A', '1', 0], ['B', '2', 5], ['C', '3', 15]] },
        { records: [['D', '4', 15]] },
        { records: [['E', '5', 19]] },
      ]);
      if (emitFinal) {
        expect(batches).toEqual([
          [['A', 0, 10, '0+1', 0], ['B', 0, 10, '0+2', 5]],
          [], // observed time does not progress
          [], // observed time does not progress enough to close a new window
        ]);
      } else {
        expect(batches).toEqual([
          [['A', 0, 10, '0+1', 0], ['B', 0, 10, '0+2', 5], ['B', 5, 15, '0+2', 5], ['C', 10, 20, '0+3', 15], ['C', 15, 25, '0+3', 15]],
          [['D', 10, 20, '0+4', 15], ['D', 15, 25, '0+4', 15]],
          [['E', 10, 20, '0+5', 19], ['E', 15, 25, '0+5', 19]],
        ]);
      }
    });

    // KStreamWindowAggregateTest.shouldEmitWithInterval0
    it('emits on every record with an emit interval of 0', async () => {
      const [batch] = await run(0, [{ records: [['A', '1', 0], ['A', '1', 5], ['B', '2', 10], ['C', '3', 15], ['D', '4', 20]] }]);
      expect(batch).toEqual(
        emitFinal
          ? [['A', 0, 10, '0+1+1', 5], ['A', 5, 15, '0+1', 5], ['B', 5, 15, '0+2', 10]]
          : [
              ['A', 0, 10, '0+1', 0], ['A', 0, 10, '0+1+1', 5], ['A', 5, 15, '0+1', 5], ['B', 5, 15, '0+2', 10], ['B', 10, 20, '0+2', 10],
              ['C', 10, 20, '0+3', 15], ['C', 15, 25, '0+3', 15], ['D', 15, 25, '0+4', 20], ['D', 20, 30, '0+4', 20],
            ],
      );
    });

    // KStreamWindowAggregateTest.shouldEmitWithLargeInterval
    it('throttles emission by wall-clock time with a large interval', async () => {
      const batches = await run(1000, [
        { wallClock: 0, records: [['A', '1', 0], ['A', '1', 5], ['B', '2', 10], ['C', '3', 15]] },
        { wallClock: 10_000, records: [['D', '4', 20]] },
        { wallClock: 10_100, records: [['E', '5', 40]] },
      ]);
      if (emitFinal) {
        expect(batches).toEqual([[], [['A', 0, 10, '0+1+1', 5], ['A', 5, 15, '0+1', 5], ['B', 5, 15, '0+2', 10]], []]);
      } else {
        expect(batches).toEqual([
          [['A', 0, 10, '0+1', 0], ['A', 0, 10, '0+1+1', 5], ['A', 5, 15, '0+1', 5], ['B', 5, 15, '0+2', 10], ['B', 10, 20, '0+2', 10], ['C', 10, 20, '0+3', 15], ['C', 15, 25, '0+3', 15]],
          [['D', 15, 25, '0+4', 20], ['D', 20, 30, '0+4', 20]],
          [['E', 35, 45, '0+5', 40], ['E', 40, 50, '0+5', 40]],
        ]);
      }
    });
  });
}

describe('windowed aggregate changelog', () => {
  // Kafka's ChangeLoggingTimestampedWindowBytesStore: key = [key][window start][seqnum 0],
  // value = the plain aggregate, record timestamp = the aggregate's timestamp.
  it("writes Kafka's window changelog records to <applicationId>-<store>-changelog", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .aggregate(() => '0', adder, Materialized.as<string, string>('agg').withValueSerde(S));
    const driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'app' });
    try {
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('k', 'a', 12);
      input.pipeInput('k', 'b', 15);
      expect(driver.producedTopicNames().has('app-agg-changelog')).toBe(true);
      const records = driver.createOutputTopic('app-agg-changelog', Serdes.bytes(), S).readRecordsToList();
      const key = Buffer.concat([Buffer.from('k'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 10]), Buffer.from([0, 0, 0, 0])]);
      expect(records.map((r) => [r.key.toString('hex'), r.value, r.timestamp])).toEqual([
        [key.toString('hex'), '0+a', 12],
        [key.toString('hex'), '0+a+b', 15],
      ]);
      const store = driver.getWindowStore<string, string>('agg')!;
      expect(store.fetch('k', 10)).toBe('0+a+b');
    } finally {
      await driver.close();
    }
  });
});
