// Punctuation on stream time and on wall-clock time in the TopologyTestDriver, ported from
// Apache Kafka's TopologyTestDriverTest (streams/test-utils/src/test/java/org/apache/kafka/streams/
// TopologyTestDriverTest.java: shouldPunctuateOnStreamsTime, shouldPunctuateOnWallClockTime) and
// the "missed punctuations fire once" rule of PunctuationSchedule.next.
import { describe, expect, it } from 'vitest';
import { PunctuationType, type Cancellable, type ProcessorContext } from '../../../src/streams/processor/processor-context.ts';
import { makeRecord } from '../../../src/streams/processor/record.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Topology } from '../../../src/streams/topology/topology.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();

/** Kafka's setupSingleProcessorTopology(interval, type, punctuator): one processor that schedules in init. */
function singleProcessorTopology(interval: number, type: PunctuationType, punctuatedAt: number[], forward = false) {
  let cancel: Cancellable | undefined;
  const topology = new Topology()
    .addSource('source', 'source-topic-1', { keyDeserializer: S, valueDeserializer: S })
    .addProcessor(
      'processor',
      () => {
        let ctx: ProcessorContext<string, string>;
        return {
          init(context: ProcessorContext<string, string>) {
            ctx = context;
            cancel = context.schedule(interval, type, (ts) => {
              punctuatedAt.push(ts);
              if (forward) ctx.forward(makeRecord('punctuated', String(ts), ts));
            });
          },
          process() {},
        };
      },
      'source',
    )
    .addSink('sink', 'result', { keySerializer: S, valueSerializer: S }, 'processor');
  return { topology, cancel: () => cancel?.cancel() };
}

describe('stream-time punctuation (TopologyTestDriverTest.shouldPunctuateOnStreamsTime)', () => {
  it('fires at the first stream time, then once per crossed multiple of the interval', async () => {
    const punctuatedAt: number[] = [];
    const { topology } = singleProcessorTopology(10, PunctuationType.STREAM_TIME, punctuatedAt);
    const driver = await TopologyTestDriver.create(topology);
    try {
      const input = driver.createInputTopic('source-topic-1', S, S);
      const expected: number[] = [];
      const step = (ts: number, fires: boolean) => {
        input.pipeInput('key1', 'value1', ts);
        if (fires) expected.push(ts);
        expect(punctuatedAt).toEqual(expected);
      };
      step(42, true);
      step(42, false);
      step(51, true);
      step(52, false);
      step(61, true);
      step(65, false);
      step(71, true);
      step(72, false);
      step(95, true); // 81 and 91 were missed: one punctuation, next at 101
      step(101, true);
      step(102, false);
    } finally {
      await driver.close();
    }
  });

  it('does not fire on wall-clock advances, nor for records older than stream time', async () => {
    const punctuatedAt: number[] = [];
    const { topology } = singleProcessorTopology(10, PunctuationType.STREAM_TIME, punctuatedAt);
    const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0 });
    try {
      const input = driver.createInputTopic('source-topic-1', S, S);
      input.pipeInput('k', 'v', 100);
      driver.advanceWallClockTime(1000);
      input.pipeInput('k', 'v', 5); // stream time stays 100
      expect(punctuatedAt).toEqual([100]);
    } finally {
      await driver.close();
    }
  });

  it('forwards from a punctuator with the punctuation timestamp, and stops after cancel', async () => {
    const punctuatedAt: number[] = [];
    const { topology, cancel } = singleProcessorTopology(10, PunctuationType.STREAM_TIME, punctuatedAt, true);
    const driver = await TopologyTestDriver.create(topology);
    try {
      const input = driver.createInputTopic('source-topic-1', S, S);
      input.pipeInput('k', 'v', 7);
      input.pipeInput('k', 'v', 23);
      const out = driver.createOutputTopic('result', S, S).readRecordsToList();
      expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['punctuated', '7', 7], ['punctuated', '23', 23]]);
      cancel();
      input.pipeInput('k', 'v', 50);
      expect(punctuatedAt).toEqual([7, 23]);
    } finally {
      await driver.close();
    }
  });
});

describe('wall-clock punctuation (TopologyTestDriverTest.shouldPunctuateOnWallClockTime)', () => {
  it('fires one interval after scheduling, then once per crossed interval', async () => {
    const punctuatedAt: number[] = [];
    const { topology } = singleProcessorTopology(10, PunctuationType.WALL_CLOCK_TIME, punctuatedAt);
    const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0 });
    try {
      const expected: number[] = [];
      driver.advanceWallClockTime(5);
      expect(punctuatedAt).toEqual(expected);
      expected.push(14);
      driver.advanceWallClockTime(9);
      expect(punctuatedAt).toEqual(expected);
      driver.advanceWallClockTime(1);
      expect(punctuatedAt).toEqual(expected);
      expected.push(35);
      driver.advanceWallClockTime(20);
      expect(punctuatedAt).toEqual(expected);
      expected.push(40);
      driver.advanceWallClockTime(5);
      expect(punctuatedAt).toEqual(expected);
    } finally {
      await driver.close();
    }
  });

  it('does not fire on records alone', async () => {
    const punctuatedAt: number[] = [];
    const { topology } = singleProcessorTopology(10, PunctuationType.WALL_CLOCK_TIME, punctuatedAt);
    const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0 });
    try {
      const input = driver.createInputTopic('source-topic-1', S, S);
      for (const ts of [10, 100, 1000]) input.pipeInput('k', 'v', ts);
      expect(punctuatedAt).toEqual([]);
    } finally {
      await driver.close();
    }
  });
});
