// Ported from Apache Kafka Streams' KTableKTableInnerJoinTest (streams/src/test/java/org/apache/
// kafka/streams/kstream/internals/KTableKTableInnerJoinTest.java): the same inputs, and the same
// outputs record for record and timestamp for timestamp. The old-value cases watch the join's
// changes as Kafka's do: enableSendingOldValues plus a processor attached under the table's
// processor name — both public here.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import type { KTable } from '../../../../src/streams/dsl/ktable.ts';
import type { Topology } from '../../../../src/streams/topology/topology.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { MockProcessorContext } from '../../../../src/testing/mock-processor-context.ts';
import type { Change } from '../../../../src/streams/dsl/ops/change.ts';
import type { ProcessorNodeSpec } from '../../../../src/streams/topology/node-specs.ts';
import { capture, ch, drain, type KVT } from './helpers.ts';

const I = Serdes.int32();
const S = Serdes.string();
const consumed = Consumed.with(I, S);
const keys = [0, 1, 2, 3];
const joiner = (a: string | null, b: string | null) => `${a}+${b}`;
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function start(topology: Topology) {
  driver = await TopologyTestDriver.create(topology, { defaultKeySerde: I as never, defaultValueSerde: S as never, cacheMaxBytes: 0, logger: { warn() {}, error() {} } });
  return { in1: driver.createInputTopic('topic1', I, S), in2: driver.createInputTopic('topic2', I, S) };
}

/** The scenario of doTestJoin / doTestNotSendingOldValues / testSendingOldValues; `next()` returns what arrived since the last call. */
async function scenario(topology: Topology, next: () => KVT[], old: boolean) {
  const { in1, in2 } = await start(topology);
  const o = (v: string | null) => (old ? v : null);
  for (let i = 0; i < 2; i++) in1.pipeInput(keys[i]!, `X${keys[i]}`, 5 + i);
  in1.pipeInput(null, 'SomeVal', 42);
  expect(next()).toEqual([]);
  for (let i = 0; i < 2; i++) in2.pipeInput(keys[i]!, `Y${keys[i]}`, 10 * i);
  in2.pipeInput(null, 'AnotherVal', 73);
  expect(next()).toEqual([fix([0, ['X0+Y0', null], 5]), fix([1, ['X1+Y1', null], 10])]);
  for (const k of keys) in1.pipeInput(k, `XX${k}`, 7);
  expect(next()).toEqual([fix([0, ['XX0+Y0', o('X0+Y0')], 7]), fix([1, ['XX1+Y1', o('X1+Y1')], 10])]);
  for (const k of keys) in2.pipeInput(k, `YY${k}`, k * 5);
  expect(next()).toEqual([
    fix([0, ['XX0+YY0', o('XX0+Y0')], 7]),
    fix([1, ['XX1+YY1', o('XX1+Y1')], 7]),
    fix([2, ['XX2+YY2', null], 10]),
    fix([3, ['XX3+YY3', null], 15]),
  ]);
  for (const k of keys) in1.pipeInput(k, `XXX${k}`, 6);
  expect(next()).toEqual([
    fix([0, ['XXX0+YY0', o('XX0+YY0')], 6]),
    fix([1, ['XXX1+YY1', o('XX1+YY1')], 6]),
    fix([2, ['XXX2+YY2', o('XX2+YY2')], 10]),
    fix([3, ['XXX3+YY3', o('XX3+YY3')], 15]),
  ]);
  in2.pipeInput(0, null, 5);
  in2.pipeInput(1, null, 7);
  expect(next()).toEqual([fix([0, [null, o('XXX0+YY0')], 6]), fix([1, [null, o('XXX1+YY1')], 7])]);
  for (const k of keys) in1.pipeInput(k, `XXXX${k}`, 13);
  expect(next()).toEqual([fix([2, ['XXXX2+YY2', o('XXX2+YY2')], 13]), fix([3, ['XXXX3+YY3', o('XXX3+YY3')], 15])]);
  in1.pipeInput(0, null, 0);
  in1.pipeInput(1, null, 42);
  in1.pipeInput(2, null, 5);
  in1.pipeInput(3, null, 20);
  expect(next()).toEqual([fix([2, [null, o('XXXX2+YY2')], 10]), fix([3, [null, o('XXXX3+YY3')], 20])]);
  expect(driver!.metrics().droppedRecordsTotal).toBeGreaterThanOrEqual(2);
}

