// Ported from Apache Kafka Streams' KTableKTableLeftJoinTest.testJoin and
// KTableKTableOuterJoinTest.testJoin (streams/src/test/java/org/apache/kafka/streams/kstream/
// internals/): same inputs, same outputs record for record and timestamp for timestamp.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { drain } from './helpers.ts';
import { I, S, quiet, toStringJoiner } from './stream-join-harness.ts';

const keys = [0, 1, 2, 3];
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function run(kind: 'left' | 'outer') {
  const b = new StreamsBuilder();
  const t1 = b.table('topic1', Consumed.with(I, S));
  const t2 = b.table('topic2', Consumed.with(I, S));
  (kind === 'left' ? t1.leftJoin(t2, toStringJoiner) : t1.outerJoin(t2, toStringJoiner)).toStream().to('output', Produced.with(I, S));
  const topology = b.build();
  expect(topology.copartitionGroups()).toEqual([['topic1', 'topic2']]);
  driver = await TopologyTestDriver.create(topology, { logger: quiet, cacheMaxBytes: 0 });
  const d = driver;
  const in1 = d.createInputTopic('topic1', I, S);
  const in2 = d.createInputTopic('topic2', I, S);
  const out = () => drain(d.createOutputTopic('output', I, S) as never);

  for (let i = 0; i < 2; i++) in1.pipeInput(keys[i]!, `X${keys[i]}`, 5 + i);
  in1.pipeInput(null, 'SomeVal', 42);
  expect(out()).toEqual([[0, 'X0+null', 5], [1, 'X1+null', 6]]);
  for (let i = 0; i < 2; i++) in2.pipeInput(keys[i]!, `Y${keys[i]}`, 10 * i);
  in2.pipeInput(null, 'AnotherVal', 73);
  expect(out()).toEqual([[0, 'X0+Y0', 5], [1, 'X1+Y1', 10]]);
  for (const k of keys) in1.pipeInput(k, `XX${k}`, 7);
  expect(out()).toEqual([[0, 'XX0+Y0', 7], [1, 'XX1+Y1', 10], [2, 'XX2+null', 7], [3, 'XX3+null', 7]]);
  for (const k of keys) in2.pipeInput(k, `YY${k}`, k * 5);
  expect(out()).toEqual([[0, 'XX0+YY0', 7], [1, 'XX1+YY1', 7], [2, 'XX2+YY2', 10], [3, 'XX3+YY3', 15]]);
  for (const k of keys) in1.pipeInput(k, `XXX${k}`, 6);
  expect(out()).toEqual([[0, 'XXX0+YY0', 6], [1, 'XXX1+YY1', 6], [2, 'XXX2+YY2', 10], [3, 'XXX3+YY3', 15]]);
  in2.pipeInput(0, null, 5);
  in2.pipeInput(1, null, 7);
  expect(out()).toEqual([[0, 'XXX0+null', 6], [1, 'XXX1+null', 7]]);
  for (const k of keys) in1.pipeInput(k, `XXXX${k}`, 13);
  expect(out()).toEqual([[0, 'XXXX0+null', 13], [1, 'XXXX1+null', 13], [2, 'XXXX2+YY2', 13], [3, 'XXXX3+YY3', 15]]);
  in1.pipeInput(0, null, 0);
  in1.pipeInput(1, null, 42);
  in1.pipeInput(2, null, 5);
  in1.pipeInput(3, null, 20);
  return out();
}

describe('KTableKTableLeftJoinTest / KTableKTableOuterJoinTest', () => {
  it('KTableKTableLeftJoinTest.testJoin', async () => {
    expect(await run('left')).toEqual([[0, null, 0], [1, null, 42], [2, null, 10], [3, null, 20]]);
  });

  it('KTableKTableOuterJoinTest.testJoin', async () => {
    expect(await run('outer')).toEqual([[0, null, 0], [1, null, 42], [2, 'null+YY2', 10], [3, 'null+YY3', 20]]);
  });
});
