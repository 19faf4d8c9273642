// A stream–table join on a versioned table with a grace period, run by the streams runtime
// against the bundled broker over TCP: the versioned store and the join buffer are built through
// the same suppliers as in the TopologyTestDriver, their changelogs are created (the versioned
// one with min.compaction.lag.ms), and every order is joined with the price valid at its time —
// including a price update that arrives out of order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Joined } from '../../src/streams/dsl/options/joined.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { Stores } from '../../src/streams/state/stores.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { StreamsIo, waitFor, type InputRecord } from './streams-helpers.ts';

const S = Serdes.string();

function topology() {
  const b = new StreamsBuilder();
  const prices = b.table('prices', Consumed.with(S, S), Materialized.as(Stores.persistentVersionedKeyValueStore('prices-store', 60_000)));
  b.stream('orders', Consumed.with(S, S))
    .join(prices, (order, price) => `${order}+${price}`, Joined.with(S, S, S, 'price-join', 1_000))
    .to('priced', Produced.with(S, S));
  return b.build();
}

describe('versioned table join on the broker', () => {
  let broker: TestBroker;
  let io: StreamsIo;
  let dir: string;
  let streams: KafkaStreams | undefined;

  beforeEach(async () => {
    broker = await startTestBroker();
    io = new StreamsIo(broker.bootstrap);
    dir = mkdtempSync(join(tmpdir(), 'tributary-versioned-it-'));
  });
  afterEach(async () => {
    await streams?.close();
    io.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('joins each order with the price valid at its timestamp, an out-of-order price included', async () => {
    for (const t of ['prices', 'orders', 'priced']) await io.createTopic(t, 2);
    const products = ['p1', 'p2', 'p3', 'p4'];
    const prices: InputRecord[] = [];
    for (const p of products) prices.push({ key: p, value: `${p}v1`, timestamp: 1_000 }, { key: p, value: `${p}v3`, timestamp: 3_000 });
    for (const p of products) prices.push({ key: p, value: `${p}v2`, timestamp: 2_000 }); // out of order, after v3
    const orders: InputRecord[] = [];
    let n = 0;
    for (const ts of [1_500, 2_500, 3_500, 4_000]) for (const p of products) orders.push({ key: p, value: `o${n++}`, timestamp: ts });
    // one late tick per partition moves stream time past the grace period, evicting every order
    const ticks: InputRecord[] = [0, 1].map((partition) => ({ key: `tick${partition}`, value: 'tick', timestamp: 100_000, partition }));

    // reference: the price version of the order's key with the largest timestamp ≤ the order's
    const priceAt = (key: string, ts: number) =>
      prices.filter((p) => p.key === key && p.timestamp <= ts).sort((a, b) => a.timestamp - b.timestamp).at(-1)?.value;
    const expected = orders.map((o) => `${String(o.value)}+${String(priceAt(o.key as string, o.timestamp))}`).sort();
    expect(expected).toContain('o4+p1v2'); // an order at 2500 sees the out-of-order v2

    streams = new KafkaStreams(topology(), {
      applicationId: 'it-versioned',
      bootstrapServers: broker.bootstrap,
      stateDir: dir,
      commitIntervalMs: 100,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      logger: process.env.TRIBUTARY_DEBUG ? console : { warn: () => {}, error: () => {} },
    });
    await streams.start();
    // Prices first, and only once the table has them all do the orders come: the runtime picks
    // the lowest timestamp among the records it has fetched, so orders fetched before their
    // prices would be evicted against an emptier table (a test-order concern, not a semantic one).
    await io.produce('prices', prices);
    await waitFor(async () => (await io.readAll('it-versioned-prices-store-changelog')).length === prices.length, 'versioned changelog holds every price version');
    await io.produce('orders', [...orders, ...ticks]);
    let seen: string[] = [];
    const got = async () => (seen = (await io.readAll('priced')).map((r) => r.value!.toString()).sort());
    await waitFor(async () => (await got()).length >= expected.length, () => `priced has ${seen.length} of ${expected.length} records (state ${streams?.state})`);
    expect(await got()).toEqual(expected);
    // the join buffer is changelogged too
    await waitFor(async () => (await io.readAll('it-versioned-price-join-Buffer-changelog')).some((r) => r.value === null), 'join buffer changelog with its evictions');
  }, 60_000);
});
