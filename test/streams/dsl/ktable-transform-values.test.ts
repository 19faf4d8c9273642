// KTable.transformValues, after Apache Kafka's KTableTransformValuesTest
// (shouldTransformValuesWithKey, shouldTransformValuesWithKeyAndMaterialize: the transformer
// sees null values too), plus state-store access, lookups through the unmaterialized getter and
// the forwarding ban of the transformer's context.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Named } from '../../../src/streams/dsl/options/named.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import type { ValueTransformerWithKey } from '../../../src/streams/dsl/ops/ktable-transform-values.ts';
import type { ProcessorContext } from '../../../src/streams/processor/processor-context.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { KeyValueStore } from '../../../src/streams/state/store-types.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import { TopologyTestDriver } from '../../../src/testing/topology-test-driver.ts';

const S = Serdes.string();
const exclamation = (): ValueTransformerWithKey<string, string, string> => ({ transform: (k, v) => `${k}->${v}!` });

async function pipeABD(b: StreamsBuilder) {
  const driver = await TopologyTestDriver.create(b.build());
  const input = driver.createInputTopic('in', S, S);
  input.pipeInput('A', 'a', 5);
  input.pipeInput('B', 'b', 10);
  input.pipeInput('D', null, 15);
  return { driver, out: driver.createOutputTopic('out', S, S).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]) };
}

describe('KTable.transformValues (KTableTransformValuesTest)', () => {
  it('shouldTransformValuesWithKey', async () => {
    const b = new StreamsBuilder();
    b.table('in', Consumed.with(S, S)).transformValues(exclamation).toStream().to('out', Produced.with(S, S));
    const { driver, out } = await pipeABD(b);
    expect(out).toEqual([
      ['A', 'A->a!', 5],
      ['B', 'B->b!', 10],
      ['D', 'D->null!', 15],
    ]);
    await driver.close();
  });

  it('shouldTransformValuesWithKeyAndMaterialize', async () => {
    const b = new StreamsBuilder();
    b.table('in', Consumed.with(S, S))
      .transformValues(exclamation, Materialized.as<string, string>('queryable-store').withKeySerde(S).withValueSerde(S))
      .toStream()
      .to('out', Produced.with(S, S));
    const { driver, out } = await pipeABD(b);
    expect(out).toEqual([
      ['A', 'A->a!', 5],
      ['B', 'B->b!', 10],
      ['D', 'D->null!', 15],
    ]);
    const store = driver.getKeyValueStore<string, string>('queryable-store')!;
    expect([store.get('A'), store.get('B'), store.get('D')]).toEqual(['A->a!', 'B->b!', 'D->null!']);
    await driver.close();
  });

  it('gives the transformer its stores, and forbids forwarding', async () => {
    const b = new StreamsBuilder();
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), S, Serdes.int64()));
    const counting = (): ValueTransformerWithKey<string, string, string> => {
      let seen: KeyValueStore<string, number>;
      let ctx: ProcessorContext<never, never>;
      return {
        init(c) {
          ctx = c;
          seen = c.getStateStore<KeyValueStore<string, number>>('seen');
        },
        transform(k, v) {
          if (v === 'forward') ctx.forward({ key: k as never, value: v as never, timestamp: 0, headers: {} });
          const n = (seen.get(k) ?? 0) + 1;
          seen.put(k, n);
          return `${v}#${n}`;
        },
      };
    };
    b.table('in', Consumed.with(S, S)).transformValues(counting, Named.as('counter'), 'seen').toStream().to('out', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(b.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('A', 'x', 1);
    input.pipeInput('A', 'y', 2);
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['x#1', 'y#2']);
    expect(() => input.pipeInput('A', 'forward', 3)).toThrow(/may not forward records \(processor "counter"\)/);
    await driver.close();
  });

  it('a join looks up the unmaterialized result through a second transformer over the parent row', async () => {
    const b = new StreamsBuilder();
    const upper = b.table('in', Consumed.with(S, S)).transformValues(() => ({ transform: (_k: string, v: string | null) => (v === null ? null : v.toUpperCase()) }));
    b.stream('orders', Consumed.with(S, S))
      .join(upper, (o: string, v: string) => `${o}:${v}`)
      .to('joined', Produced.with(S, S));
    const driver = await TopologyTestDriver.create(b.build());
    driver.createInputTopic('in', S, S).pipeInput('k', 'abc', 1);
    driver.createInputTopic('orders', S, S).pipeInput('k', 'o1', 2);
    driver.createInputTopic('orders', S, S).pipeInput('missing', 'o2', 3);
    expect(driver.createOutputTopic('joined', S, S).readKeyValuesToList()).toEqual([{ key: 'k', value: 'o1:ABC' }]);
    await driver.close();
  });
});
