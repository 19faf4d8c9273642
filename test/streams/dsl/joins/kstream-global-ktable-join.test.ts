// Ported from Apache Kafka Streams' KStreamGlobalKTableJoinTest (streams/src/test/java/org/apache/
// kafka/streams/kstream/internals/KStreamGlobalKTableJoinTest.java): the stream's value carries
// the global table's key after a comma; same inputs, same outputs and timestamps (the stream
// topic auto-advances 1 ms per record from 0). Plus the left-join form.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import type { Topology } from '../../../../src/streams/topology/topology.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { capture } from './helpers.ts';
import { I, S, quiet, toStringJoiner } from './stream-join-harness.ts';

const keys = [0, 1, 2, 3];
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

const keyMapper = (_k: number | null, v: string) => {
  const tokens = v.split(',');
  return tokens.length > 1 ? tokens[1]! : null;
};

async function setUp(left = false) {
  const b = new StreamsBuilder();
  const stream = b.stream('streamTopic', Consumed.with(I, S));
  const table = b.globalTable('globalTableTopic', Consumed.with(S, S));
  const c = capture<number | null, string>();
  (left ? stream.leftJoin(table, keyMapper, toStringJoiner) : stream.join(table, keyMapper, toStringJoiner)).process(c.supplier);
  const topology: Topology = b.build();
  const d = await TopologyTestDriver.create(topology, { logger: quiet });
  driver = d;
  const streamIn = d.createInputTopic('streamTopic', I, S, { startTimestampMs: 0, autoAdvanceMs: 1 });
  const tableIn = d.createInputTopic('globalTableTopic', S, S);
  return {
    topology,
    out: c.take,
    pushToStream(n: number, prefix: string, fk: boolean, nullKey: boolean) {
      for (let i = 0; i < n; i++) streamIn.pipeInput(nullKey && i === 0 ? null : keys[i]!, prefix + keys[i] + (fk ? `,FKey${keys[i]}` : ''));
    },
    pushToGlobalTable(n: number, prefix: string) {
      for (let i = 0; i < n; i++) tableIn.pipeInput(`FKey${keys[i]}`, prefix + keys[i]);
    },
    pushNullValueToGlobalTable(n: number) {
      for (let i = 0; i < n; i++) tableIn.pipeInput(`FKey${keys[i]}`, null);
    },
  };
}

describe('KStreamGlobalKTableJoinTest', () => {
  it('shouldNotRequireCopartitioning', async () => {
    const t = await setUp();
    expect(t.topology.copartitionGroups()).toEqual([]);
  });

  it('shouldNotJoinWithEmptyGlobalTableOnStreamUpdates', async () => {
    const t = await setUp();
    t.pushToStream(2, 'X', true, false);
    expect(t.out()).toEqual([]);
  });

  it('shouldNotJoinOnGlobalTableUpdates', async () => {
    const t = await setUp();
    t.pushToStream(2, 'X', true, false);
    expect(t.out()).toEqual([]);
    t.pushToGlobalTable(2, 'Y');
    expect(t.out()).toEqual([]);
    t.pushToStream(4, 'X', true, false);
    expect(t.out()).toEqual([[0, 'X0,FKey0+Y0', 2], [1, 'X1,FKey1+Y1', 3]]);
    t.pushToGlobalTable(4, 'YY');
    expect(t.out()).toEqual([]);
    t.pushToStream(4, 'X', true, false);
    expect(t.out()).toEqual([[0, 'X0,FKey0+YY0', 6], [1, 'X1,FKey1+YY1', 7], [2, 'X2,FKey2+YY2', 8], [3, 'X3,FKey3+YY3', 9]]);
    t.pushToGlobalTable(4, 'YYY');
    expect(t.out()).toEqual([]);
  });

  it('shouldJoinOnlyIfMatchFoundOnStreamUpdates', async () => {
    const t = await setUp();
    t.pushToGlobalTable(2, 'Y');
    t.pushToStream(4, 'X', true, false);
    expect(t.out()).toEqual([[0, 'X0,FKey0+Y0', 0], [1, 'X1,FKey1+Y1', 1]]);
  });

  it('shouldClearGlobalTableEntryOnNullValueUpdates', async () => {
    const t = await setUp();
    t.pushToGlobalTable(4, 'Y');
    t.pushToStream(4, 'X', true, false);
    expect(t.out()).toEqual([[0, 'X0,FKey0+Y0', 0], [1, 'X1,FKey1+Y1', 1], [2, 'X2,FKey2+Y2', 2], [3, 'X3,FKey3+Y3', 3]]);
    t.pushNullValueToGlobalTable(2);
    expect(t.out()).toEqual([]);
    t.pushToStream(4, 'XX', true, false);
    expect(t.out()).toEqual([[2, 'XX2,FKey2+Y2', 6], [3, 'XX3,FKey3+Y3', 7]]);
  });

  it('shouldNotJoinOnNullKeyMapperValues', async () => {
    const t = await setUp();
    t.pushToGlobalTable(4, 'Y');
    t.pushToStream(4, 'XXX', false, false);
    expect(t.out()).toEqual([]);
    expect(driver!.metrics().droppedRecordsTotal).toBe(4);
  });

  it('shouldJoinOnNullKeyWithNonNullKeyMapperValues', async () => {
    const t = await setUp();
    t.pushToGlobalTable(2, 'Y');
    t.pushToStream(4, 'X', true, true);
    expect(t.out()).toEqual([[null, 'X0,FKey0+Y0', 0], [1, 'X1,FKey1+Y1', 1]]);
  });

  it('leftJoin: records without a table row are joined with null', async () => {
    const t = await setUp(true);
    t.pushToGlobalTable(1, 'Y');
    t.pushToStream(2, 'X', true, false);
    expect(t.out()).toEqual([[0, 'X0,FKey0+Y0', 0], [1, 'X1,FKey1+null', 1]]);
  });
});
