// GlobalKTable in the runtime, end to end on the bundled broker over TCP: the global thread
// bootstraps every partition of the table's topic before the stream thread processes, stream
// records join against it (join and leftJoin with a key selector), an update of the global topic
// after start is seen by later records and by interactive queries, and a restart restores the
// global store from its checkpoint — reading only what was written while the app was down.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import type { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { lastValues, useStreamsTestBed, waitFor } from './streams-helpers.ts';
const str = (b: Buffer): string => b.toString();

/** orders (key order id, value product id) enriched with the product name from a GlobalKTable. */
function enrichment(): Topology {
  const b = new StreamsBuilder();
  const products = b.globalTable('products', Consumed.with(Serdes.string(), Serdes.string()), Materialized.as('products-store'));
  const orders = b.stream('orders', Consumed.with(Serdes.string(), Serdes.string()));
  orders.join(products, (_orderId, productId) => productId, (productId, name) => `${productId}=${name}`).to('enriched', Produced.with(Serdes.string(), Serdes.string()));
  orders.leftJoin(products, (_orderId, productId) => productId, (productId, name) => `${productId}=${name ?? 'unknown'}`).to('enriched-left', Produced.with(Serdes.string(), Serdes.string()));
  return b.build();
}

describe('GlobalKTable in the runtime (bundled broker over TCP)', () => {
  const bed = useStreamsTestBed('it-global');
  const app = (): KafkaStreams => bed.app(enrichment(), { applicationServer: 'localhost:7070' });

  it('bootstraps every partition before processing, joins, follows updates, restarts from its checkpoint', async () => {
    await bed.io.createTopic('products', 3);
    await bed.io.createTopic('orders', 2);
    await bed.io.createTopic('enriched', 2);
    await bed.io.createTopic('enriched-left', 2);
    const names = ['anvil', 'bolt', 'crank', 'drill', 'easel', 'file'];
    // Products spread over the three partitions; the orders are produced BEFORE start too, so a
    // join that ran before the table was complete would miss some of them.
    await bed.io.produce('products', names.map((n, i) => ({ key: `p${i}`, value: n, partition: i % 3, timestamp: 1000 + i })));
    await bed.io.produce('orders', names.map((_, i) => ({ key: `o${i}`, value: `p${i}`, timestamp: 2000 + i })));
    await bed.io.produce('orders', [{ key: 'o-missing', value: 'p-none', timestamp: 2100 }]);

    const a = app();
    await a.start();
    await waitFor(async () => (await bed.io.readAll('enriched')).length >= names.length, 'the joined orders');
    await waitFor(async () => (await bed.io.readAll('enriched-left')).length >= names.length + 1, 'the left-joined orders');
    expect(lastValues(await bed.io.readAll('enriched'), str)).toEqual(new Map(names.map((n, i) => [`o${i}`, `p${i}=${n}`])));
    const left = lastValues(await bed.io.readAll('enriched-left'), str);
    expect(left.get('o-missing')).toBe('p-none=unknown');
    expect(left.get('o5')).toBe('p5=file');

    // Interactive query: the whole table, on this instance.
    const store = a.store('products-store', QueryableStoreTypes.keyValueStore<string, string>());
    expect(store.get('p4')).toBe('easel');
    expect(store.approximateNumEntries()).toBe(names.length);
    expect(a.queryMetadataForKey('products-store', 'p4', Serdes.string())).toEqual({ activeHost: { host: 'localhost', port: 7070 }, standbyHosts: [], partition: -1 });

    // An update of the global topic after start reaches the store, then later joins.
    await bed.io.produce('products', [{ key: 'p1', value: 'bolt-v2', partition: 1, timestamp: 3000 }]);
    await waitFor(() => store.get('p1') === 'bolt-v2', 'the updated product in the global store');
    await bed.io.produce('orders', [{ key: 'o-after', value: 'p1', timestamp: 3100 }]);
    await waitFor(async () => lastValues(await bed.io.readAll('enriched'), str).get('o-after') === 'p1=bolt-v2', 'a join with the updated product');
    await a.close();
    expect(a.state).toBe('NOT_RUNNING');

    // The checkpoint names every partition of the global topic at its end (Kafka's file format).
    const checkpointFile = join(bed.dir, 'it-global', 'global', '.checkpoint');
    expect(existsSync(checkpointFile)).toBe(true);
    const lines = readFileSync(checkpointFile, 'utf8').trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['0', '3']);
    expect(lines.slice(2)).toEqual(['products 0 2', 'products 1 3', 'products 2 2']);

    // While the app is down: one more product update and an order for it.
    await bed.io.produce('products', [{ key: 'p2', value: 'crank-v2', partition: 2, timestamp: 4000 }]);
    await bed.io.produce('orders', [{ key: 'o-restart', value: 'p2', timestamp: 4100 }]);
    const b = app();
    await b.start();
    await waitFor(async () => lastValues(await bed.io.readAll('enriched'), str).get('o-restart') === 'p2=crank-v2', 'a join after the restart');
    // Restored from the checkpoint: only the record written while down was read.
    expect(b.restoredRecords).toBe(1);
    const after = b.store('products-store', QueryableStoreTypes.keyValueStore<string, string>());
    expect(after.get('p1')).toBe('bolt-v2');
    expect(after.approximateNumEntries()).toBe(names.length);
  }, 60_000);

  it('a record the global store cannot read stops the instance (the global thread cannot be replaced)', async () => {
    const strict = { ...Serdes.string(), deserialize: (topic: string, data: Buffer) => {
      const s = data.toString();
      if (s === 'garbage') throw new Error(`cannot read "${s}" from ${topic}`);
      return s;
    } };
    const b = new StreamsBuilder();
    const table = b.globalTable('products', Consumed.with(Serdes.string(), strict));
    b.stream('orders', Consumed.with(Serdes.string(), Serdes.string()))
      .join(table, (_k, v) => v, (v, name) => `${v}=${name}`)
      .to('enriched', Produced.with(Serdes.string(), Serdes.string()));
    await bed.io.createTopic('products', 1);
    await bed.io.createTopic('orders', 1);
    await bed.io.produce('products', [{ key: 'p0', value: 'anvil', timestamp: 1000 }]);
    const a = bed.app(b.build());
    const errors: string[] = [];
    // REPLACE_THREAD is what the handler asks for; a global thread failure shuts the instance down anyway.
    a.setUncaughtExceptionHandler((e) => (errors.push(e.message), 'REPLACE_THREAD'));
    await a.start();
    await waitFor(() => a.state === 'RUNNING', 'RUNNING after the bootstrap');
    await bed.io.produce('products', [{ key: 'p1', value: 'garbage', timestamp: 2000 }]);
    await waitFor(() => a.state === 'ERROR', () => `ERROR; got ${a.state}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/garbage/);
  }, 60_000);
});
