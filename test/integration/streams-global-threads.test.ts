// Global stores with several stream threads in one process: each worker stream thread keeps its
// own replica of the global stores (src/streams/runtime/threads/worker-global-stores.ts),
// bootstrapped before that worker processes. A GlobalKTable left join over a 4-partition stream
// (global-threads-topology.ts) runs once with 1 thread and once with 2 on the same input:
//   - both outputs equal the reference join (every order enriched with the name the table had
//     before start: no task, on either thread, joined against a partial table) and so each other;
//   - both threads processed records (the worker's tasks read its replica);
//   - a product update after start reaches every task on every thread (probes on each partition);
//   - the worker's replica is checkpointed in its own directory (global-2/), apart from global/.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import { ORDERS, OUTPUT_ENV, PRODUCTS, PRODUCTS_STORE } from './global-threads-topology.ts';
import { lastValues, useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';

const MODULE = new URL('./global-threads-topology.ts', import.meta.url);
const ORDER_PARTITIONS = 4;
const PRODUCT_PARTITIONS = 3;
/** A worker loads Tributary's sources through tsx, which takes seconds on a loaded machine. */
const WAIT_MS = 90_000;
const str = (b: Buffer): string => b.toString();

const NAMES = ['anvil', 'bolt', 'crank', 'drill', 'easel', 'file', 'gauge', 'hammer'];
const products: InputRecord[] = NAMES.map((n, i) => ({ key: `p${i}`, value: n, partition: i % PRODUCT_PARTITIONS, timestamp: 1000 + i }));
/** 40 orders of run `run` over every partition; every fifth names a product the table does not have. */
const ordersOf = (run: number): InputRecord[] => Array.from({ length: 40 }, (_, i) => ({ key: `o${run}-${i}`, value: i % 5 === 4 ? `p-none-${i}` : `p${i % NAMES.length}`, partition: i % ORDER_PARTITIONS, timestamp: 2000 + i }));
/** The reference left join of run `run`'s orders (keys without the run). */
const referenceOf = (run: number): Map<string, string> => new Map(ordersOf(run).map((o) => {
  const productId = o.value as string;
  const i = NAMES.findIndex((_, j) => `p${j}` === productId);
  return [(o.key as string).replace(`o${run}-`, 'o'), `${productId}=${i < 0 ? 'unknown' : NAMES[i]}`];
}));

describe('global stores with several stream threads (a replica per worker)', () => {
  const bed = useStreamsTestBed('global-threads');
  const apps: KafkaStreams[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    delete process.env[OUTPUT_ENV];
  });

  /** Runs the app with `threads` threads to `output`; returns its orders' output (keys without the run) once complete. */
  async function run(threads: number, output: string): Promise<Map<string, string>> {
    await bed.io.createTopic(output, ORDER_PARTITIONS);
    process.env[OUTPUT_ENV] = output;
    const a = await KafkaStreams.fromModule(MODULE, {
      applicationId: `global-threads-${threads}`,
      bootstrapServers: bed.broker.bootstrap,
      stateDir: bed.dir,
      numStreamThreads: threads,
      commitIntervalMs: 100,
      cacheMaxBytes: 0,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 300,
      logger: { warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) },
    });
    apps.push(a);
    await a.start();
    // RUNNING = every thread (the worker only after its replica bootstrapped) runs its share of
    // the tasks; the orders come now, so each thread processes some of them.
    await waitFor(() => a.state === 'RUNNING' && a.localTasks().active.length === ORDER_PARTITIONS, () => `RUNNING with ${threads} thread(s) (${a.state}, ${a.localTasks().active})`, WAIT_MS);
    const orders = ordersOf(threads);
    await bed.io.produce(ORDERS, orders);
    const ours = async () => new Map([...lastValues(await bed.io.readAll(output), str)].filter(([k]) => k.startsWith(`o${threads}-`)).map(([k, v]) => [k.replace(`o${threads}-`, 'o'), v]));
    await waitFor(async () => (await ours()).size === orders.length, `${orders.length} joined orders with ${threads} thread(s)`, WAIT_MS);
    const joined = await ours();
    // Every thread ran tasks of its own: each reports processing under its thread-id (a worker's
    // metrics are its latest report).
    const processing = () => new Set(a.metrics().filter((m) => m.name === 'process-total' && Number(m.value) > 0).map((m) => m.tags['thread-id'])).size;
    await waitFor(() => processing() === threads, () => `${threads} thread(s) processing (${processing()})`, WAIT_MS);

    // An update after start (a product no order names): main's global store has it, then every
    // task on every thread joins it.
    await bed.io.produce(PRODUCTS, [{ key: 'px', value: `x-v${threads}`, partition: 0, timestamp: 3000 }]);
    const store = a.storeAsync(PRODUCTS_STORE, QueryableStoreTypes.keyValueStore<string, string>());
    await waitFor(async () => (await store.get('px')) === `x-v${threads}`, 'the update in the global store', WAIT_MS);
    let probe = 0;
    await waitFor(async () => {
      // One probe order per partition per attempt; done when a whole round joined the new name.
      const round = probe++;
      await bed.io.produce(ORDERS, Array.from({ length: ORDER_PARTITIONS }, (_, p) => ({ key: `probe-${threads}-${round}-${p}`, value: 'px', partition: p, timestamp: 4000 + round })));
      await waitFor(async () => [...lastValues(await bed.io.readAll(output), str).keys()].filter((k) => k.startsWith(`probe-${threads}-${round}-`)).length === ORDER_PARTITIONS, `probe round ${round}`, WAIT_MS);
      const got = lastValues(await bed.io.readAll(output), str);
      return Array.from({ length: ORDER_PARTITIONS }, (_, p) => got.get(`probe-${threads}-${round}-${p}`)).every((v) => v === `px=x-v${threads}`);
    }, 'every partition to join the updated product', WAIT_MS);
    expect(await a.close()).toBe(true);
    return joined;
  }

  it('joins a GlobalKTable the same with 1 and with 2 threads', async () => {
    await bed.io.createTopic(PRODUCTS, PRODUCT_PARTITIONS);
    await bed.io.createTopic(ORDERS, ORDER_PARTITIONS);
    // The table is written BEFORE start: a task that ran before its thread's replica was
    // complete would join some orders with "unknown". (Each run reads the orders from the start:
    // the second one reads the first run's probes too, which are left out of the comparison.)
    await bed.io.produce(PRODUCTS, products);

    const one = await run(1, 'gt-enriched-1');
    const two = await run(2, 'gt-enriched-2');
    expect(one).toEqual(referenceOf(1));
    expect(two).toEqual(referenceOf(2));
    expect(two).toEqual(one);

    // The worker's replica has its own checkpoint; thread 1's tables are the instance's global/.
    const app = join(bed.dir, 'global-threads-2');
    expect(existsSync(join(app, 'global', '.checkpoint'))).toBe(true);
    const replica = readFileSync(join(app, 'global-2', '.checkpoint'), 'utf8').trim().split('\n');
    // products: 8 records over 3 partitions (3, 3, 2) + the first run's update (partition 0) + this run's.
    expect(replica).toEqual(['0', '3', `${PRODUCTS} 0 5`, `${PRODUCTS} 1 3`, `${PRODUCTS} 2 2`]);
  }, 300_000);
});
