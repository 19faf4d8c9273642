// Every KStream operator, run through the TopologyTestDriver.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Branched } from '../../../src/streams/dsl/options/branched.ts';
import { Repartitioned } from '../../../src/streams/dsl/options/repartitioned.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';
import type { KStream } from '../../../src/streams/dsl/kstream.ts';

const S = Serdes.string();
const N = Serdes.int32();
let driver: TopologyTestDriver | undefined;

afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

async function run(build: (s: KStream<string, string>, b: StreamsBuilder) => void, input: Array<[string | null, string | null]>) {
  const b = new StreamsBuilder();
  build(b.stream('in', Consumed.with(S, S)), b);
  driver = await TopologyTestDriver.create(b.build(), { applicationId: 'app', defaultKeySerde: S as never, defaultValueSerde: S as never });
  const inTopic = driver.createInputTopic('in', S, S);
  input.forEach(([k, v], i) => inTopic.pipeInput(k as string, v as string, 1000 + i));
  return driver;
}

const read = (d: TopologyTestDriver, topic = 'out') => d.createOutputTopic(topic, S, S).readKeyValuesToList();

describe('KStream operators', () => {
  it('filter and filterNot keep and drop by predicate', async () => {
    const d = await run((s) => {
      s.filter((_k, v) => v.startsWith('a')).to('out');
      s.filterNot((_k, v) => v.startsWith('a')).to('rest');
    }, [['1', 'apple'], ['2', 'banana'], ['3', 'avocado']]);
    expect(read(d)).toEqual([{ key: '1', value: 'apple' }, { key: '3', value: 'avocado' }]);
    expect(read(d, 'rest')).toEqual([{ key: '2', value: 'banana' }]);
  });

  it('map, mapValues and selectKey transform keys and values', async () => {
    const d = await run((s) => {
      s.map((k, v) => [v, k] as const).to('out');
      s.mapValues((v, k) => `${k}:${v.toUpperCase()}`).to('mv');
      s.selectKey((_k, v) => v.length.toString()).to('sk');
    }, [['k', 'abc']]);
    expect(read(d)).toEqual([{ key: 'abc', value: 'k' }]);
    expect(read(d, 'mv')).toEqual([{ key: 'k', value: 'k:ABC' }]);
    expect(read(d, 'sk')).toEqual([{ key: '3', value: 'abc' }]);
  });

  it('flatMap and flatMapValues emit zero or more records per input, in order', async () => {
    const d = await run((s) => {
      s.flatMap((k, v) => v.split(',').map((p, i) => [`${k}${i}`, p] as const)).to('out');
      s.flatMapValues((v) => (v === 'x,y' ? [] : [v, v])).to('fmv');
    }, [['a', 'x,y'], ['b', 'z']]);
    expect(read(d)).toEqual([{ key: 'a0', value: 'x' }, { key: 'a1', value: 'y' }, { key: 'b0', value: 'z' }]);
    expect(read(d, 'fmv')).toEqual([{ key: 'b', value: 'z' }, { key: 'b', value: 'z' }]);
  });

  it('peek sees every record and passes it on; foreach is terminal', async () => {
    const peeked: string[] = [];
    const each: string[] = [];
    const d = await run((s) => {
      s.peek((k, v) => peeked.push(`${k}=${v}`)).to('out');
      s.foreach((k) => each.push(k));
    }, [['a', '1'], ['b', '2']]);
    expect(peeked).toEqual(['a=1', 'b=2']);
    expect(each).toEqual(['a', 'b']);
    expect(read(d)).toHaveLength(2);
  });

  it('split routes to the first matching branch, then to the default branch', async () => {
    const d = await run((s) => {
      const branches = s
        .split('split-')
        .branch((_k, v) => v.startsWith('a'), Branched.as('a'))
        .branch((_k, v) => v.startsWith('ab'), Branched.as('never'))
        .branch((_k, v) => v.startsWith('b'), Branched.withConsumer((b) => b.to('b-out')))
        .defaultBranch(Branched.as('other'));
      expect([...branches.keys()]).toEqual(['split-a', 'split-never', 'split-other']);
      branches.get('split-a')!.to('out');
      branches.get('split-never')!.to('never');
      branches.get('split-other')!.to('other');
    }, [['1', 'abc'], ['2', 'bcd'], ['3', 'cde']]);
    expect(read(d)).toEqual([{ key: '1', value: 'abc' }]);
    expect(read(d, 'b-out')).toEqual([{ key: '2', value: 'bcd' }]);
    expect(read(d, 'other')).toEqual([{ key: '3', value: 'cde' }]);
    expect(d.createOutputTopic('never', S, S).isEmpty()).toBe(true);
  });

  it('split without a default branch drops unmatched records', async () => {
    const d = await run((s) => {
      const m = s.split().branch((_k, v) => v === 'keep').noDefaultBranch();
      m.get('KSTREAM-BRANCH-00000000011')!.to('out');
    }, [['1', 'keep'], ['2', 'drop']]);
    expect(read(d)).toEqual([{ key: '1', value: 'keep' }]);
  });

  it('merge interleaves two streams in processing order', async () => {
    const b = new StreamsBuilder();
    const a = b.stream('a', Consumed.with(S, S));
    const c = b.stream('c', Consumed.with(S, S));
    a.merge(c).to('out', Produced.with(S, S));
    driver = await TopologyTestDriver.create(b.build());
    driver.createInputTopic('a', S, S).pipeInput('1', 'from-a', 5);
    driver.createInputTopic('c', S, S).pipeInput('2', 'from-c', 1);
    expect(read(driver)).toEqual([{ key: '1', value: 'from-a' }, { key: '2', value: 'from-c' }]);
  });

  it('stream(RegExp) reads every matching topic; stream([a, b]) reads both', async () => {
    const b = new StreamsBuilder();
    b.stream(/^orders-.+$/, Consumed.with(S, S)).to('all-orders', Produced.with(S, S));
    b.stream(['x', 'y'], Consumed.with(S, S)).to('xy', Produced.with(S, S));
    driver = await TopologyTestDriver.create(b.build());
    driver.createInputTopic('orders-eu', S, S).pipeInput('1', 'eu');
    driver.createInputTopic('orders-us', S, S).pipeInput('2', 'us');
    driver.createInputTopic('y', S, S).pipeInput('3', 'y');
    expect(() => driver!.createInputTopic('orders', S, S)).toThrow(/Unknown topic/);
    expect(read(driver, 'all-orders')).toEqual([{ key: '1', value: 'eu' }, { key: '2', value: 'us' }]);
    expect(read(driver, 'xy')).toEqual([{ key: '3', value: 'y' }]);
  });

  it('to() with a topic extractor chooses the topic per record', async () => {
    const d = await run((s) => s.to((_k, v) => `out-${v}`), [['1', 'x'], ['2', 'y']]);
    expect(read(d, 'out-x')).toEqual([{ key: '1', value: 'x' }]);
    expect(read(d, 'out-y')).toEqual([{ key: '2', value: 'y' }]);
  });

  it('to() with Produced serdes writes those bytes', async () => {
    const d = await run((s) => s.mapValues((v) => v.length).to('out', Produced.with(S, N)), [['k', 'four']]);
    expect(d.createOutputTopic('out', S, N).readKeyValue()).toEqual({ key: 'k', value: 4 });
  });

  it('repartition() goes through "<app>-<name>-repartition" and keeps the records', async () => {
    const d = await run((s) => s.repartition(Repartitioned.as('rekeyed')).to('out'), [['k', 'v']]);
    expect(read(d)).toEqual([{ key: 'k', value: 'v' }]);
    expect(d.producedTopicNames()).toEqual(new Set(['app-rekeyed-repartition', 'out']));
    expect(read(d, 'app-rekeyed-repartition')).toEqual([{ key: 'k', value: 'v' }]);
  });

  it('toTable keeps the latest value per key and turns a null value into a delete', async () => {
    const d = await run((s, b) => {
      void b;
      s.toTable().toStream().to('out');
    }, [['a', '1'], ['a', '2'], ['b', '3'], ['a', null]]);
    expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1' },
      { key: 'a', value: '2' },
      { key: 'b', value: '3' },
      { key: 'a', value: null },
    ]);
  });

  it('a key-changing operator before groupByKey inserts a repartition topic automatically', async () => {
    const d = await run((s) => {
      s.selectKey((_k, v) => v).groupByKey().count().toStream().to('out', Produced.with(S, Serdes.int64()));
    }, [['1', 'x'], ['2', 'x'], ['3', 'y']]);
    expect(d.createOutputTopic('out', S, Serdes.int64()).readKeyValuesToList()).toEqual([
      { key: 'x', value: 1 },
      { key: 'x', value: 2 },
      { key: 'y', value: 1 },
    ]);
    expect([...d.producedTopicNames()].filter((t) => t.endsWith('-repartition'))).toEqual(['app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition']);
  });

  it('groupByKey without a key change does not repartition', async () => {
    const d = await run((s) => {
      s.mapValues((v) => v + '!').groupByKey().count().toStream().to('out', Produced.with(S, Serdes.int64()));
    }, [['1', 'x']]);
    expect([...d.producedTopicNames()].some((t) => t.endsWith('-repartition'))).toBe(false);
  });

  it('process() runs a Processor API processor with a store added to the builder', async () => {
    const b = new StreamsBuilder();
    const { Stores } = await import('../../../src/streams/state/stores.ts');
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), S, N));
    b.stream('in', Consumed.with(S, S))
      .process<string, number>(() => {
        let ctx: Parameters<NonNullable<import('../../../src/streams/processor/processor.ts').Processor<string, string, string, number>['init']>>[0];
        return {
          init(c) {
            ctx = c;
          },
          process(r) {
            const store = ctx.getStateStore<import('../../../src/streams/state/store-types.ts').KeyValueStore<string, number>>('seen');
            const n = (store.get(r.key) ?? 0) + 1;
            store.put(r.key, n);
            ctx.forward({ ...r, value: n });
          },
        };
      }, 'counter', 'seen')
      .to('out', Produced.with(S, N));
    driver = await TopologyTestDriver.create(b.build());
    const i = driver.createInputTopic('in', S, S);
    i.pipeInput('a', 'x');
    i.pipeInput('a', 'y');
    expect(driver.createOutputTopic('out', S, N).readValuesToList()).toEqual([1, 2]);
    expect(driver.getKeyValueStore<string, number>('seen')!.get('a')).toBe(2);
  });
});
