// A foreign-key join whose right-hand table is cached can write the same result twice in a run
// with no failure at all, as Kafka Streams does: the subscription path reads the right row
// through the record cache (its newest value, not yet forwarded), and when the cache is flushed
// at the next commit the right table forwards that same row, whose prefix scan finds the
// subscription just stored and answers it again. Both answers carry the left row's current hash,
// so the resolver emits both. This is why the exactly-once kill test of the FK join
// (streams-kill-recovery.test.ts) turns the right table's cache off: its check that no
// (key, value) appears twice is only a test of exactly-once when a failure-free run cannot
// produce a repeat.
//
// The interleaving, made deterministic without timing (one partition per topic, so every
// internal topic is read in order):
//   1 app A (commit interval one hour: no commit until close) processes customer c1 = name-a:
//     with a cache it sits there, dirty, not forwarded;
//   2 order o1 = c1|r1 arrives: the left table (uncached) sends its subscription at once; the
//     right side stores it and answers from the right table — name-a, read through the cache —
//     and the result r1:name-a is written;
//   3 A closes cleanly: its commit flushes the cache, so c1 is forwarded now and its prefix scan
//     answers o1 a second time (the response waits in the response topic);
//   4 app B (same application) processes that response, then a sentinel order o2 whose response
//     comes after it in the same partition: once r2 is out, o1's second answer was handled.
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { Produced } from '../../src/streams/dsl/options/produced.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import type { Topology } from '../../src/streams/topology/topology.ts';
import { useStreamsTestBed, waitFor } from './streams-helpers.ts';

const S = Serdes.string();
const CACHE_BYTES = 10 * 1024 * 1024;

function ordersWithCustomers(rightCached: boolean): Topology {
  const b = new StreamsBuilder();
  const customers = Materialized.with<string, string>(S, S);
  b.table('orders', Consumed.with(S, S), Materialized.with<string, string>(S, S).withCachingDisabled())
    .join(
      b.table('customers', Consumed.with(S, S), rightCached ? customers : customers.withCachingDisabled()),
      (order: string) => order.split('|')[0]!,
      (order: string, name: string) => `${order.split('|')[1]}:${name}`,
    )
    .toStream()
    .to('enriched', Produced.with(S, S));
  return b.build();
}

describe('foreign-key join with a cached right-hand table', () => {
  const bed = useStreamsTestBed('fk-cached-right');

  async function run(rightCached: boolean): Promise<string[]> {
    for (const t of ['orders', 'customers', 'enriched']) await bed.io.createTopic(t, 1);
    const enriched = async () => (await bed.io.readAll('enriched')).map((r) => `${r.key!.toString()}=${r.value!.toString()}`);

    const a = bed.app(ordersWithCustomers(rightCached), { cacheMaxBytes: CACHE_BYTES, commitIntervalMs: 3_600_000 });
    await a.start();
    await bed.io.produce('customers', [{ key: 'c1', value: 'name-a', timestamp: 100 }]);
    await waitFor(() => a.processedRecords >= 1, 'the customer to be processed');
    await bed.io.produce('orders', [{ key: 'o1', value: 'c1|r1', timestamp: 200 }]);
    await waitFor(async () => (await enriched()).length >= 1, 'the first join result');
    await a.close();

    const b = bed.app(ordersWithCustomers(rightCached), { cacheMaxBytes: CACHE_BYTES });
    await b.start();
    await bed.io.produce('orders', [{ key: 'o2', value: 'c1|r2', timestamp: 300 }]);
    await waitFor(async () => (await enriched()).includes('o2=r2:name-a'), 'the sentinel result');
    return enriched();
  }

  it('writes the result twice when the subscription read the right row from the cache (as Kafka Streams)', async () => {
    expect(await run(true)).toEqual(['o1=r1:name-a', 'o1=r1:name-a', 'o2=r2:name-a']);
  }, 60_000);

  it('writes each result once when the right-hand table is not cached', async () => {
    expect(await run(false)).toEqual(['o1=r1:name-a', 'o2=r2:name-a']);
  }, 60_000);
});
