// The opt-in idle watermark of suppress (beyond Kafka Streams): final results of the last
// windows are emitted after idleMs of wall-clock quiet, without new records; off by default.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { BufferConfig, Suppressed } from '../../../../src/streams/dsl/windowed/suppressed.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TimeWindows } from '../../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { windowedString } from './windowed-test-helpers.ts';

const S = Serdes.string();
const L = Serdes.int64();

async function start(idleMs: number | undefined) {
  const builder = new StreamsBuilder();
  const base = Suppressed.untilWindowCloses(BufferConfig.unbounded());
  builder
    .stream('in', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S))
    .windowedBy(TimeWindows.ofSizeAndGrace(10_000, 2_000))
    .count()
    .suppress(idleMs === undefined ? base : base.withIdleWatermark(idleMs))
    .toStream()
    .map((k, v) => [windowedString(k), v] as const)
    .to('out', Produced.with(S, L));
  const driver = await TopologyTestDriver.create(builder.build(), { initialWallClockTimeMs: 1_000_000 });
  const input = driver.createInputTopic('in', S, S);
  const out = driver.createOutputTopic('out', S, L);
  const read = () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
  return { driver, input, read };
}

describe('Suppressed.withIdleWatermark', () => {
  it('emits the last window after idleMs of wall-clock quiet, advancing stream time with the clock', async () => {
    const { driver, input, read } = await start(5_000);
    try {
      input.pipeInput('k', 'a', 1_000);
      input.pipeInput('k', 'b', 4_000);
      driver.advanceWallClockTime(4_999);
      expect(read()).toEqual([]); // not idle long enough
      driver.advanceWallClockTime(1); // idle 5 s: stream time 4 s + 5 s = 9 s < 10 s + 2 s
      expect(read()).toEqual([]);
      driver.advanceWallClockTime(5_000); // idle 10 s: stream time 14 s >= window end 10 s + grace 2 s
      expect(read()).toEqual([['[k@0/10000]', 2, 4_000]]);
      driver.advanceWallClockTime(60_000);
      expect(read()).toEqual([]); // emitted once
    } finally {
      await driver.close();
    }
  });

  it('is off by default: without new records nothing is emitted', async () => {
    const { driver, input, read } = await start(undefined);
    try {
      input.pipeInput('k', 'a', 1_000);
      driver.advanceWallClockTime(3_600_000);
      expect(read()).toEqual([]);
    } finally {
      await driver.close();
    }
  });
});
