// Scenarios ported from Apache Kafka's SuppressScenarioTest
// (streams/src/test/java/org/apache/kafka/streams/kstream/internals/SuppressScenarioTest.java),
// outputs record for record and timestamp for timestamp.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Named } from '../../../../src/streams/dsl/options/named.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import type { KTable } from '../../../../src/streams/dsl/ktable.ts';
import { BufferConfig, Suppressed } from '../../../../src/streams/dsl/windowed/suppressed.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { Windowed } from '../../../../src/streams/serde/windowed-serdes.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { SlidingWindows } from '../../../../src/streams/windows/sliding-windows.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { recordingLogger, windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
const L = Serdes.int64();
const { untilTimeLimit, untilWindowCloses } = Suppressed;
const LONG_MAX = Number.MAX_SAFE_INTEGER; // Kafka's Duration.ofMillis(Long.MAX_VALUE)

type Kvt = [string, number | null, number];

async function driverFor(builder: StreamsBuilder, applicationId?: string) {
  const driver = await TopologyTestDriver.create(builder.build(), { logger: recordingLogger(), ...(applicationId ? { applicationId } : {}) });
  const input = driver.createInputTopic('input', S, S);
  const drain = (topic: string): Kvt[] => driver.createOutputTopic(topic, S, L).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
  return { driver, input, drain };
}

/** The valueCounts table of Kafka's scenarios: builder.table("input").groupBy((k, v) -> (v, k)).count(). */
function valueCounts(builder: StreamsBuilder, countMaterialized = false): KTable<string, number> {
  const grouped = builder
    .table('input', Consumed.with(S, S), Materialized.with(S, S).withCachingDisabled().withLoggingDisabled())
    .groupBy((k, v) => [v, k] as const, Grouped.with(S, S));
  return countMaterialized ? grouped.count(Materialized.with(S, L)) : grouped.count();
}

function wire<K>(table: KTable<K, number>, suppressed: Suppressed, keyOf: (k: K) => string): void {
  table
    .suppress(suppressed)
    .toStream()
    .map((k, v) => [keyOf(k), v] as const)
    .to('output-suppressed', Produced.with(S, L));
  table
    .toStream()
    .map((k, v) => [keyOf(k), v] as const)
    .to('output-raw', Produced.with(S, L));
}

const plain = (k: string) => k;
const windowed = (k: Windowed<string>) => windowedString(k);

