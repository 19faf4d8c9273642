// KTable operators and (new, old) change propagation, through the TopologyTestDriver.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver, type TopologyTestDriverConfig } from '../../../src/testing/topology-test-driver.ts';
import type { KTable } from '../../../src/streams/dsl/ktable.ts';

const S = Serdes.string();
const L = Serdes.int64();
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function table(build: (t: KTable<string, string>) => void, config: TopologyTestDriverConfig = {}) {
  const b = new StreamsBuilder();
  build(b.table('users', Consumed.with(S, S), Materialized.as('users-store')));
  driver = await TopologyTestDriver.create(b.build(), { applicationId: 'app', ...config });
  return { d: driver, input: driver.createInputTopic('users', S, S) };
}

describe('KTable', () => {
  it('a source table keeps the latest value per key in its named store; null deletes', async () => {
    const { d, input } = await table((t) => t.toStream().to('out'));
    input.pipeInput('alice', 'berlin', 1);
    input.pipeInput('bob', 'paris', 2);
    input.pipeInput('alice', 'rome', 3);
    input.pipeInput('bob', null, 4);
    const store = d.getKeyValueStore<string, string>('users-store')!;
    expect(store.get('alice')).toBe('rome');
    expect(store.get('bob')).toBeUndefined();
    expect(d.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['alice', 'berlin', 1],
      ['bob', 'paris', 2],
      ['alice', 'rome', 3],
      ['bob', null, 4],
    ]);
    expect(d.producedTopicNames()).toContain('app-users-store-changelog');
  });

  it('filter turns rows that stop matching into deletes downstream', async () => {
    const { d, input } = await table((t) => t.filter((_k, v) => v.startsWith('b')).toStream().to('out'));
    input.pipeInput('alice', 'berlin');
    input.pipeInput('alice', 'rome');
    input.pipeInput('carol', 'bonn');
    expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'alice', value: 'berlin' },
      { key: 'alice', value: null },
      { key: 'carol', value: 'bonn' },
    ]);
  });

  it('filterNot and mapValues', async () => {
    const { d, input } = await table((t) => t.filterNot((_k, v) => v === 'x').mapValues((v, k) => `${k}@${v}`).toStream().to('out', Produced.with(S, S)));
    input.pipeInput('a', 'x');
    input.pipeInput('b', 'y');
    expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'a', value: null },
      { key: 'b', value: 'b@y' },
    ]);
  });

  it('groupBy + count subtracts a row from its old group when the row moves (new, old propagation)', async () => {
    const { d, input } = await table((t) =>
      t
        .groupBy((_user, city) => [city, 1] as const, Grouped.with(S, Serdes.int32()))
        .count(Materialized.as('per-city'))
        .toStream()
        .to('out', Produced.with(S, L)),
    );
    const out = d.createOutputTopic('out', S, L);
    input.pipeInput('alice', 'berlin');
    input.pipeInput('bob', 'berlin');
    expect(out.readKeyValuesToList()).toEqual([{ key: 'berlin', value: 1 }, { key: 'berlin', value: 2 }]);
    input.pipeInput('alice', 'rome');
    expect(out.readKeyValuesToList()).toEqual([{ key: 'berlin', value: 1 }, { key: 'rome', value: 1 }]);
    input.pipeInput('bob', null);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'berlin', value: 0 }]);
    const store = d.getKeyValueStore<string, number>('per-city')!;
    expect(store.get('rome')).toBe(1);
    expect(store.get('berlin')).toBe(0);
  });

  it('groupBy + reduce with adder and subtractor keeps a sum of the current rows', async () => {
    const b = new StreamsBuilder();
    b.table('scores', Consumed.with(S, Serdes.int32()))
      .groupBy((user, score) => [user.split('.')[0]!, score] as const, Grouped.with(S, Serdes.int32()))
      .reduce((a, v) => a + v, (a, v) => a - v, Materialized.as('team-sum'))
      .toStream()
      .to('out', Produced.with(S, Serdes.int32()));
    driver = await TopologyTestDriver.create(b.build());
    const input = driver.createInputTopic('scores', S, Serdes.int32());
    input.pipeInput('red.ann', 5);
    input.pipeInput('red.bo', 7);
    input.pipeInput('red.ann', 1);
    input.pipeInput('blue.cy', 3);
    expect(driver.createOutputTopic('out', S, Serdes.int32()).readKeyValuesToMap()).toEqual(new Map([['red', 8], ['blue', 3]]));
  });

  it('groupBy + aggregate with adder and subtractor', async () => {
    const b = new StreamsBuilder();
    b.table('t', Consumed.with(S, S))
      .groupBy((k, v) => [v, k] as const, Grouped.with(S, S))
      .aggregate(
        () => '',
        (_g, member, agg) => [...agg.split(',').filter(Boolean), member].sort().join(','),
        (_g, member, agg) => agg.split(',').filter((m) => m !== member && m !== '').join(','),
        Materialized.with(S, S),
      )
      .toStream()
      .to('out', Produced.with(S, S));
    driver = await TopologyTestDriver.create(b.build());
    const input = driver.createInputTopic('t', S, S);
    input.pipeInput('a', 'g1');
    input.pipeInput('b', 'g1');
    input.pipeInput('a', 'g2');
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToMap()).toEqual(new Map([['g1', 'b'], ['g2', 'a']]));
  });

  it('a row whose new and old values select the same group travels as one change', async () => {
    const { d, input } = await table(
      (t) =>
        t
          .groupBy((_u, city) => ['all', city.length] as const, Grouped.with(S, Serdes.int32()))
          .reduce((a, v) => a + v, (a, v) => a - v, Materialized.as('len-sum'))
          .toStream()
          .to('out', Produced.with(S, Serdes.int32())),
      { cacheMaxBytes: 0 },
    );
    input.pipeInput('u', 'abc');
    input.pipeInput('u', 'abcdef');
    // Without caching, every change is visible: +3, then (-3 +6) as a single update.
    expect(d.createOutputTopic('out', S, Serdes.int32()).readValuesToList()).toEqual([3, 6]);
  });

  it('an unmaterialized source table is materialized when groupBy needs old values', async () => {
    const b = new StreamsBuilder();
    b.table('t', Consumed.with(S, S)).groupBy((_k, v) => [v, v] as const, Grouped.with(S, S)).count().toStream().to('out', Produced.with(S, L));
    const topology = b.build();
    expect(topology.describe().toString()).toContain('Processor: KTABLE-SOURCE-0000000002 (stores: [t-STATE-STORE-0000000000])');
    driver = await TopologyTestDriver.create(topology);
    const input = driver.createInputTopic('t', S, S);
    input.pipeInput('k', 'x');
    input.pipeInput('k', 'y');
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToMap()).toEqual(new Map([['x', 0], ['y', 1]]));
  });

  it('with caching, several updates to one key between commits reach downstream once', async () => {
    const build = (b: StreamsBuilder) =>
      b
        .stream('in', Consumed.with(S, S))
        .flatMapValues((v) => v.split(' '))
        .groupBy((_k, w) => w, Grouped.with(S, S))
        .count()
        .toStream()
        .to('out', Produced.with(S, L));
    const b1 = new StreamsBuilder();
    build(b1);
    driver = await TopologyTestDriver.create(b1.build());
    driver.createInputTopic('in', S, S).pipeInput('l', 'kafka kafka');
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToList()).toEqual([{ key: 'kafka', value: 2 }]);
    await driver.close();

    const b2 = new StreamsBuilder();
    build(b2);
    driver = await TopologyTestDriver.create(b2.build(), { cacheMaxBytes: 0 });
    driver.createInputTopic('in', S, S).pipeInput('l', 'kafka kafka');
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToList()).toEqual([{ key: 'kafka', value: 1 }, { key: 'kafka', value: 2 }]);
  });

  it('table records with a null key are dropped and counted', async () => {
    const { d, input } = await table((t) => t.toStream().to('out'));
    input.pipeInput(null, 'x');
    expect(d.createOutputTopic('out', S, S).isEmpty()).toBe(true);
    expect(d.metrics().droppedRecordsTotal).toBe(1);
  });
});

