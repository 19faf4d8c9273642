// A KTable materialized on a versioned store (KIP-914): updates older than the key's latest go
// into the history without changing the current row, and reach downstream marked out-of-order
// (Change.isLatest = false), which joins and groupBy ignore — Kafka's KTableSource with a
// KeyValueStoreWrapper over a versioned store. Updates older than the history retention are
// dropped and counted.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import { storeChangelogConfig } from '../../../src/streams/topology/node-specs.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import { capture } from './joins/helpers.ts';

const S = Serdes.string();
const quiet = { warn() {}, error() {} };
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function versionedTable(retentionMs: number) {
  const b = new StreamsBuilder();
  const table = b.table('t', Consumed.with(S, S), Materialized.as(Stores.inMemoryVersionedKeyValueStore('vt', retentionMs)));
  table.groupBy((k, v) => [v, k] as const, Grouped.with(S, S)).count(Materialized.as('counts')).toStream().to('counts-out', { keySerde: S, valueSerde: Serdes.int64() } as never);
  const c = capture<string, unknown>();
  const topology = b.build();
  topology.addProcessor('proc', c.supplier, table.processorName);
  driver = await TopologyTestDriver.create(topology, { logger: quiet, cacheMaxBytes: 0 });
  return { input: driver.createInputTopic('t', S, S), changes: c.take, topology };
}

describe('KTable on a versioned store', () => {
  it('an out-of-order update keeps the current row, is kept as history, and is forwarded marked not-latest', async () => {
    const { input, changes } = await versionedTable(100);
    input.pipeInput('k', 'a', 10);
    input.pipeInput('k', 'b', 20);
    expect(changes()).toEqual([
      ['k', { newValue: 'a', oldValue: null }, 10],
      ['k', { newValue: 'b', oldValue: 'a' }, 20], // old values are on: groupBy asked for them
    ]);
    input.pipeInput('k', 'late', 15);
    expect(changes()).toEqual([['k', { newValue: 'late', oldValue: 'b', isLatest: false }, 15]]);
    const store = driver!.getVersionedKeyValueStore<string, string>('vt')!;
    expect(store.get('k')).toEqual({ value: 'b', timestamp: 20 });
    expect(store.get('k', 16)).toEqual({ value: 'late', timestamp: 15, validTo: 20 });
    expect(store.get('k', 12)).toEqual({ value: 'a', timestamp: 10, validTo: 15 });
    expect(() => driver!.getKeyValueStore('vt')).toThrow(/versioned key-value store and should be accessed via getVersionedKeyValueStore/);
  });

  it('groupBy ignores out-of-order updates: counts follow the current rows only', async () => {
    const { input } = await versionedTable(100);
    input.pipeInput('k1', 'red', 10);
    input.pipeInput('k2', 'red', 11);
    input.pipeInput('k1', 'blue', 5); // out of order: k1 stays red
    const counts = driver!.getKeyValueStore<string, number>('counts')!;
    expect(counts.get('red')).toBe(2);
    expect(counts.get('blue')).toBeUndefined();
    input.pipeInput('k1', 'blue', 30); // in order: moves
    expect(counts.get('red')).toBe(1);
    expect(counts.get('blue')).toBe(1);
  });

  it('an update older than the history retention is dropped and counted, and nothing is forwarded', async () => {
    const { input, changes } = await versionedTable(10);
    input.pipeInput('k', 'a', 100);
    changes();
    input.pipeInput('k', 'too-late', 80);
    expect(changes()).toEqual([]);
    expect(driver!.metrics().droppedRecordsTotal).toBe(1);
    expect(driver!.getVersionedKeyValueStore<string, string>('vt')!.get('k', 85)).toBeNull();
  });

  it('changelog: compacted with min.compaction.lag.ms = history retention + 1 day', async () => {
    const { topology } = await versionedTable(60_000);
    expect(storeChangelogConfig(topology.stores().get('vt')!.factory)).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60_000 + 86_400_000) });
  });

  it('KStream.toTable accepts a versioned store; other operators refuse one with a clear error', () => {
    const b = new StreamsBuilder();
    const t = b.stream('s', Consumed.with(S, S)).toTable(undefined, Materialized.as(Stores.inMemoryVersionedKeyValueStore('tt', 10)));
    expect(() => t.filter(() => true, Materialized.as(Stores.inMemoryVersionedKeyValueStore('f', 10)))).toThrow(
      /a versioned store can materialize a source table \(StreamsBuilder.table, KStream.toTable\) only/,
    );
    expect(() => Materialized.as(Stores.inMemoryVersionedKeyValueStore('x', 10)).withTtl(5)).toThrow(/is versioned/);
  });
});