describe('SuppressScenarioTest (untilTimeLimit)', () => {
  it('shouldImmediatelyEmitEventsWithZeroEmitAfter', async () => {
    const builder = new StreamsBuilder();
    wire(valueCounts(builder), untilTimeLimit(0, BufferConfig.unbounded()), plain);
    const { driver, input, drain } = await driverFor(builder);
    try {
      input.pipeInput('k1', 'v1', 0);
      input.pipeInput('k1', 'v2', 1);
      input.pipeInput('k2', 'v1', 2);
      const first: Kvt[] = [['v1', 1, 0], ['v1', 0, 1], ['v2', 1, 1], ['v1', 1, 2]];
      expect(drain('output-raw')).toEqual(first);
      expect(drain('output-suppressed')).toEqual(first);
      input.pipeInput('x', 'x', 3);
      expect(drain('output-raw')).toEqual([['x', 1, 3]]);
      expect(drain('output-suppressed')).toEqual([['x', 1, 3]]);
      input.pipeInput('x', 'y', 4);
      expect(drain('output-raw')).toEqual([['x', 0, 4], ['y', 1, 4]]);
      expect(drain('output-suppressed')).toEqual([['x', 0, 4], ['y', 1, 4]]);
    } finally {
      await driver.close();
    }
  });

  it('shouldSuppressIntermediateEventsWithTimeLimit', async () => {
    const builder = new StreamsBuilder();
    wire(valueCounts(builder), untilTimeLimit(2, BufferConfig.unbounded()), plain);
    const { driver, input, drain } = await driverFor(builder);
    try {
      input.pipeInput('k1', 'v1', 0);
      input.pipeInput('k1', 'v2', 1);
      input.pipeInput('k2', 'v1', 2);
      expect(drain('output-raw')).toEqual([['v1', 1, 0], ['v1', 0, 1], ['v2', 1, 1], ['v1', 1, 2]]);
      expect(drain('output-suppressed')).toEqual([['v1', 1, 2]]);
      // a dummy "tick" record just to advance stream time
      input.pipeInput('tick', 'tick', 3);
      expect(drain('output-raw')).toEqual([['tick', 1, 3]]);
      // the stream time is now 3, so it's time to emit this record
      expect(drain('output-suppressed')).toEqual([['v2', 1, 1]]);
      input.pipeInput('tick', 'tock', 4);
      expect(drain('output-raw')).toEqual([['tick', 0, 4], ['tock', 1, 4]]);
      // tick is still buffered: first inserted at time 3, and it is only time 4.
      expect(drain('output-suppressed')).toEqual([]);
    } finally {
      await driver.close();
    }
  });

  it('shouldSuppressIntermediateEventsWithRecordLimit', async () => {
    const builder = new StreamsBuilder();
    wire(valueCounts(builder, true), untilTimeLimit(LONG_MAX, BufferConfig.maxRecords(1).emitEarlyWhenFull()), plain);
    const { driver, input, drain } = await driverFor(builder);
    try {
      input.pipeInput('k1', 'v1', 0);
      input.pipeInput('k1', 'v2', 1);
      input.pipeInput('k2', 'v1', 2);
      expect(drain('output-raw')).toEqual([['v1', 1, 0], ['v1', 0, 1], ['v2', 1, 1], ['v1', 1, 2]]);
      // consecutive updates to v1 get suppressed into only the latter; the last update waits.
      expect(drain('output-suppressed')).toEqual([['v1', 0, 1], ['v2', 1, 1]]);
      input.pipeInput('x', 'x', 3);
      expect(drain('output-raw')).toEqual([['x', 1, 3]]);
      expect(drain('output-suppressed')).toEqual([['v1', 1, 2]]);
    } finally {
      await driver.close();
    }
  });

  it('shouldSuppressIntermediateEventsWithBytesLimit', async () => {
    const builder = new StreamsBuilder();
    // "the entries are a little over 100 bytes in size" — sized as Kafka sizes them, with Kafka's
    // TopologyTestDriver application id (the record context's topic name counts). Kafka's count()
    // here is cached, and its cache keeps each entry's record context (topic); Tributary's cache
    // flush forwards without one, so the count runs uncached to carry the topic as Kafka's does.
    const counts = builder
      .table('input', Consumed.with(S, S), Materialized.with(S, S).withCachingDisabled().withLoggingDisabled())
      .groupBy((k, v) => [v, k] as const, Grouped.with(S, S))
      .count(Materialized.with<string, number>(S, L).withCachingDisabled());
    wire(counts, untilTimeLimit(LONG_MAX, BufferConfig.maxBytes(200).emitEarlyWhenFull()), plain);
    const { driver, input, drain } = await driverFor(builder, 'dummy-topology-test-driver-app-id');
    try {
      input.pipeInput('k1', 'v1', 0);
      input.pipeInput('k1', 'v2', 1);
      input.pipeInput('k2', 'v1', 2);
      expect(drain('output-raw')).toEqual([['v1', 1, 0], ['v1', 0, 1], ['v2', 1, 1], ['v1', 1, 2]]);
      expect(drain('output-suppressed')).toEqual([['v1', 0, 1], ['v2', 1, 1]]);
      input.pipeInput('x', 'x', 3);
      expect(drain('output-raw')).toEqual([['x', 1, 3]]);
      expect(drain('output-suppressed')).toEqual([['v1', 1, 2]]);
    } finally {
      await driver.close();
    }
  });

  it('fails the task when a strict bounded buffer is full (shutDownWhenFull)', async () => {
    const builder = new StreamsBuilder();
    wire(valueCounts(builder, true), untilTimeLimit(LONG_MAX, BufferConfig.maxRecords(1).shutDownWhenFull()).withName('limited'), plain);
    const { driver, input } = await driverFor(builder);
    try {
      input.pipeInput('k1', 'v1', 0);
      expect(() => input.pipeInput('k2', 'v2', 1)).toThrow(/limited buffer exceeded its max capacity\. Currently \[2\/1\] records/);
    } finally {
      await driver.close().catch(() => {});
    }
  });
});