describe('KGroupedStream', () => {
  async function grouped(build: (b: StreamsBuilder) => void) {
    const b = new StreamsBuilder();
    build(b);
    driver = await TopologyTestDriver.create(b.build(), { cacheMaxBytes: 0 });
    return driver;
  }

  it('count, reduce and aggregate per key', async () => {
    const d = await grouped((b) => {
      const g = b.stream('in', Consumed.with(S, Serdes.int32())).groupByKey();
      g.count().toStream().to('count', Produced.with(S, L));
      g.reduce((a, v) => Math.max(a, v)).toStream().to('max', Produced.with(S, Serdes.int32()));
      g.aggregate(() => '', (_k, v, agg) => agg + v, Materialized.with(S, S)).toStream().to('concat', Produced.with(S, S));
    });
    const input = d.createInputTopic('in', S, Serdes.int32());
    input.pipeInput('a', 3);
    input.pipeInput('a', 9);
    input.pipeInput('a', 4);
    expect(d.createOutputTopic('count', S, L).readValuesToList()).toEqual([1, 2, 3]);
    expect(d.createOutputTopic('max', S, Serdes.int32()).readValuesToList()).toEqual([3, 9, 9]);
    expect(d.createOutputTopic('concat', S, S).readValuesToList()).toEqual(['3', '39', '394']);
  });

  it('skips and counts records with a null key or value', async () => {
    const d = await grouped((b) => b.stream('in', Consumed.with(S, S)).groupByKey().count().toStream().to('out', Produced.with(S, L)));
    const input = d.createInputTopic('in', S, S);
    input.pipeInput(null, 'v');
    input.pipeInput('k', null);
    input.pipeInput('k', 'v');
    expect(d.createOutputTopic('out', S, L).readKeyValuesToList()).toEqual([{ key: 'k', value: 1 }]);
    expect(d.metrics().droppedRecordsTotal).toBe(2);
  });

  it('the aggregate timestamp is the max of the record and the previous aggregate', async () => {
    const d = await grouped((b) => b.stream('in', Consumed.with(S, S)).groupByKey().count().toStream().to('out', Produced.with(S, L)));
    const input = d.createInputTopic('in', S, S);
    input.pipeInput('k', 'a', 50);
    input.pipeInput('k', 'b', 20);
    expect(d.createOutputTopic('out', S, L).readRecordsToList().map((r) => r.timestamp)).toEqual([50, 50]);
  });

  it('a named Grouped shares one repartition topic between aggregations', async () => {
    const d = await grouped((b) => {
      const g = b.stream('in', Consumed.with(S, S)).groupBy((_k, v) => v, Grouped.as<string, string>('by-v').withKeySerde(S).withValueSerde(S));
      g.count().toStream().to('c1', Produced.with(S, L));
      g.count().toStream().to('c2', Produced.with(S, L));
    });
    d.createInputTopic('in', S, S).pipeInput('k', 'x');
    expect(d.createOutputTopic('c1', S, L).readValuesToList()).toEqual([1]);
    expect(d.createOutputTopic('c2', S, L).readValuesToList()).toEqual([1]);
    expect([...d.producedTopicNames()].filter((t) => t.endsWith('-repartition'))).toEqual(['topology-test-driver-by-v-repartition']);
  });
});
