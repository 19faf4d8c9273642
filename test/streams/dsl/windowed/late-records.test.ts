// The opt-in late-record output (beyond Kafka Streams): records that no window accepted go to a
// topic; partially late records (some hopping window still open) do not; downstream table
// operators see only results; without the option the topology is Kafka's.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { SessionWindows } from '../../../../src/streams/windows/session-windows.ts';
import { SlidingWindows } from '../../../../src/streams/windows/sliding-windows.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { recordingLogger, windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
const L = Serdes.int64();

async function run(build: (b: StreamsBuilder) => void, input: Array<[string, string, number]>) {
  const builder = new StreamsBuilder();
  build(builder);
  const driver = await TopologyTestDriver.create(builder.build(), { logger: recordingLogger() });
  try {
    const topic = driver.createInputTopic('in', S, S);
    for (const [k, v, t] of input) topic.pipeInput(k, v, t);
    const late = driver.producedTopicNames().has('late') ? driver.createOutputTopic('late', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]) : [];
    const out = driver.createOutputTopic('out', S, L).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
    return { late, out, dropped: driver.metrics().droppedRecordsTotal };
  } finally {
    await driver.close();
  }
}

describe('withLateRecords', () => {
  it('sends records no hopping window accepted to the late topic, and only those', async () => {
    const { late, out, dropped } = await run(
      (b) =>
        b
          .stream('in', Consumed.with(S, S))
          .groupByKey(Grouped.with(S, S))
          .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
          .withLateRecords('late')
          .count()
          .toStream()
          .map((k, v) => [windowedString(k), v] as const)
          .to('out', Produced.with(S, L)),
      [['k', 'a', 20], ['k', 'partly-late', 12], ['k', 'late', 9]],
    );
    // At stream time 20 (grace 0) both windows of 12, [5,15) and [10,20), are closed (end <= 20).
    expect(late).toEqual([['k', 'partly-late', 12], ['k', 'late', 9]]);
    expect(out).toEqual([['[k@15/25]', 1, 20], ['[k@20/30]', 1, 20]]);
    expect(dropped).toBe(4);
  });

  it('keeps a record that an open hopping window accepted out of the late topic', async () => {
    const { late, out } = await run(
      (b) =>
        b
          .stream('in', Consumed.with(S, S))
          .groupByKey(Grouped.with(S, S))
          .windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
          .withLateRecords('late')
          .count()
          .toStream()
          .map((k, v) => [windowedString(k), v] as const)
          .to('out', Produced.with(S, L)),
      [['k', 'a', 16], ['k', 'b', 12]],
    );
    // 12: [5,15) closed (15 <= 16), [10,20) open → counted there, not late.
    expect(late).toEqual([]);
    expect(out).toEqual([['[k@10/20]', 1, 16], ['[k@15/25]', 1, 16], ['[k@10/20]', 2, 16]]);
  });

  it('works for sliding and session windows', async () => {
    const sliding = await run(
      (b) =>
        b
          .stream('in', Consumed.with(S, S))
          .groupByKey(Grouped.with(S, S))
          .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5))
          .withLateRecords('late')
          .count()
          .toStream()
          .map((k, v) => [windowedString(k), v] as const)
          .to('out', Produced.with(S, L)),
      [['k', 'a', 100], ['k', 'late', 10]],
    );
    expect(sliding.late).toEqual([['k', 'late', 10]]);
    const session = await run(
      (b) =>
        b
          .stream('in', Consumed.with(S, S))
          .groupByKey(Grouped.with(S, S))
          .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
          .withLateRecords('late', Produced.with(S, S))
          .count()
          .toStream()
          .map((k, v) => [windowedString(k), v] as const)
          .to('out', Produced.with(S, L)),
      [['k', 'a', 100], ['j', 'late', 10]],
    );
    expect(session.late).toEqual([['j', 'late', 10]]);
    expect(session.out).toEqual([['[k@100/100]', 1, 100]]);
  });

  it('leaves the topology as Kafka builds it when not used', () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S)).groupByKey(Grouped.with(S, S)).windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to('out');
    const text = b.build().describe().toString();
    expect(text).not.toContain('late-records');
    expect(text).toContain('Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])');
  });
});
