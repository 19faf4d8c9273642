// The task-wide idle watermark (beyond Kafka Streams, opt-in via idleWatermarkMs): after the
// inputs were quiet for idleWatermarkMs of wall clock, stream time follows the wall clock, so
// windows close and final results come out without new records. Off by default (Kafka behaviour).
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { EmitStrategy } from '../../../src/streams/dsl/windowed/emit-strategy.ts';
import { BufferConfig, Suppressed } from '../../../src/streams/dsl/windowed/suppressed.ts';
import { PunctuationType } from '../../../src/streams/processor/processor-context.ts';
import type { Windowed } from '../../../src/streams/serde/windowed-serdes.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { IdleWatermark } from '../../../src/streams/task/idle-watermark.ts';
import { SessionWindows } from '../../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../../src/streams/windows/time-windows.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const L = Serdes.int64();
const WALL = 1_000_000;
const win = (k: Windowed<string>) => `${k.key}@${k.window.start}/${k.window.end}`;

type Shape = 'suppress' | 'emitOnClose' | 'session';

async function start(shape: Shape, idleWatermarkMs: number | undefined) {
  const builder = new StreamsBuilder();
  const grouped = builder.stream('in', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  let table;
  if (shape === 'session') {
    table = grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(3_000, 0)).emitStrategy(EmitStrategy.onWindowClose()).count();
  } else if (shape === 'emitOnClose') {
    table = grouped.windowedBy(TimeWindows.ofSizeAndGrace(10_000, 2_000)).emitStrategy(EmitStrategy.onWindowClose()).count();
  } else {
    table = grouped.windowedBy(TimeWindows.ofSizeAndGrace(10_000, 2_000)).count().suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
  }
  table
    .toStream()
    .map((k, v) => [win(k), v] as const)
    .to('out', Produced.with(S, L));
  const driver = await TopologyTestDriver.create(builder.build(), { initialWallClockTimeMs: WALL, idleWatermarkMs, cacheMaxBytes: 0, logger: { warn() {}, error() {} } });
  const input = driver.createInputTopic('in', S, S);
  const out = driver.createOutputTopic('out', S, L);
  const read = () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
  return { driver, input, read };
}

describe('IdleWatermark (the rule)', () => {
  it('advances by the wall-clock time since the last record, only after idleMs, never backwards', () => {
    const w = new IdleWatermark(5_000);
    expect(w.advance(100_000, -1)).toBeUndefined(); // no record yet
    w.recordActivity(100_000, 4_000);
    expect(w.advance(104_999, 4_000)).toBeUndefined();
    expect(w.advance(105_000, 4_000)).toBe(9_000);
    expect(w.advance(105_000, 9_000)).toBeUndefined(); // not ahead of stream time
    expect(w.advance(130_000, 9_000)).toBe(34_000);
    expect(() => new IdleWatermark(0)).toThrow(/positive whole number/);
  });
});

