// The wall-clock throttle of stream-stream left/outer joins (kstream-kstream-join.ts): non-joined
// records are looked for at most once per outerJoinEmitIntervalMs of wall-clock time per task, as
// Kafka's KStreamKStreamJoin.emitNonJoinedOuterRecords with
// emit.interval.ms.kstreams.outer.join.spurious.results.fix. Kafka's TopologyTestDriver sets that
// interval to 0, and so does ours by default (the other join tests rely on it).
import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { I, S, streamJoinHarness, toStringJoiner } from './stream-join-harness.ts';

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function outerJoin(outerJoinEmitIntervalMs?: number) {
  const h = await streamJoinHarness(
    (s1, s2) => s1.outerJoin(s2, toStringJoiner, JoinWindows.ofTimeDifferenceAndGrace(10, 0), StreamJoined.with(I, S, S)),
    undefined,
    'memory',
    outerJoinEmitIntervalMs === undefined ? {} : { outerJoinEmitIntervalMs },
  );
  driver = h.driver;
  return h;
}

describe('outer-join emission throttling', () => {
  it('with a 1000 ms interval, a scan runs at most once per second of wall clock', async () => {
    const { in1, in2, out } = await outerJoin(1000);
    in1.pipeInput(0, 'A0', 0);
    in2.pipeInput(1, 'b1', 1);
    // Stream time 100 closes both windows: the first scan runs (nextTimeToEmit was 0).
    in1.pipeInput(9, 'X', 100);
    expect(out()).toEqual([[0, 'A0+null', 0], [1, 'null+b1', 1]]);
    in1.pipeInput(2, 'A2', 101);
    in1.pipeInput(9, 'Y', 200);
    // A2's window closed at stream time 200, but the wall clock has not moved: no scan.
    expect(out()).toEqual([]);
    driver!.advanceWallClockTime(999);
    in1.pipeInput(9, 'Z', 201);
    expect(out()).toEqual([]);
    driver!.advanceWallClockTime(1);
    in1.pipeInput(9, 'W', 202);
    // One second later the next record's scan emits what closed meanwhile (Y at 200 is still open).
    expect(out()).toEqual([[9, 'X+null', 100], [2, 'A2+null', 101]]);
  });

  it('the driver default (0, as Kafka\'s driver) scans at every stream-time advance', async () => {
    const { in1, out } = await outerJoin();
    in1.pipeInput(0, 'A0', 0);
    in1.pipeInput(9, 'X', 100);
    expect(out()).toEqual([[0, 'A0+null', 0]]);
    in1.pipeInput(9, 'Y', 200);
    expect(out()).toEqual([[9, 'X+null', 100]]);
  });

  it('rejects a negative interval, naming the field', async () => {
    const b = new StreamsBuilder();
    b.stream('t');
    await expect(TopologyTestDriver.create(b.build(), { outerJoinEmitIntervalMs: -1 })).rejects.toThrow(/outerJoinEmitIntervalMs/);
  });
});
