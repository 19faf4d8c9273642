// Observing a table's old values publicly, as Kafka's own tests do: enableSendingOldValues and a
// processor attached under the table's processor name (KTableImpl.enableSendingOldValues / name).
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import { capture } from './joins/helpers.ts';

const S = Serdes.string();
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('KTable.enableSendingOldValues', () => {
  it('without forcing, an unmaterialized source table says no and stays without old values', async () => {
    const b = new StreamsBuilder();
    const table = b.table('t', Consumed.with(S, S));
    expect(table.enableSendingOldValues(false)).toBe(false);
    const c = capture<string, unknown>();
    const topology = b.build();
    topology.addProcessor('watch', c.supplier, table.processorName);
    driver = await TopologyTestDriver.create(topology, { logger: { warn() {}, error() {} } });
    const input = driver.createInputTopic('t', S, S);
    input.pipeInput('k', 'a', 1);
    input.pipeInput('k', 'b', 2);
    expect(c.take()).toEqual([['k', { newValue: 'a', oldValue: null }, 1], ['k', { newValue: 'b', oldValue: null }, 2]]);
  });

  it('forced, a mapValues view materializes its source and its changes carry old values', async () => {
    const b = new StreamsBuilder();
    const upper = b.table('t', Consumed.with(S, S)).mapValues((v) => v.toUpperCase());
    expect(upper.enableSendingOldValues()).toBe(true);
    const c = capture<string, unknown>();
    const topology = b.build();
    topology.addProcessor('watch', c.supplier, upper.processorName);
    driver = await TopologyTestDriver.create(topology, { logger: { warn() {}, error() {} }, cacheMaxBytes: 0 });
    const input = driver.createInputTopic('t', S, S);
    input.pipeInput('k', 'a', 1);
    input.pipeInput('k', 'b', 2);
    input.pipeInput('k', null, 3);
    expect(c.take()).toEqual([
      ['k', { newValue: 'A', oldValue: null }, 1],
      ['k', { newValue: 'B', oldValue: 'A' }, 2],
      ['k', { newValue: null, oldValue: 'B' }, 3],
    ]);
  });
});