describe('idleWatermarkMs (task-wide)', () => {
  it('windowed count + suppress(untilWindowCloses) emits its last window after the idle time, once', async () => {
    const { driver, input, read } = await start('suppress', 5_000);
    try {
      input.pipeInput('k', 'a', 1_000);
      input.pipeInput('k', 'b', 4_000);
      driver.advanceWallClockTime(4_999);
      expect(read()).toEqual([]); // not idle long enough
      driver.advanceWallClockTime(1); // idle 5 s: stream time 4 s + 5 s = 9 s < end 10 s + grace 2 s
      expect(read()).toEqual([]);
      driver.advanceWallClockTime(3_000); // idle 8 s: stream time 12 s = window end + grace
      expect(read()).toEqual([['k@0/10000', 2, 4_000]]);
      driver.advanceWallClockTime(60_000);
      expect(read()).toEqual([]);
    } finally {
      await driver.close();
    }
  });

  it('is off by default: without new records nothing is emitted (Kafka behaviour)', async () => {
    const { driver, input, read } = await start('suppress', undefined);
    try {
      input.pipeInput('k', 'a', 1_000);
      driver.advanceWallClockTime(3_600_000);
      expect(read()).toEqual([]);
      input.pipeInput('k', 'c', 12_000); // only a new record moves stream time
      expect(read()).toEqual([['k@0/10000', 1, 1_000]]);
    } finally {
      await driver.close();
    }
  });

  it('a record resets the idle clock', async () => {
    const { driver, input, read } = await start('suppress', 5_000);
    try {
      input.pipeInput('k', 'a', 1_000);
      driver.advanceWallClockTime(4_000);
      input.pipeInput('k', 'b', 2_000); // activity at wall +4 s; stream time 2 s
      driver.advanceWallClockTime(8_000); // idle 8 s since the last record: 2 s + 8 s = 10 s < 12 s
      expect(read()).toEqual([]);
      driver.advanceWallClockTime(2_000); // 12 s
      expect(read()).toEqual([['k@0/10000', 2, 2_000]]);
    } finally {
      await driver.close();
    }
  });

  it('emit-on-window-close aggregations emit closed windows without new records', async () => {
    const { driver, input, read } = await start('emitOnClose', 1_000);
    try {
      input.pipeInput('a', 'x', 1_000);
      input.pipeInput('b', 'x', 3_000);
      input.pipeInput('a', 'y', 9_000);
      expect(read()).toEqual([]);
      driver.advanceWallClockTime(3_000); // 9 s + 3 s = 12 s: window [0, 10 s) closes
      expect(read()).toEqual([
        ['a@0/10000', 2, 9_000],
        ['b@0/10000', 1, 3_000],
      ]);
      driver.advanceWallClockTime(100_000);
      expect(read()).toEqual([]);
    } finally {
      await driver.close();
    }
  });

  it('session windows with emit-on-window-close emit the quiet session', async () => {
    const { driver, input, read } = await start('session', 1_000);
    try {
      input.pipeInput('a', 'x', 1_000);
      input.pipeInput('a', 'y', 2_000);
      driver.advanceWallClockTime(2_000); // 2 s + 2 s = 4 s < session end 2 s + gap 3 s (+1 to pass it)
      expect(read()).toEqual([]);
      driver.advanceWallClockTime(1_001); // 5.001 s: closeTime = 2.001 s > end 2 s
      expect(read()).toEqual([['a@1000/2000', 2, 2_000]]);
    } finally {
      await driver.close();
    }
  });

  it('windowed aggregates see the advanced time: a record older than the closed window is dropped', async () => {
    const { driver, input, read } = await start('suppress', 1_000);
    try {
      input.pipeInput('k', 'a', 1_000);
      driver.advanceWallClockTime(20_000); // stream time 21 s
      expect(read()).toEqual([['k@0/10000', 1, 1_000]]);
      input.pipeInput('k', 'late', 5_000); // window [0, 10 s) closed at 12 s
      expect(read()).toEqual([]);
      expect(driver.metrics().droppedRecordsTotal).toBe(1);
    } finally {
      await driver.close();
    }
  });

  it('stream-time punctuators fire at the advanced stream time', async () => {
    const builder = new StreamsBuilder();
    const fired: number[] = [];
    builder.stream('in', Consumed.with(S, S)).process<never, never>(() => ({
      init(ctx) {
        ctx.schedule(10_000, PunctuationType.STREAM_TIME, (t) => fired.push(t));
      },
      process() {},
    }));
    const driver = await TopologyTestDriver.create(builder.build(), { initialWallClockTimeMs: WALL, idleWatermarkMs: 2_000 });
    try {
      driver.createInputTopic('in', S, S).pipeInput('k', 'v', 5_000);
      expect(fired).toEqual([5_000]); // first record: aligned to 0
      driver.advanceWallClockTime(1_999);
      expect(fired).toEqual([5_000]);
      driver.advanceWallClockTime(3_001); // idle 5 s → stream time 10 s
      expect(fired).toEqual([5_000, 10_000]);
    } finally {
      await driver.close();
    }
  });
});
