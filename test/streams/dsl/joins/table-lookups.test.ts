// Joins against tables that are not plain source tables: a filtered / mapped view (looked up
// through its parent's store), an aggregation (its own store), and a KTable–KTable join result
// (computed on lookup, or read from its store when materialized). Also processValues().
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../../src/testing/topology-test-driver.ts';
import { quiet } from './stream-join-harness.ts';

const S = Serdes.string();
const L = Serdes.int64();
let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function open(b: StreamsBuilder) {
  driver = await TopologyTestDriver.create(b.build(), { logger: quiet });
  return driver;
}

describe('stream–table joins against derived tables', () => {
  it('a filtered and mapped view answers through the source store, applying filter and mapper', async () => {
    const b = new StreamsBuilder();
    const users = b.table('users', Consumed.with(S, S));
    const adults = users.filter((_k, v) => !v.endsWith(':minor')).mapValues((v) => v.toUpperCase());
    b.stream('orders', Consumed.with(S, S)).leftJoin(adults, (o, u) => `${o}/${u}`).to('out', Produced.with(S, S));
    const d = await open(b);
    const u = d.createInputTopic('users', S, S);
    u.pipeInput('ann', 'ann:adult', 1);
    u.pipeInput('bob', 'bob:minor', 2);
    const o = d.createInputTopic('orders', S, S);
    o.pipeInput('ann', 'o1', 3);
    o.pipeInput('bob', 'o2', 4);
    o.pipeInput('cid', 'o3', 5);
    expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'ann', value: 'o1/ANN:ADULT' },
      { key: 'bob', value: 'o2/null' },
      { key: 'cid', value: 'o3/null' },
    ]);
  });

  it('an aggregation re-keyed through a repartition topic is looked up in its store; the groups are co-partitioned', async () => {
    const b = new StreamsBuilder();
    const clicks = b.stream('clicks', Consumed.with(S, S));
    const counts = clicks.groupBy((_k, page) => page, Grouped.with(S, S)).count(Materialized.as('page-counts'));
    b.stream('views', Consumed.with(S, S)).join(counts, (v, n) => `${v}:${n}`).to('out', Produced.with(S, S));
    const t = b.build();
    expect(t.copartitionGroups()).toEqual([['page-counts-repartition', 'views']]);
    driver = await TopologyTestDriver.create(t, { logger: quiet });
    const c = driver.createInputTopic('clicks', S, S);
    c.pipeInput('u1', 'home', 1);
    c.pipeInput('u2', 'home', 2);
    c.pipeInput('u3', 'about', 3);
    driver.createInputTopic('views', S, S).pipeInput('home', 'v', 4);
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([{ key: 'home', value: 'v:2' }]);
  });

  for (const materialized of [false, true]) {
    it(`a KTable–KTable join result is looked up ${materialized ? 'in its store' : 'by joining both sides on the fly'}`, async () => {
      const b = new StreamsBuilder();
      const names = b.table('names', Consumed.with(S, S));
      const cities = b.table('cities', Consumed.with(S, S));
      const profile = materialized
        ? names.leftJoin(cities, (n, c) => `${n}@${c}`, Materialized.as<string, string>('profiles').withValueSerde(S))
        : names.leftJoin(cities, (n, c) => `${n}@${c}`);
      b.stream('events', Consumed.with(S, S)).join(profile, (e, p) => `${e} by ${p}`).to('out', Produced.with(S, S));
      const d = await open(b);
      d.createInputTopic('names', S, S).pipeInput('k1', 'Ann', 1);
      const e = d.createInputTopic('events', S, S);
      e.pipeInput('k1', 'login', 2);
      d.createInputTopic('cities', S, S).pipeInput('k1', 'Oslo', 3);
      e.pipeInput('k1', 'logout', 4);
      e.pipeInput('k2', 'ghost', 5);
      expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
        { key: 'k1', value: 'login by Ann@null' },
        { key: 'k1', value: 'logout by Ann@Oslo' },
      ]);
    });
  }

  it('a KTable–KTable join of a join result propagates updates (and old values through groupBy)', async () => {
    const b = new StreamsBuilder();
    const a = b.table('a', Consumed.with(S, S));
    const c = b.table('c', Consumed.with(S, S));
    // group the join result by value and count: needs old values from the join
    a.join(c, (x, y) => `${x}${y}`)
      .groupBy((_k, v) => [v, v] as const, Grouped.with(S, S))
      .count(Materialized.as<string, number>('by-value'))
      .toStream()
      .to('out', Produced.with(S, L));
    const d = await open(b);
    const inA = d.createInputTopic('a', S, S);
    const inC = d.createInputTopic('c', S, S);
    inA.pipeInput('k1', 'x', 1);
    inC.pipeInput('k1', 'y', 2);
    inA.pipeInput('k2', 'x', 3);
    inC.pipeInput('k2', 'y', 4);
    inA.pipeInput('k1', 'z', 5);
    const store = d.getKeyValueStore<string, number>('by-value')!;
    expect(store.get('xy')).toBe(1);
    expect(store.get('zy')).toBe(1);
  });
});

describe('processValues', () => {
  it('may change values, keeps the key, and does not mark the stream for repartitioning', async () => {
    const b = new StreamsBuilder();
    const s = b.stream('in', Consumed.with(S, S)).processValues<number>(() => {
      let ctx: Parameters<NonNullable<ReturnType<Parameters<typeof s.processValues>[0]>['init']>>[0];
      return {
        init: (c) => void (ctx = c),
        process: (r) => ctx.forward({ ...r, value: r.value.length }),
      };
    });
    expect(s.repartitionRequired).toBe(false);
    s.to('out', Produced.with(S, Serdes.int32()));
    const d = await open(b);
    d.createInputTopic('in', S, S).pipeInput('k', 'four', 1);
    expect(d.createOutputTopic('out', S, Serdes.int32()).readKeyValuesToList()).toEqual([{ key: 'k', value: 4 }]);
  });

  it('rejects a processor that forwards a different key', async () => {
    const b = new StreamsBuilder();
    b.stream('in', Consumed.with(S, S))
      .processValues<string>(() => {
        let forward: (r: { key: string; value: string; timestamp: number; headers: Readonly<Record<string, Buffer>> }) => void;
        return { init: (c) => void (forward = (r) => c.forward(r)), process: (r) => forward({ ...r, key: 'other' }) };
      })
      .to('out', Produced.with(S, S));
    const d = await open(b);
    expect(() => d.createInputTopic('in', S, S).pipeInput('k', 'v', 1)).toThrow(/processValues may change values only/);
  });
});
