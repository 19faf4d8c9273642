// Ported from Apache Kafka Streams' KStreamKStreamLeftJoinTest (streams/src/test/java/org/
// apache/kafka/streams/kstream/internals/KStreamKStreamLeftJoinTest.java): the scenarios of the
// spurious-result fix (non-joined left records are emitted only once their window closes),
// record for record and timestamp for timestamp.
import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import type { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { I, S, streamJoinHarness, toStringJoiner } from './stream-join-harness.ts';

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function leftJoin(windows: JoinWindows) {
  const h = await streamJoinHarness((s1, s2) => s1.leftJoin(s2, toStringJoiner, windows, StreamJoined.with(I, S, S)));
  driver = h.driver;
  return h;
}

describe('KStreamKStreamLeftJoinTest', () => {
  it('testLeftJoinDuplicates', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 10));
    in1.pipeInput(0, 'A0', 0);
    in1.pipeInput(0, 'A0-0', 0);
    in2.pipeInput(1, 'a0', 111);
    in2.pipeInput(2, 'dummy', 500);
    expect(out()).toEqual([[0, 'A0+null', 0], [0, 'A0-0+null', 0]]);
    in1.pipeInput(2, 'A2', 1000);
    in1.pipeInput(2, 'A2-0', 1000);
    in2.pipeInput(2, 'a2', 1001);
    expect(out()).toEqual([[2, 'A2+a2', 1001], [2, 'A2-0+a2', 1001]]);
    in2.pipeInput(3, 'a3', 315);
    expect(out()).toEqual([]);
  });

  it('testLeftExpiredNonJoinedRecordsAreEmittedByTheLeftProcessor', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 0));
    in1.pipeInput(0, 'A0', 1);
    in1.pipeInput(1, 'A1', 2);
    in1.pipeInput(0, 'A0-0', 3);
    expect(out()).toEqual([]);
    in2.pipeInput(1, 'a1', 3);
    expect(out()).toEqual([[1, 'A1+a1', 3]]);
    in1.pipeInput(2, 'dummy', 401);
    expect(out()).toEqual([[0, 'A0+null', 1], [0, 'A0-0+null', 3]]);
    in2.pipeInput(2, 'dummy', 401);
    expect(out()).toEqual([[2, 'dummy+dummy', 401]]);
  });

  it('testLeftExpiredNonJoinedRecordsAreEmittedByTheRightProcessor', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 0));
    in1.pipeInput(0, 'A0', 1);
    in1.pipeInput(1, 'A1', 2);
    in1.pipeInput(0, 'A0-0', 3);
    expect(out()).toEqual([]);
    in2.pipeInput(1, 'a1', 3);
    expect(out()).toEqual([[1, 'A1+a1', 3]]);
    in2.pipeInput(2, 'dummy', 401);
    expect(out()).toEqual([[0, 'A0+null', 1], [0, 'A0-0+null', 3]]);
    in1.pipeInput(2, 'dummy', 402);
    expect(out()).toEqual([[2, 'dummy+dummy', 402]]);
  });

  it('testRightNonJoinedRecordsAreNeverEmittedByTheLeftProcessor', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 0));
    in2.pipeInput(0, 'A0', 1);
    in2.pipeInput(1, 'A1', 2);
    in2.pipeInput(0, 'A0-0', 3);
    expect(out()).toEqual([]);
    in1.pipeInput(1, 'a1', 3);
    expect(out()).toEqual([[1, 'a1+A1', 3]]);
    in1.pipeInput(2, 'dummy', 401);
    expect(out()).toEqual([]);
    in2.pipeInput(2, 'dummy', 402);
    expect(out()).toEqual([[2, 'dummy+dummy', 402]]);
  });

  it('testOrdering', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceWithNoGrace(100));
    in1.pipeInput(0, 'A0', 0);
    in1.pipeInput(1, 'A1', 100);
    expect(out()).toEqual([]);
    in2.pipeInput(1, 'a1', 110);
    expect(out()).toEqual([[0, 'A0+null', 0], [1, 'A1+a1', 110]]);
  });

  it('testGracePeriod', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 10));
    let time = 0;
    for (const k of [0, 1]) in1.pipeInput(k, `A${k}`, time);
    expect(out()).toEqual([]);
    time += 101;
    for (const k of [0, 1, 2, 3]) in2.pipeInput(k, `a${k}`, time);
    expect(out()).toEqual([]);
    time += 1100;
    in2.pipeInput(0, 'dummy', time);
    expect(out()).toEqual([[0, 'A0+null', 0], [1, 'A1+null', 0]]);
  });

  it('shouldNotEmitLeftJoinResultForAsymmetricWindow', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceWithNoGrace(100).before(0));
    let time = 0;
    for (const k of [0, 1]) in1.pipeInput(k, `A${k}`, time + k);
    expect(out()).toEqual([]);
    time += 100;
    in2.pipeInput(0, 'a0', time);
    expect(out()).toEqual([[0, 'A0+a0', 100]]);
    time += 2;
    in2.pipeInput(1, 'a1', time);
    expect(out()).toEqual([[1, 'A1+null', 1]]);
  });

  it('a late record whose window is already closed is emitted unjoined at once (timeTo < stream time)', async () => {
    const { in1, in2, out } = await leftJoin(JoinWindows.ofTimeDifferenceAndGrace(10, 5));
    in2.pipeInput(9, 'x', 100);
    in1.pipeInput(1, 'late', 50);
    expect(out()).toEqual([[1, 'late+null', 50]]);
  });

  it('a null key with a value is joined with null at once (Kafka 3.7+, KIP-962)', async () => {
    const { in1, out } = await leftJoin(JoinWindows.ofTimeDifferenceWithNoGrace(10));
    in1.pipeInput(null, 'n', 5);
    expect(out()).toEqual([[null, 'n+null', 5]]);
  });
});
