/*
 * The topology module of the global-stores-with-threads test (streams-global-threads.test.ts):
 * every stream thread (the main one and each worker) imports it and builds the same enrichment.
 *   ORDERS (key order id, value product id) join PRODUCTS (a GlobalKTable, store PRODUCTS_STORE)
 *   on the product id → `${productId}=${name}`, or `${productId}=unknown` (leftJoin) → the topic
 *   named by $TRIBUTARY_GLOBAL_THREADS_OUTPUT (read when the topology is built; a worker gets a
 *   copy of the environment when it starts), so one broker can hold the runs of several apps.
 */
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';

export const ORDERS = 'gt-orders';
export const PRODUCTS = 'gt-products';
export const PRODUCTS_STORE = 'gt-products-store';
export const OUTPUT_ENV = 'TRIBUTARY_GLOBAL_THREADS_OUTPUT';

export function topology(): Topology {
  const output = process.env[OUTPUT_ENV];
  if (output === undefined) throw new Error(`set ${OUTPUT_ENV} to the output topic`);
  const S = Serdes.string();
  const b = new StreamsBuilder();
  const products = b.globalTable(PRODUCTS, Consumed.with(S, S), Materialized.as(PRODUCTS_STORE));
  b.stream(ORDERS, Consumed.with(S, S))
    .leftJoin(products, (_orderId, productId) => productId, (productId, name) => `${productId}=${name ?? 'unknown'}`)
    .to(output, Produced.with(S, S));
  return b.build();
}
