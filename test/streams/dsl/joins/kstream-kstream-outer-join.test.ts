// Ported from Apache Kafka Streams' KStreamKStreamOuterJoinTest (streams/src/test/java/org/
// apache/kafka/streams/kstream/internals/KStreamKStreamOuterJoinTest.java), record for record
// and timestamp for timestamp. Kafka's right topic carries Longs; here the right values are
// the same numbers as strings, which gives the same joined strings ("null+11").
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

async function outerJoin(windows: JoinWindows) {
  const h = await streamJoinHarness((s1, s2) => s1.outerJoin(s2, toStringJoiner, windows, StreamJoined.with(I, S, S)));
  driver = h.driver;
  expect(h.topology.copartitionGroups()).toEqual([['topic1', 'topic2']]);
  return h;
}

describe('KStreamKStreamOuterJoinTest', () => {
  it('testOuterJoinDuplicates', async () => {
    const { in1, in2, out } = await outerJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 10));
    in1.pipeInput(0, 'A0', 0);
    in1.pipeInput(0, 'A0-0', 0);
    in2.pipeInput(1, '11', 0);
    in2.pipeInput(1, '12', 0);
    in2.pipeInput(1, '10', 111);
    in2.pipeInput(3, '100', 211);
    expect(out()).toEqual([[1, 'null+11', 0], [1, 'null+12', 0], [0, 'A0+null', 0], [0, 'A0-0+null', 0]]);
    in1.pipeInput(2, 'A2', 200);
    in1.pipeInput(2, 'A2-0', 200);
    in2.pipeInput(2, '13', 201);
    in2.pipeInput(2, '14', 201);
    expect(out()).toEqual([[2, 'A2+13', 201], [2, 'A2-0+13', 201], [2, 'A2+14', 201], [2, 'A2-0+14', 201]]);
    in2.pipeInput(3, '100', 1500);
    expect(out()).toEqual([[1, 'null+10', 111], [3, 'null+100', 211]]);
  });

  it('testRightExpiredNonJoinedRecordsAreEmittedByTheLeftProcessor', async () => {
    const { in1, in2, out } = await outerJoin(JoinWindows.ofTimeDifferenceWithNoGrace(100));
    in2.pipeInput(0, '10', 1);
    in2.pipeInput(1, '11', 2);
    in2.pipeInput(0, '12', 3);
    expect(out()).toEqual([]);
    in1.pipeInput(1, 'A1', 3);
    expect(out()).toEqual([[1, 'A1+11', 3]]);
    in1.pipeInput(2, 'dummy', 401);
    expect(out()).toEqual([[0, 'null+10', 1], [0, 'null+12', 3]]);
    in2.pipeInput(2, '100', 402);
    expect(out()).toEqual([[2, 'dummy+100', 402]]);
  });

  it('testOrdering', async () => {
    const { in1, in2, out } = await outerJoin(JoinWindows.ofTimeDifferenceWithNoGrace(100));
    in1.pipeInput(0, 'A0', 0);
    in1.pipeInput(1, 'A1', 100);
    expect(out()).toEqual([]);
    in2.pipeInput(1, '11', 110);
    expect(out()).toEqual([[0, 'A0+null', 0], [1, 'A1+11', 110]]);
  });

  it('testGracePeriod (right entries sort before left ones at equal timestamps)', async () => {
    const { in1, in2, out } = await outerJoin(JoinWindows.ofTimeDifferenceAndGrace(100, 10));
    in1.pipeInput(0, 'A0', 0);
    in2.pipeInput(1, '11', 0);
    expect(out()).toEqual([]);
    in1.pipeInput(1, 'A1', 101);
    in2.pipeInput(0, '10', 101);
    expect(out()).toEqual([]);
    in2.pipeInput(0, '100', 112);
    expect(out()).toEqual([[1, 'null+11', 0], [0, 'A0+null', 0]]);
  });

  it('testEmitAllNonJoinedResultsForAsymmetricWindow (before 5, after 20)', async () => {
    const { in1, in2, out } = await outerJoin(JoinWindows.ofTimeDifferenceWithNoGrace(5).after(20));
    in1.pipeInput(0, 'A0', 29);
    expect(out()).toEqual([]);
    in1.pipeInput(1, 'A1', 30);
    expect(out()).toEqual([]);
    in2.pipeInput(2, '12', 31);
    expect(out()).toEqual([]);
    in2.pipeInput(3, '13', 36);
    expect(out()).toEqual([]);
    in2.pipeInput(4, '14', 37);
    expect(out()).toEqual([[2, 'null+12', 31]]);
    in2.pipeInput(5, '15', 50);
    expect(out()).toEqual([[0, 'A0+null', 29], [3, 'null+13', 36], [4, 'null+14', 37]]);
  });
});

describe('KStreamKStreamOuterJoinTest on LevelDB stores (window stores and the shared outer store)', () => {
  it('testOuterJoinDuplicates', async () => {
    const h = await streamJoinHarness(
      (s1, s2) => s1.outerJoin(s2, toStringJoiner, JoinWindows.ofTimeDifferenceAndGrace(100, 10), StreamJoined.with(I, S, S)),
      undefined,
      'leveldb',
    );
    driver = h.driver;
    const { in1, in2, out } = h;
    expect([...h.topology.stores().keys()].length).toBe(3);
    in1.pipeInput(0, 'A0', 0);
    in1.pipeInput(0, 'A0-0', 0);
    in2.pipeInput(1, '11', 0);
    in2.pipeInput(1, '12', 0);
    in2.pipeInput(1, '10', 111);
    in2.pipeInput(3, '100', 211);
    expect(out()).toEqual([[1, 'null+11', 0], [1, 'null+12', 0], [0, 'A0+null', 0], [0, 'A0-0+null', 0]]);
    in1.pipeInput(2, 'A2', 200);
    in1.pipeInput(2, 'A2-0', 200);
    in2.pipeInput(2, '13', 201);
    in2.pipeInput(2, '14', 201);
    expect(out()).toEqual([[2, 'A2+13', 201], [2, 'A2-0+13', 201], [2, 'A2+14', 201], [2, 'A2-0+14', 201]]);
    in2.pipeInput(3, '100', 1500);
    expect(out()).toEqual([[1, 'null+10', 111], [3, 'null+100', 211]]);
  });
});