describe('SuppressScenarioTest (untilWindowCloses)', () => {
  it('shouldSupportFinalResultsForTimeWindows', async () => {
    const builder = new StreamsBuilder();
    const counts = builder
      .stream('input', Consumed.with(S, S))
      .groupBy((k: string) => k, Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeAndGrace(2, 1))
      .count(Materialized.as<string, number>('counts').withCachingDisabled());
    wire(counts, untilWindowCloses(BufferConfig.unbounded()), windowed);
    const { driver, input, drain } = await driverFor(builder);
    try {
      for (const t of [0, 1, 2, 1, 0, 5]) input.pipeInput('k1', 'v1', t);
      // this last record is dropped: it is out of the grace period
      input.pipeInput('k1', 'v1', 0);
      expect(drain('output-raw')).toEqual([
        ['[k1@0/2]', 1, 0], ['[k1@0/2]', 2, 1], ['[k1@2/4]', 1, 2], ['[k1@0/2]', 3, 1], ['[k1@0/2]', 4, 1], ['[k1@4/6]', 1, 5],
      ]);
      expect(drain('output-suppressed')).toEqual([['[k1@0/2]', 4, 1], ['[k1@2/4]', 1, 2]]);
    } finally {
      await driver.close();
    }
  });

  it('shouldSupportFinalResultsForTimeWindowsWithLargeJump', async () => {
    const builder = new StreamsBuilder();
    const counts = builder
      .stream('input', Consumed.with(S, S))
      .groupBy((k: string) => k, Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeAndGrace(2, 2))
      .count(Materialized.as<string, number>('counts').withCachingDisabled().withKeySerde(S));
    wire(counts, untilWindowCloses(BufferConfig.unbounded()), windowed);
    const { driver, input, drain } = await driverFor(builder);
    try {
      for (const t of [0, 1, 2, 0, 3, 0, 4]) input.pipeInput('k1', 'v1', t);
      // dropped: the previous event advanced stream time and closed the window
      input.pipeInput('k1', 'v1', 0);
      input.pipeInput('k1', 'v1', 30);
      expect(drain('output-raw')).toEqual([
        ['[k1@0/2]', 1, 0], ['[k1@0/2]', 2, 1], ['[k1@2/4]', 1, 2], ['[k1@0/2]', 3, 1], ['[k1@2/4]', 2, 3], ['[k1@0/2]', 4, 1], ['[k1@4/6]', 1, 4], ['[k1@30/32]', 1, 30],
      ]);
      expect(drain('output-suppressed')).toEqual([['[k1@0/2]', 4, 1], ['[k1@2/4]', 2, 3], ['[k1@4/6]', 1, 4]]);
    } finally {
      await driver.close();
    }
  });

  it('shouldSupportFinalResultsForSlidingWindows', async () => {
    const builder = new StreamsBuilder();
    const counts = builder
      .stream('input', Consumed.with(S, S))
      .groupBy((k: string) => k, Grouped.with(S, S))
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(5, 15))
      .count(Materialized.as<string, number>('counts').withCachingDisabled().withKeySerde(S));
    wire(counts, untilWindowCloses(BufferConfig.unbounded()), windowed);
    const { driver, input, drain } = await driverFor(builder);
    try {
      for (const t of [10, 11, 10, 13, 10, 24]) input.pipeInput('k1', 'v1', t);
      // dropped: the previous event advanced stream time and closed the window
      input.pipeInput('k1', 'v1', 5);
      input.pipeInput('k1', 'v1', 7);
      // final record to advance stream time and flush windows
      input.pipeInput('k1', 'v1', 90);
      const raw = drain('output-raw').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[2] - b[2]));
      expect(raw).toEqual([
        ['[k1@11/16]', 1, 11], // right window for k1@10 created when k1@11 is processed
        ['[k1@11/16]', 2, 13], // right window for k1@10 updated when k1@13 is processed
        ['[k1@12/17]', 1, 13], // right window for k1@11 created when k1@13 is processed
        ['[k1@19/24]', 1, 24], // left window for k1@24
        ['[k1@5/10]', 1, 10],
        ['[k1@5/10]', 2, 10],
        ['[k1@5/10]', 3, 10],
        ['[k1@5/10]', 4, 10], // updated when k1@5 is processed
        ['[k1@5/10]', 5, 10], // updated when k1@7 is processed
        ['[k1@6/11]', 2, 11],
        ['[k1@6/11]', 3, 11],
        ['[k1@6/11]', 4, 11],
        ['[k1@6/11]', 5, 11],
        ['[k1@8/13]', 4, 13],
        ['[k1@8/13]', 5, 13],
        ['[k1@85/90]', 1, 90],
      ]);
      expect(drain('output-suppressed')).toEqual([
        ['[k1@5/10]', 5, 10], ['[k1@6/11]', 5, 11], ['[k1@8/13]', 5, 13], ['[k1@11/16]', 2, 13], ['[k1@12/17]', 1, 13], ['[k1@19/24]', 1, 24],
      ]);
    } finally {
      await driver.close();
    }
  });

  it('shouldSupportFinalResultsForSessionWindows', async () => {
    const builder = new StreamsBuilder();
    const counts = builder
      .stream('input', Consumed.with(S, S))
      .groupBy((k: string) => k, Grouped.with(S, S))
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .count(Materialized.as<string, number>('counts').withCachingDisabled());
    wire(counts, untilWindowCloses(BufferConfig.unbounded()), windowed);
    const { driver, input, drain } = await driverFor(builder);
    try {
      input.pipeInput('k1', 'v1', 0);
      input.pipeInput('k1', 'v1', 5);
      // disordered records are admitted: the window is not closed until stream time > end + grace
      input.pipeInput('k1', 'v1', 1);
      // any record in the partition advances stream time (note the other key)
      input.pipeInput('k2', 'v1', 11);
      // late for the first window: dropped from all streams
      input.pipeInput('k1', 'v1', 5);
      input.pipeInput('k1', 'v1', 30);
      expect(drain('output-raw')).toEqual([
        ['[k1@0/0]', 1, 0], ['[k1@0/0]', null, 0], ['[k1@0/5]', 2, 5], ['[k1@0/5]', null, 5], ['[k1@0/5]', 3, 5], ['[k2@11/11]', 1, 11], ['[k1@30/30]', 1, 30],
      ]);
      expect(drain('output-suppressed')).toEqual([['[k1@0/5]', 3, 5], ['[k2@11/11]', 1, 11]]);
    } finally {
      await driver.close();
    }
  });

  it('rejects untilWindowCloses on a table that is not windowed', () => {
    const builder = new StreamsBuilder();
    const table = valueCounts(builder);
    expect(() => table.suppress(untilWindowCloses(BufferConfig.unbounded()))).toThrow(/needs a windowed table/);
  });
});

