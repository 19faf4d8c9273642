// Stream-stream left/outer joins and the task's opt-in idle watermark (beyond Kafka Streams,
// src/streams/task/idle-watermark.ts): with the watermark on, a non-joined record is emitted once
// wall-clock quiet has moved stream time past its window's close, without a new record; with it
// off (the default, as Kafka), it waits for a record that advances stream time.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();

async function start(kind: 'left' | 'outer', idleWatermarkMs: number | undefined) {
  const b = new StreamsBuilder();
  const left = b.stream('left', Consumed.with(S, S));
  const right = b.stream('right', Consumed.with(S, S));
  const windows = JoinWindows.ofTimeDifferenceAndGrace(100, 10);
  const joiner = (l: string | null, r: string | null) => `${l}+${r}`;
  const joined = kind === 'left' ? left.leftJoin(right, joiner, windows, StreamJoined.with(S, S, S)) : left.outerJoin(right, joiner, windows, StreamJoined.with(S, S, S));
  joined.to('out', Produced.with(S, S));
  const driver = await TopologyTestDriver.create(b.build(), { initialWallClockTimeMs: 0, ...(idleWatermarkMs === undefined ? {} : { idleWatermarkMs }) });
  const out = driver.createOutputTopic('out', S, S);
  return {
    driver,
    left: driver.createInputTopic('left', S, S),
    right: driver.createInputTopic('right', S, S),
    read: () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
  };
}

describe('stream-stream left/outer joins with the idle watermark', () => {
  for (const kind of ['left', 'outer'] as const) {
    it(`${kind} join: an unmatched record is emitted after its window closes by wall-clock quiet alone`, async () => {
      const { driver, left, right, read } = await start(kind, 1_000);
      try {
        left.pipeInput('a', 'L1', 0);
        if (kind === 'outer') right.pipeInput('b', 'R1', 5);
        expect(read()).toEqual([]); // waiting for their windows to close (100 after + 10 grace)
        driver.advanceWallClockTime(1_000); // idle 1 s: stream time 5 + 1000 ≫ window close
        const expected = kind === 'outer' ? [['a', 'L1+null', 0], ['b', 'null+R1', 5]] : [['a', 'L1+null', 0]];
        expect(read()).toEqual(expected);
        driver.advanceWallClockTime(10_000);
        expect(read()).toEqual([]); // emitted once
      } finally {
        await driver.close();
      }
    });
  }

  it('off by default: the unmatched record waits for a record that advances stream time (as Kafka)', async () => {
    const { driver, left, read } = await start('left', undefined);
    try {
      left.pipeInput('a', 'L1', 0);
      driver.advanceWallClockTime(3_600_000);
      expect(read()).toEqual([]);
      left.pipeInput('c', 'L2', 200);
      expect(read()).toEqual([['a', 'L1+null', 0]]);
    } finally {
      await driver.close();
    }
  });
});
