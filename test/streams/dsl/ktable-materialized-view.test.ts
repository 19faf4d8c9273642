// KTable.filter / filterNot / mapValues with Materialized: the result has its own store,
// queryable by name. Expectations ported from Kafka's KTableFilterTest (testKTable /
// testQueryableKTable: the same updates, materialized or not) and KTableMapValuesTest
// (testQueryableKTable), plus lookups and old values served from the new store.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const L = Serdes.int64();

/** Kafka's KTableFilterTest input: A1@10 B2@5 C3@8 D4@14 A-null@18 B-null@15. */
const UPDATES: Array<[string, number | null, number]> = [
  ['A', 1, 10],
  ['B', 2, 5],
  ['C', 3, 8],
  ['D', 4, 14],
  ['A', null, 18],
  ['B', null, 15],
];

/** Caching off, as Kafka's KTableFilterTest / KTableMapValuesTest set it (a cache drops deletes of absent keys). */
async function run(build: (b: StreamsBuilder) => void, updates = UPDATES) {
  const b = new StreamsBuilder();
  build(b);
  const driver = await TopologyTestDriver.create(b.build(), { cacheMaxBytes: 0 });
  const input = driver.createInputTopic('t', S, L);
  for (const [k, v, ts] of updates) input.pipeInput(k, v, ts);
  const read = (topic: string) => driver.createOutputTopic(topic, S, L).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
  return { driver, read };
}

describe('KTable stateless operators with Materialized', () => {
  it('filter / filterNot: same updates as unmaterialized, and the filtered table is queryable (KTableFilterTest.testQueryableKTable)', async () => {
    const { driver, read } = await run((b) => {
      const t = b.table('t', Consumed.with(S, L));
      t.filter((_k, v) => v % 2 === 0, Materialized.as<string, number>('even')).toStream().to('even', Produced.with(S, L));
      t.filterNot((_k, v) => v % 2 === 0, Materialized.as<string, number>('odd')).toStream().to('odd', Produced.with(S, L));
    });
    expect(read('even')).toEqual([
      ['A', null, 10],
      ['B', 2, 5],
      ['C', null, 8],
      ['D', 4, 14],
      ['A', null, 18],
      ['B', null, 15],
    ]);
    expect(read('odd')).toEqual([
      ['A', 1, 10],
      ['B', null, 5],
      ['C', 3, 8],
      ['D', null, 14],
      ['A', null, 18],
      ['B', null, 15],
    ]);
    const even = driver.getKeyValueStore<string, number>('even')!;
    expect([...even.all()].map((kv) => [kv.key, kv.value])).toEqual([['D', 4]]);
    expect([...driver.getKeyValueStore<string, number>('odd')!.all()].map((kv) => [kv.key, kv.value])).toEqual([['C', 3]]);
    await driver.close();
  });

  it('mapValues: the mapped table is queryable by name (KTableMapValuesTest.testQueryableKTable)', async () => {
    const { driver, read } = await run((b) => {
      b.table('t', Consumed.with(S, L))
        .mapValues((v) => v * 10, Materialized.as<string, number>('tens').withValueSerde(L))
        .toStream()
        .to('tens', Produced.with(S, L));
    });
    expect(read('tens')).toEqual([
      ['A', 10, 10],
      ['B', 20, 5],
      ['C', 30, 8],
      ['D', 40, 14],
      ['A', null, 18],
      ['B', null, 15],
    ]);
    expect([...driver.getKeyValueStore<string, number>('tens')!.all()].map((kv) => [kv.key, kv.value])).toEqual([
      ['C', 30],
      ['D', 40],
    ]);
    await driver.close();
  });

  it('a groupBy downstream gets old values from the new store, so re-aggregation subtracts right', async () => {
    const { driver } = await run(
      (b) => {
        b.table('t', Consumed.with(S, L))
          .mapValues((v) => v % 2, Materialized.as<string, number>('parity').withValueSerde(L))
          .groupBy((k, v) => [String(v), k] as const, Grouped.with(S, S))
          .count(Materialized.as<string, number>('per-parity').withKeySerde(S).withValueSerde(L));
      },
      [
        ['A', 1, 1],
        ['B', 2, 2],
        ['A', 4, 3], // A moves from odd to even
        ['C', 3, 4],
      ],
    );
    const counts = driver.getKeyValueStore<string, number>('per-parity')!;
    expect([counts.get('0'), counts.get('1')]).toEqual([2, 1]);
    await driver.close();
  });

  it('a join looks the materialized result up in its store', async () => {
    const b = new StreamsBuilder();
    const big = b.table('t', Consumed.with(S, L)).filter((_k, v) => v >= 10, Materialized.as<string, number>('big'));
    b.stream('orders', Consumed.with(S, S))
      .join(big, (o: string, v: number) => `${o}:${v}`)
      .to('joined', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(b.build());
    const t = driver.createInputTopic('t', S, L);
    const orders = driver.createInputTopic('orders', S, S);
    t.pipeInput('x', 5, 1);
    t.pipeInput('y', 50, 2);
    orders.pipeInput('x', 'o1', 3);
    orders.pipeInput('y', 'o2', 4);
    expect(driver.createOutputTopic('joined', S, S).readKeyValuesToList()).toEqual([{ key: 'y', value: 'o2:50' }]);
    expect(b.build().describe().toString()).toContain('stores: [big]');
    await driver.close();
  });

  it('an unnamed Materialized creates no store but burns a name index, as Kafka', () => {
    const b = new StreamsBuilder();
    b.table('t', Consumed.with(S, L)).filter((_k, v) => v > 0, Materialized.with(S, L)).toStream().to('out');
    const text = b.build().describe().toString();
    expect(text).toContain('Processor: KTABLE-FILTER-0000000004 (stores: [])');
    expect(text).toContain('KTABLE-TOSTREAM-0000000005');
  });
});