describe('SuppressScenarioTest (suppress before a join)', () => {
  const KS = Consumed.with(S, S);
  async function joinDriver(suppressLeft: boolean) {
    const builder = new StreamsBuilder();
    const suppressed = (t: KTable<string, string>) => t.suppress(untilTimeLimit(10, BufferConfig.unbounded()));
    const left = builder.table('left', KS);
    const right = builder.table('right', KS);
    (suppressLeft ? suppressed(left) : left)
      .outerJoin(suppressLeft ? right : suppressed(right), (l, r) => `(${l},${r})`)
      .toStream()
      .to('output', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(builder.build(), { logger: recordingLogger() });
    const out = driver.createOutputTopic('output', S, S);
    return {
      driver,
      left: driver.createInputTopic('left', S, S),
      right: driver.createInputTopic('right', S, S),
      drain: () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    };
  }

  it('shouldWorkBeforeJoinRight', async () => {
    const { driver, left, right, drain } = await joinDriver(false);
    right.pipeInput('B', '1', 0);
    right.pipeInput('A', '1', 0);
    expect(drain()).toEqual([]); // buffered
    right.pipeInput('tick', 'tick', 10);
    expect(drain()).toEqual([
      ['A', '(null,1)', 0],
      ['B', '(null,1)', 0],
    ]);
    right.pipeInput('A', '2', 11);
    expect(drain()).toEqual([]); // buffered
    left.pipeInput('A', 'a', 12);
    expect(drain()).toEqual([['A', '(a,1)', 12]]); // joins the right side as last emitted
    left.pipeInput('B', 'b', 12);
    expect(drain()).toEqual([['B', '(b,1)', 12]]); // B is not buffered: reads through to the parent
    left.pipeInput('A', 'b', 13);
    expect(drain()).toEqual([['A', '(b,1)', 13]]);
    right.pipeInput('tick', 'tick1', 21);
    expect(drain()).toEqual([
      ['tick', '(null,tick1)', 21],
      ['A', '(b,2)', 13],
    ]);
    await driver.close();
  });

  it('shouldWorkBeforeJoinLeft', async () => {
    const { driver, left, right, drain } = await joinDriver(true);
    left.pipeInput('B', '1', 0);
    left.pipeInput('A', '1', 0);
    expect(drain()).toEqual([]);
    left.pipeInput('tick', 'tick', 10);
    expect(drain()).toEqual([
      ['A', '(1,null)', 0],
      ['B', '(1,null)', 0],
    ]);
    left.pipeInput('A', '2', 11);
    expect(drain()).toEqual([]);
    right.pipeInput('A', 'a', 12);
    expect(drain()).toEqual([['A', '(1,a)', 12]]);
    right.pipeInput('B', 'b', 12);
    expect(drain()).toEqual([['B', '(1,b)', 12]]);
    right.pipeInput('A', 'b', 13);
    expect(drain()).toEqual([['A', '(1,b)', 13]]);
    left.pipeInput('tick', 'tick1', 21);
    expect(drain()).toEqual([
      ['tick', '(tick1,null)', 21],
      ['A', '(2,b)', 13],
    ]);
    await driver.close();
  });
});

describe('SuppressScenarioTest (suppress before groupBy, and on a cogrouped aggregate)', () => {
  it('shouldWorkBeforeGroupBy', async () => {
    const builder = new StreamsBuilder();
    builder
      .table('topic', Consumed.with(S, S))
      .suppress(untilTimeLimit(10, BufferConfig.unbounded()))
      .groupBy((k, v) => [k, v] as const, Grouped.with(S, S))
      .count()
      .toStream()
      .to('output', Produced.with(S, L));
    const driver = await TopologyTestDriver.create(builder.build(), { logger: recordingLogger() });
    try {
      const input = driver.createInputTopic('topic', S, S);
      input.pipeInput('A', 'a', 0);
      input.pipeInput('tick', 'tick', 10);
      const out = driver.createOutputTopic('output', S, L).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
      expect(out).toEqual([['A', 1, 0]]);
    } finally {
      await driver.close();
    }
  });

  // Kafka's test only builds the topology; here it also runs, so the suppressed cogrouped
  // windowed aggregate is checked to emit each window once, when it closes.
  it('shouldWorkWithCogrouped', async () => {
    const builder = new StreamsBuilder();
    const one = builder.stream('one', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
    const two = builder.stream('two', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
    one
      .cogroup<string>((_k, v, agg) => agg + v)
      .cogroup(two, (_k, v, agg) => agg + v)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(15 * 60_000))
      .aggregate(() => '', Named.as('test'), Materialized.as<string, string>('store').withValueSerde(S))
      .suppress(untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .map((k, v) => [windowedString(k), v] as const)
      .to('output', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(builder.build(), { logger: recordingLogger() });
    try {
      driver.createInputTopic('one', S, S).pipeInput('k', 'a', 0);
      driver.createInputTopic('two', S, S).pipeInput('k', 'b', 1);
      const out = driver.createOutputTopic('output', S, S);
      expect(out.readRecordsToList()).toEqual([]);
      driver.createInputTopic('one', S, S).pipeInput('k', 'c', 15 * 60_000);
      expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['[k@0/900000]', 'ab', 1]]);
    } finally {
      await driver.close();
    }
  });
});
