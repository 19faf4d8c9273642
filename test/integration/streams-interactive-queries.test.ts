/*
 * HTTP interactive queries against two KafkaStreams instances of one application on the bundled
 * broker (4 input partitions, so each instance owns some keys): every key, range, window, session
 * and versioned query answers identically whichever instance is asked, equal to a reference
 * computed from the input, and key queries are answered by the key's owner (forwarded).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/streams/dsl/options/consumed.ts';
import { Grouped } from '../../src/streams/dsl/options/grouped.ts';
import { Materialized } from '../../src/streams/dsl/options/materialized.ts';
import { StreamsBuilder } from '../../src/streams/dsl/streams-builder.ts';
import { InteractiveQueryClient, InteractiveQueryError } from '../../src/streams/iq/query-client.ts';
import type { KafkaStreams } from '../../src/streams/runtime/kafka-streams.ts';
import { Serdes } from '../../src/streams/serde/serdes.ts';
import { QueryableStoreTypes } from '../../src/streams/runtime/queryable-stores.ts';
import { Stores } from '../../src/streams/state/stores.ts';
import { MultiVersionedKeyQuery, VersionedKeyQuery } from '../../src/streams/state/versioned/versioned-queries.ts';
import { SessionWindows } from '../../src/streams/windows/session-windows.ts';
import { TimeWindows } from '../../src/streams/windows/time-windows.ts';
import { freePort, useStreamsTestBed, waitFor, type InputRecord } from './streams-helpers.ts';

const EVENTS = 'iq-events';
const PRICES = 'iq-prices';
const KEYS = Array.from({ length: 12 }, (_, i) => `k${i}`);
const PRODUCTS = ['apple', 'pear', 'plum', 'fig'];

function topology() {
  const b = new StreamsBuilder();
  const grouped = b.stream(EVENTS, Consumed.with(Serdes.string(), Serdes.string())).groupByKey(Grouped.with(Serdes.string(), Serdes.string()));
  grouped.count(Materialized.as<string, number>('counts'));
  grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(1000)).count(Materialized.as<string, number>('windowed-counts').withRetention(3_600_000));
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500)).count(Materialized.as<string, number>('session-counts').withRetention(3_600_000));
  b.table(PRICES, Consumed.with(Serdes.string(), Serdes.string()), Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore('prices', 3_600_000)));
  return b.build();
}

// Key k(i % 12) at 1000 + 37i: a key's events are 444 ms apart, so each key has one session.
const events: InputRecord[] = Array.from({ length: 120 }, (_, i) => ({ key: KEYS[i % 12]!, value: 'e', timestamp: 1000 + 37 * i }));

function reference() {
  const counts = new Map<string, number>();
  const windows = new Map<string, number>();
  const sessions = new Map<string, { start: number; end: number; n: number }>();
  for (const e of events) {
    const k = e.key as string;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    const start = Math.floor(e.timestamp / 1000) * 1000;
    windows.set(`${k}@${start}`, (windows.get(`${k}@${start}`) ?? 0) + 1);
    const s = sessions.get(k);
    sessions.set(k, s === undefined ? { start: e.timestamp, end: e.timestamp, n: 1 } : { start: s.start, end: e.timestamp, n: s.n + 1 });
  }
  return { counts, windows, sessions };
}

describe('HTTP interactive queries over two instances', () => {
  const bed = useStreamsTestBed('iq-app');

  async function instance(name: string): Promise<{ app: KafkaStreams; client: InteractiveQueryClient; host: string }> {
    const port = await freePort();
    const app = bed.app(topology(), { stateDir: join(bed.dir, name), applicationServer: `127.0.0.1:${port}`, interactiveQueries: { listen: { port } } });
    await app.start();
    return { app, client: new InteractiveQueryClient(app.interactiveQueriesUrl!), host: `127.0.0.1:${port}` };
  }

  it('answers every query identically on both instances, from the key owner', async () => {
    await bed.io.createTopic(EVENTS, 4);
    await bed.io.createTopic(PRICES, 4);
    const a = await instance('a');
    const b = await instance('b');
    await waitFor(() => a.app.state === 'RUNNING' && b.app.state === 'RUNNING' && a.app.localTasks().active.length > 0 && b.app.localTasks().active.length > 0, 'both instances RUNNING with tasks');

    await bed.io.produce(EVENTS, events);
    await bed.io.produce(PRICES, [
      ...PRODUCTS.map((p) => ({ key: p, value: '10', timestamp: 1000 })),
      ...PRODUCTS.map((p) => ({ key: p, value: '12', timestamp: 2000 })),
    ]);
    const ref = reference();
    const expectedCounts = [...ref.counts].sort(([x], [y]) => (x < y ? -1 : 1));
    const settled = async (c: InteractiveQueryClient) => {
      try {
        const all = await c.store<string, number>('counts').all();
        const price = await c.store<string, string>('prices').get('fig');
        return JSON.stringify(all.map((e) => [e.key, e.value])) === JSON.stringify(expectedCounts) && price?.value === '12';
      } catch (e) {
        if (e instanceof InteractiveQueryError && e.status === 503) return false; // a rebalance settling
        throw e;
      }
    };
    await waitFor(async () => (await settled(a.client)) && (await settled(b.client)), 'both instances see every record');

    let forwarded = 0;
    for (const key of KEYS) {
      const answers = [];
      for (const { client } of [a, b]) {
        const counts = client.store<string, number>('counts');
        const got = await counts.get(key);
        // Answered by the key's owner, whichever instance was asked.
        const owner = a.app.queryMetadataForKey('counts', key, Serdes.string())!.activeHost!;
        expect(client.lastServedBy).toBe(`${owner.host}:${owner.port}`);
        if (client.lastServedBy !== (client === a.client ? a.host : b.host)) forwarded++;
        answers.push({
          count: { key: got?.key, value: got?.value, hasTimestamp: typeof got?.timestamp === 'number' },
          windows: await client.store<string, number>('windowed-counts').windows(key, 0, 10_000),
          sessions: await client.store<string, number>('session-counts').sessions(key),
        });
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[0]!.count).toEqual({ key, value: ref.counts.get(key), hasTimestamp: true });
      const expectedWindows = [...ref.windows]
        .filter(([kw]) => kw.startsWith(`${key}@`))
        .map(([kw, n]) => ({ start: Number(kw.split('@')[1]), n }))
        .sort((x, y) => x.start - y.start);
      expect(answers[0]!.windows.map((w) => ({ start: w.start, n: w.value }))).toEqual(expectedWindows);
      expect(answers[0]!.windows.every((w) => w.key === key && w.end === w.start + 1000)).toBe(true);
      const s = ref.sessions.get(key)!;
      expect(answers[0]!.sessions.map((x) => ({ key: x.key, start: x.start, end: x.end, value: x.value }))).toEqual([{ key, start: s.start, end: s.end, value: s.n }]);
    }
    // Each key was asked of both instances and one of them is not its owner: that one forwarded.
    expect(forwarded).toBe(KEYS.length);

    // Ranges and fetchAll: merged from both instances, in one order.
    for (const [from, to] of [['k1', 'k5'], [undefined, 'k2'], ['k7', undefined]] as const) {
      const [ra, rb] = [await a.client.store<string, number>('counts').range(from, to), await b.client.store<string, number>('counts').range(from, to)];
      expect(rb).toEqual(ra);
      expect(ra.map((e) => e.key)).toEqual(expectedCounts.map(([k]) => k).filter((k) => (from === undefined || k >= from) && (to === undefined || k <= to)));
    }
    const [wa, wb] = [await a.client.store('windowed-counts').allWindows(2000, 3000), await b.client.store('windowed-counts').allWindows(2000, 3000)];
    expect(wb).toEqual(wa);
    expect(wa.map((w) => `${String(w.key)}@${w.start}`).sort()).toEqual([...ref.windows.keys()].filter((kw) => [2000, 3000].includes(Number(kw.split('@')[1]))).sort());

    // The versioned table: the latest version, and the one valid at a past time.
    for (const { client } of [a, b]) {
      const prices = client.store<string, string>('prices');
      expect(await prices.get('plum')).toEqual({ key: 'plum', value: '12', timestamp: 2000 });
      expect(await prices.get('plum', { asOf: 1500 })).toEqual({ key: 'plum', value: '10', timestamp: 1000, validTo: 2000 });
      expect(await prices.get('kiwi')).toBeUndefined();
      // MultiVersionedKeyQuery: every version, newest first; a range, ascending
      expect(await prices.versions('plum')).toEqual([
        { key: 'plum', value: '12', timestamp: 2000 },
        { key: 'plum', value: '10', timestamp: 1000, validTo: 2000 },
      ]);
      expect(await prices.versions('plum', { from: 0, to: 1999, order: 'ascending' })).toEqual([{ key: 'plum', value: '10', timestamp: 1000, validTo: 2000 }]);
      expect(await prices.versions('kiwi')).toEqual([]);
    }
    // The same queries in process, on the instance that owns the key.
    const owner = a.app.queryMetadataForKey('prices', 'plum', Serdes.string())!.activeHost!;
    const ownerApp = `${owner.host}:${owner.port}` === a.host ? a.app : b.app;
    const view = ownerApp.store('prices', QueryableStoreTypes.versionedKeyValueStore<string, string>());
    expect(view.query(VersionedKeyQuery.withKey('plum').asOf(1500))).toEqual({ value: '10', timestamp: 1000, validTo: 2000 });
    expect(view.query(MultiVersionedKeyQuery.withKey('plum').withAscendingTimestamps()).map((r) => r.value)).toEqual(['10', '12']);

    // The list of stores, and curl-style string keys on the path.
    expect((await a.client.stores()).map((s) => `${s.name}:${s.kind}`).sort()).toEqual(['counts:keyValue', 'prices:versioned', 'session-counts:session', 'windowed-counts:window']);
    const res = await fetch(`${b.app.interactiveQueriesUrl!}/stores/counts/keys/k3`);
    expect(await res.json()).toMatchObject({ store: 'counts', key: 'k3', value: ref.counts.get('k3') });
  }, 120_000);
});