/** Output-topic form carries only the new value; processor form carries Change(new, old). */
let form: 'topic' | 'proc' = 'topic';
function fix([k, [n, p], t]: readonly [unknown, readonly [unknown, unknown], unknown]): KVT {
  return form === 'topic' ? [k, n, t as number] : [k, ch(n, p), t as number];
}

function tables() {
  const b = new StreamsBuilder();
  const t1 = b.table('topic1', consumed);
  const t2 = b.table('topic2', consumed);
  return { b, t1, t2 };
}

function withProc(b: StreamsBuilder, joined: KTable<number, string>) {
  const c = capture<number, unknown>();
  const topology = b.build();
  topology.addProcessor('proc', c.supplier, joined.processorName);
  return { topology, take: c.take };
}

describe('KTableKTableInnerJoinTest', () => {
  it('testJoin: output topic, and both topics form one co-partition group', async () => {
    form = 'topic';
    const { b, t1, t2 } = tables();
    t1.join(t2, joiner).toStream().to('output');
    const topology = b.build();
    expect(topology.copartitionGroups()).toEqual([['topic1', 'topic2']]);
    await scenario(topology, () => drain(driver!.createOutputTopic('output', I, S) as never), false);
  });

  it('testQueryableJoin: the same through a materialized result store', async () => {
    form = 'topic';
    const { b, t1, t2 } = tables();
    t1.join(t2, joiner, Materialized.with(I, S)).toStream().to('output');
    await scenario(b.build(), () => drain(driver!.createOutputTopic('output', I, S) as never), false);
  });

  it('testNotSendingOldValues', async () => {
    form = 'proc';
    const { b, t1, t2 } = tables();
    const { topology, take } = withProc(b, t1.join(t2, joiner));
    await scenario(topology, take, false);
  });

  it('testQueryableNotSendingOldValues', async () => {
    form = 'proc';
    const { b, t1, t2 } = tables();
    const { topology, take } = withProc(b, t1.join(t2, joiner, Materialized.with(I, S)));
    await scenario(topology, take, false);
  });

  it('testSendingOldValues', async () => {
    form = 'proc';
    const { b, t1, t2 } = tables();
    const joined = t1.join(t2, joiner);
    expect(joined.enableSendingOldValues(true)).toBe(true);
    const { topology, take } = withProc(b, joined);
    await scenario(topology, take, true);
  });

  it('shouldLogAndMeterSkippedRecordsDueToNullLeftKey', () => {
    // As Kafka's test: the join processor itself, driven through a MockProcessorContext whose
    // record metadata is (left, -1, -2), gets a null key (a table source would drop it first).
    const b = new StreamsBuilder();
    b.table('left', Consumed.with(S, S)).join(b.table('right', Consumed.with(S, S)), joiner);
    const topology = b.build();
    const node = [...topology.nodes().values()].find((n): n is ProcessorNodeSpec => n.kind === 'processor' && n.name.startsWith('KTABLE-JOINTHIS-'))!;
    const context = new MockProcessorContext<string, Change<string>>();
    context.setRecordMetadata('left', -1, -2);
    // the join reads the other side through its store; connect what the topology connects
    for (const name of node.stores) context.addStateStore(topology.stores().get(name)!.factory.build());
    const join = (node.supplier as () => { init?(c: unknown): void; process(r: unknown): void })();
    join.init?.(context);
    join.process({ key: null, value: { newValue: 'new', oldValue: 'old' }, timestamp: 0, headers: {} });
    expect(context.logMessages()).toContain('Skipping record due to null key. topic=[left] partition=[-1] offset=[-2]');
    expect(context.forwarded()).toEqual([]);
    const dropped = context.metrics().find((m) => m.name === 'dropped-records-total' && m.group === 'stream-task-metrics');
    expect(dropped?.value).toBe(1);
  });
});
