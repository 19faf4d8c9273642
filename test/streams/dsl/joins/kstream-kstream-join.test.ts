// Ported from Apache Kafka Streams' KStreamKStreamJoinTest (streams/src/test/java/org/apache/
// kafka/streams/kstream/internals/KStreamKStreamJoinTest.java): testJoin, testOuterJoin and the
// first part of testWindowing — same inputs, same outputs record for record and timestamp for
// timestamp. Plus naming, co-partitioning and repartitioning checks.
import { afterEach, describe, expect, it } from 'vitest';
import { JoinWindows } from '../../../../src/streams/dsl/joins/join-windows.ts';
import { StreamJoined } from '../../../../src/streams/dsl/options/stream-joined.ts';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { I, S, quiet, streamJoinHarness, toStringJoiner } from './stream-join-harness.ts';

const keys = [0, 1, 2, 3];
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('KStreamKStreamJoinTest', () => {
  it('testJoin', async () => {
    const h = await streamJoinHarness((s1, s2) => s1.join(s2, toStringJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(I, S, S)));
    driver = h.driver;
    expect(h.topology.copartitionGroups()).toEqual([['topic1', 'topic2']]);
    const { in1, in2, out } = h;
    for (let i = 0; i < 2; i++) in1.pipeInput(keys[i]!, `A${keys[i]}`);
    expect(out()).toEqual([]);
    for (let i = 0; i < 2; i++) in2.pipeInput(keys[i]!, `a${keys[i]}`);
    expect(out()).toEqual([[0, 'A0+a0', 0], [1, 'A1+a1', 0]]);
    for (const k of keys) in1.pipeInput(k, `B${k}`);
    expect(out()).toEqual([[0, 'B0+a0', 0], [1, 'B1+a1', 0]]);
    for (const k of keys) in2.pipeInput(k, `b${k}`);
    expect(out()).toEqual([[0, 'A0+b0', 0], [0, 'B0+b0', 0], [1, 'A1+b1', 0], [1, 'B1+b1', 0], [2, 'B2+b2', 0], [3, 'B3+b3', 0]]);
    for (const k of keys) in1.pipeInput(k, `C${k}`);
    expect(out()).toEqual([[0, 'C0+a0', 0], [0, 'C0+b0', 0], [1, 'C1+a1', 0], [1, 'C1+b1', 0], [2, 'C2+b2', 0], [3, 'C3+b3', 0]]);
    for (let i = 0; i < 2; i++) in2.pipeInput(keys[i]!, `c${keys[i]}`);
    expect(out()).toEqual([[0, 'A0+c0', 0], [0, 'B0+c0', 0], [0, 'C0+c0', 0], [1, 'A1+c1', 0], [1, 'B1+c1', 0], [1, 'C1+c1', 0]]);
  });

  it('testOuterJoin (24 h grace: nothing unmatched is emitted yet)', async () => {
    const h = await streamJoinHarness((s1, s2) => s1.outerJoin(s2, toStringJoiner, JoinWindows.ofTimeDifferenceAndGrace(100, 24 * 3600_000), StreamJoined.with(I, S, S)));
    driver = h.driver;
    expect(h.topology.copartitionGroups()).toEqual([['topic1', 'topic2']]);
    const { in1, in2, out } = h;
    for (let i = 0; i < 2; i++) in1.pipeInput(keys[i]!, `A${keys[i]}`);
    expect(out()).toEqual([]);
    for (let i = 0; i < 2; i++) in2.pipeInput(keys[i]!, `a${keys[i]}`);
    expect(out()).toEqual([[0, 'A0+a0', 0], [1, 'A1+a1', 0]]);
    for (const k of keys) in1.pipeInput(k, `B${k}`);
    expect(out()).toEqual([[0, 'B0+a0', 0], [1, 'B1+a1', 0]]);
    for (const k of keys) in2.pipeInput(k, `b${k}`);
    expect(out()).toEqual([[0, 'A0+b0', 0], [0, 'B0+b0', 0], [1, 'A1+b1', 0], [1, 'B1+b1', 0], [2, 'B2+b2', 0], [3, 'B3+b3', 0]]);
    for (const k of keys) in1.pipeInput(k, `C${k}`);
    expect(out()).toEqual([[0, 'C0+a0', 0], [0, 'C0+b0', 0], [1, 'C1+a1', 0], [1, 'C1+b1', 0], [2, 'C2+b2', 0], [3, 'C3+b3', 0]]);
    for (let i = 0; i < 2; i++) in2.pipeInput(keys[i]!, `c${keys[i]}`);
    expect(out()).toEqual([[0, 'A0+c0', 0], [0, 'B0+c0', 0], [0, 'C0+c0', 0], [1, 'A1+c1', 0], [1, 'B1+c1', 0], [1, 'C1+c1', 0]]);
  });

  it('testWindowing (first phase: the window of a left record is [t-100, t+100]; result time is the max)', async () => {
    const h = await streamJoinHarness((s1, s2) => s1.join(s2, toStringJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(I, S, S)));
    driver = h.driver;
    const { in1, in2, out } = h;
    const time = 1000;
    // w1 = { 0:A0 (ts 1000) … 3:A3 (ts 1003) }
    for (let i = 0; i < keys.length; i++) in1.pipeInput(keys[i]!, `A${keys[i]}`, time + i);
    expect(out()).toEqual([]);
    // right records at 1000-100-1 = 899 and earlier/later bounds, as the Java test walks them
    let t2 = time - 100 - 1;
    for (const k of keys) in2.pipeInput(k, `a${k}`, t2);
    expect(out()).toEqual([]);
    t2 += 1; // 900: joins A0 only
    for (const k of keys) in2.pipeInput(k, `b${k}`, t2);
    expect(out()).toEqual([[0, 'A0+b0', 1000]]);
    t2 += 1; // 901: joins A0, A1
    for (const k of keys) in2.pipeInput(k, `c${k}`, t2);
    expect(out()).toEqual([[0, 'A0+c0', 1000], [1, 'A1+c1', 1001]]);
    t2 += 1; // 902
    for (const k of keys) in2.pipeInput(k, `d${k}`, t2);
    expect(out()).toEqual([[0, 'A0+d0', 1000], [1, 'A1+d1', 1001], [2, 'A2+d2', 1002]]);
    t2 += 1; // 903
    for (const k of keys) in2.pipeInput(k, `e${k}`, t2);
    expect(out()).toEqual([[0, 'A0+e0', 1000], [1, 'A1+e1', 1001], [2, 'A2+e2', 1002], [3, 'A3+e3', 1003]]);
    // upper bound: 1000 + 100 joins all; 1101 misses A0
    for (const k of keys) in2.pipeInput(k, `f${k}`, time + 100);
    expect(out()).toEqual([[0, 'A0+f0', 1100], [1, 'A1+f1', 1100], [2, 'A2+f2', 1100], [3, 'A3+f3', 1100]]);
    for (const k of keys) in2.pipeInput(k, `g${k}`, time + 101);
    expect(out()).toEqual([[1, 'A1+g1', 1101], [2, 'A2+g2', 1101], [3, 'A3+g3', 1101]]);
    for (const k of keys) in2.pipeInput(k, `h${k}`, time + 104);
    expect(out()).toEqual([]);
  });

  it('names processors and stores as Kafka (generated and StreamJoined names)', async () => {
    const b = new StreamsBuilder();
    const s1 = b.stream('topic1', Consumed.with(I, S));
    const s2 = b.stream('topic2', Consumed.with(I, S));
    s1.leftJoin(s2, toStringJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out');
    const t = b.build();
    expect([...t.nodes().keys()]).toEqual([
      'KSTREAM-SOURCE-0000000000', 'KSTREAM-SOURCE-0000000001',
      'KSTREAM-WINDOWED-0000000002', 'KSTREAM-WINDOWED-0000000003',
      'KSTREAM-JOINTHIS-0000000004', 'KSTREAM-OUTEROTHER-0000000005', 'KSTREAM-MERGE-0000000006', 'KSTREAM-SINK-0000000007',
    ]);
    expect([...t.stores().keys()].sort()).toEqual(['KSTREAM-JOINTHIS-0000000004-store', 'KSTREAM-OUTEROTHER-0000000005-store', 'KSTREAM-OUTERSHARED-0000000004-store']);

    const b2 = new StreamsBuilder();
    const x = b2.stream('topic1', Consumed.with(I, S));
    const y = b2.stream('topic2', Consumed.with(I, S));
    x.outerJoin(y, toStringJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(10), StreamJoined.with(I, S, S).withName('j').withStoreName('st')).to('out');
    const t2 = b2.build();
    expect([...t2.nodes().keys()].slice(2, 7)).toEqual(['j-this-windowed', 'j-other-windowed', 'j-outer-this-join', 'j-outer-other-join', 'j-merge']);
    expect([...t2.stores().keys()].sort()).toEqual(['st-outer-other-join-store', 'st-outer-shared-join-store', 'st-outer-this-join-store']);
  });

  it('repartitions a re-keyed side through "<name>-left-repartition" and joins on the new key', async () => {
    const b = new StreamsBuilder();
    const s1 = b.stream('topic1', Consumed.with(I, S)).selectKey((k) => k + 1);
    const s2 = b.stream('topic2', Consumed.with(I, S));
    s1.join(s2, toStringJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(10), StreamJoined.with(I, S, S).withName('j')).to('out', Produced.with(I, S));
    const t = b.build();
    expect([...t.internalTopics().keys()]).toEqual(['j-left-repartition']);
    expect(t.copartitionGroups()).toEqual([['j-left-repartition', 'topic2']]);
    driver = await TopologyTestDriver.create(t, { logger: quiet });
    driver.createInputTopic('topic1', I, S).pipeInput(1, 'A', 5);
    driver.createInputTopic('topic2', I, S).pipeInput(2, 'b', 7);
    expect(driver.createOutputTopic('out', I, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([[2, 'A+b', 7]]);
  });

  it('drops null-key and null-value records of an inner join (counted)', async () => {
    const h = await streamJoinHarness((s1, s2) => s1.join(s2, toStringJoiner, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(I, S, S)));
    driver = h.driver;
    h.in1.pipeInput(1, 'A', 0);
    h.in1.pipeInput(null, 'A', 0);
    h.in1.pipeInput(1, null, 0);
    expect(h.out()).toEqual([]);
    expect(driver.metrics().droppedRecordsTotal).toBe(2);
    // The null-value record did not delete the earlier record with the same key and time.
    h.in2.pipeInput(1, 'b', 0);
    expect(h.out()).toEqual([[1, 'A+b', 0]]);
  });
});
