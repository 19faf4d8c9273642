// Type inference through the DSL: K and V flow from serdes and mappers (checked by tsc; the
// runtime assertions of expectTypeOf are no-ops, the compile step is the test).
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { StreamsBuilder } from '../../../src/streams/dsl/streams-builder.ts';
import { Consumed } from '../../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../../src/streams/dsl/options/produced.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { KStream } from '../../../src/streams/dsl/kstream.ts';
import type { KTable } from '../../../src/streams/dsl/ktable.ts';
import type { KGroupedStream } from '../../../src/streams/dsl/kgrouped-stream.ts';
import type { KGroupedTable } from '../../../src/streams/dsl/kgrouped-table.ts';

const Order = z.object({ id: z.string(), amount: z.number(), customer: z.string() });
type Order = z.infer<typeof Order>;

describe('DSL type inference', () => {
  const b = new StreamsBuilder();
  const orders = b.stream('orders', Consumed.with(Serdes.string(), Serdes.json(Order)));

  it('sources take K and V from Consumed serdes', () => {
    expectTypeOf(orders).toEqualTypeOf<KStream<string, Order>>();
    expectTypeOf(b.stream<string, number>('t')).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(b.table('t', Consumed.with(Serdes.int32(), Serdes.string()))).toEqualTypeOf<KTable<number, string>>();
  });

  it('stateless operators infer new K and V from mappers', () => {
    expectTypeOf(orders.filter((_k, v) => v.amount > 10)).toEqualTypeOf<KStream<string, Order>>();
    expectTypeOf(orders.mapValues((v) => v.amount)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(orders.map((_k, v) => [v.customer, v.amount] as const)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(orders.map((_k, v) => [v.amount, v.id])).toEqualTypeOf<KStream<number, string>>();
    expectTypeOf(orders.selectKey((_k, v) => v.amount)).toEqualTypeOf<KStream<number, Order>>();
    expectTypeOf(orders.flatMapValues((v) => v.id.split(''))).toEqualTypeOf<KStream<string, string>>();
    expectTypeOf(orders.flatMap((k, v) => [[v.amount, k] as const])).toEqualTypeOf<KStream<number, string>>();
    expectTypeOf(orders.peek(() => {})).toEqualTypeOf<KStream<string, Order>>();
    expectTypeOf(orders.split().branch((_k, v) => v.amount > 0).defaultBranch()).toEqualTypeOf<Map<string, KStream<string, Order>>>();
  });

  it('grouping and aggregation infer the table types', () => {
    const byCustomer = orders.groupBy((_k, v) => v.customer, Grouped.with(Serdes.string(), Serdes.json(Order)));
    expectTypeOf(byCustomer).toEqualTypeOf<KGroupedStream<string, Order>>();
    expectTypeOf(byCustomer.count()).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(byCustomer.count(Materialized.as('counts'))).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(byCustomer.reduce((a, v) => ({ ...a, amount: a.amount + v.amount }))).toEqualTypeOf<KTable<string, Order>>();
    const totals = byCustomer.aggregate(() => 0, (_k, v, agg) => agg + v.amount, Materialized.as('totals'));
    expectTypeOf(totals).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(totals.toStream()).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(totals.mapValues((n) => `${n}`)).toEqualTypeOf<KTable<string, string>>();
    expectTypeOf(orders.groupByKey().count()).toEqualTypeOf<KTable<string, number>>();
  });

  it('table groupBy infers the grouping key and value', () => {
    const t = b.table('users', Consumed.with(Serdes.string(), Serdes.json(Order)));
    const g = t.groupBy((_k, v) => [v.customer, v.amount] as const);
    expectTypeOf(g).toEqualTypeOf<KGroupedTable<string, number>>();
    expectTypeOf(g.reduce((a, v) => a + v, (a, v) => a - v)).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(g.aggregate(() => [] as string[], (k, _v, a) => [...a, k], (k, _v, a) => a.filter((x) => x !== k))).toEqualTypeOf<KTable<string, string[]>>();
  });

  it('wrong serdes and mappers do not compile', () => {
    // @ts-expect-error a Produced for numbers does not fit a stream of Orders
    orders.to('out', Produced.with(Serdes.string(), Serdes.int32()));
    // @ts-expect-error Order has no field "nope"
    orders.mapValues((v) => v.nope);
    // @ts-expect-error count's store holds numbers, not strings
    orders.groupByKey().count(Materialized.with(Serdes.string(), Serdes.string()));
  });
});
