/*
 * Routing against a reference model: two instances (A, B) each own some partitions of a
 * key-value store held in plain Maps; their routers forward to each other in memory. Whatever
 * instance is asked, a key answers what the reference map holds, and a range answers the
 * reference's entries in key order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryHost, StoreInfo } from '../../../src/streams/iq/query-host.ts';
import { QueryRouter, type Forwarder, type QueryResponse } from '../../../src/streams/iq/query-router.ts';
import type { HostInfo } from '../../../src/streams/runtime/streams-config.ts';
import type { StreamsState } from '../../../src/streams/runtime/streams-state.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { KeyValue, KeyValueIterator, StateStore } from '../../../src/streams/state/store-types.ts';
import { partitionForKey } from '../../../src/util/murmur2.ts';

const PARTITIONS = 4;
const A: HostInfo = { host: 'a', port: 1 };
const B: HostInfo = { host: 'b', port: 2 };
const INFO: StoreInfo = { name: 'counts', kind: 'keyValue', timestamped: false, keySerde: Serdes.string() as never, serdeTopic: 'app-counts-changelog', global: false };

function iterator(entries: Array<KeyValue<string, number>>): KeyValueIterator<string, number> {
  const it = entries[Symbol.iterator]();
  return Object.assign(it, { close() {} }) as unknown as KeyValueIterator<string, number>;
}

/** A task store over one partition's Map (sorted on read, as a store iterates). */
function fakeStore(data: Map<string, number>): StateStore {
  const sorted = () => [...data].sort(([x], [y]) => Buffer.compare(Buffer.from(x), Buffer.from(y))).map(([key, value]) => ({ key, value }));
  const inRange = (k: string, from?: string, to?: string) => (from === undefined || Buffer.compare(Buffer.from(k), Buffer.from(from)) >= 0) && (to === undefined || Buffer.compare(Buffer.from(k), Buffer.from(to)) <= 0);
  return {
    name: 'counts',
    isOpen: () => true,
    get: (k: string) => data.get(k),
    range: (from?: string, to?: string) => iterator(sorted().filter((e) => inRange(e.key, from, to))),
    all: () => iterator(sorted()),
  } as unknown as StateStore;
}

const partitionOf = (key: string): number => partitionForKey(Buffer.from(key), PARTITIONS);

interface Cluster {
  routers: Map<string, QueryRouter>;
  served: string[];
}

/** Two instances; `owner[p]` is A or B for partition p; `standbyOf[p]` the other one when standbys are on. */
function cluster(data: Map<string, number>, owner: HostInfo[], options: { state?: StreamsState; down?: HostInfo; standbys?: boolean } = {}): Cluster {
  const parts = Array.from({ length: PARTITIONS }, () => new Map<string, number>());
  for (const [k, v] of data) parts[partitionOf(k)]!.set(k, v);
  const routers = new Map<string, QueryRouter>();
  const served: string[] = [];
  for (const self of [A, B]) {
    const active = (p: number) => owner[p] === self;
    const host: QueryHost = {
      state: options.state ?? 'RUNNING',
      self,
      hosts: () => [A, B],
      storeNames: () => ['counts'],
      storeInfo: (n) => (n === 'counts' ? INFO : undefined),
      localStores: (_n, withStandbys) => parts.flatMap((m, p) => (active(p) || (withStandbys && options.standbys === true) ? [fakeStore(m)] : [])),
      keyMetadata: (_n, key) => {
        const p = partitionOf(key as string);
        return { partition: p, activeHost: owner[p], standbyHosts: options.standbys === true ? [owner[p] === A ? B : A] : [] };
      },
    };
    const forward: Forwarder = async (to, path): Promise<QueryResponse> => {
      if (options.down !== undefined && to.host === options.down.host) throw new Error('connect ECONNREFUSED');
      const r = await routers.get(to.host)!.answer(new URL(path, 'http://x'), true);
      if (r.servedBy !== undefined) served.push(r.servedBy);
      return r;
    };
    routers.set(self.host, new QueryRouter(host, forward));
  }
  return { routers, served };
}

const ask = (c: Cluster, at: HostInfo, path: string) => c.routers.get(at.host)!.answer(new URL(path, 'http://x'), false);

const keyArb = fc.string({ minLength: 1, maxLength: 6 });
const dataArb = fc.dictionary(keyArb, fc.integer({ min: 0, max: 1000 }), { maxKeys: 30 });
const ownerArb = fc.array(fc.constantFrom(A, B), { minLength: PARTITIONS, maxLength: PARTITIONS });

describe('QueryRouter against a reference model', () => {
  it('every key answers the same from either instance: the value, or 404 KEY_NOT_FOUND', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, ownerArb, fc.array(keyArb, { maxLength: 5 }), async (obj, owner, absent) => {
        const data = new Map(Object.entries(obj));
        const c = cluster(data, owner);
        for (const key of [...data.keys(), ...absent]) {
          const path = `/stores/counts/key?key=${encodeURIComponent(key)}`;
          const [fromA, fromB] = [await ask(c, A, path), await ask(c, B, path)];
          expect(fromA.body).toEqual(fromB.body);
          if (data.has(key)) expect(fromA).toMatchObject({ status: 200, body: { store: 'counts', key, value: data.get(key) } });
          else expect(fromA).toMatchObject({ status: 404, body: { error: { code: 'KEY_NOT_FOUND' } } });
          expect(fromA.servedBy).toBe(`${owner[partitionOf(key)]!.host}:${owner[partitionOf(key)]!.port}`);
        }
      }),
    );
  });

  it('a range or all answers the reference entries in key order from either instance', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, ownerArb, fc.option(keyArb, { nil: undefined }), fc.option(keyArb, { nil: undefined }), async (obj, owner, from, to) => {
        const data = new Map(Object.entries(obj));
        const c = cluster(data, owner);
        const q = new URLSearchParams();
        if (from !== undefined) q.set('from', from);
        if (to !== undefined) q.set('to', to);
        const path = `/stores/counts/keys?${q}`;
        const [fromA, fromB] = [await ask(c, A, path), await ask(c, B, path)];
        const b = (k: string) => Buffer.from(k);
        const expected = [...data]
          .filter(([k]) => (from === undefined || Buffer.compare(b(k), b(from)) >= 0) && (to === undefined || Buffer.compare(b(k), b(to)) <= 0))
          .sort(([x], [y]) => Buffer.compare(b(x), b(y)))
          .map(([key, value]) => ({ key, value }));
        expect(fromA).toEqual({ status: 200, body: { store: 'counts', entries: expected } });
        expect(fromB.body).toEqual(fromA.body);
      }),
    );
  });

  it('forwards to a standby only when standby=true and the active one is down', async () => {
    const data = new Map([['k', 1]]);
    const ownerOfK = partitionOf('k');
    const owner = Array.from({ length: PARTITIONS }, (_, p) => (p === ownerOfK ? B : A));
    const c = cluster(data, owner, { down: B, standbys: true });
    const strict = await ask(c, A, '/stores/counts/keys/k');
    expect(strict).toMatchObject({ status: 503, retryAfter: 1, body: { error: { code: 'NOT_AVAILABLE' } } });
    expect((strict.body as { error: { message: string } }).error.message).toMatch(/b:2: connect ECONNREFUSED/);
    // A is k's standby: with standby=true it answers from its own replica.
    expect(await ask(c, A, '/stores/counts/keys/k?standby=true')).toMatchObject({ status: 200, body: { value: 1 }, servedBy: 'a:1' });
  });

  it('answers 503 with Retry-After while rebalancing, 404 for an unknown store, 400 for a bad query', async () => {
    const c = cluster(new Map([['k', 1]]), [A, A, A, A], { state: 'REBALANCING' });
    const r = await ask(c, A, '/stores/counts/keys/k');
    expect(r).toMatchObject({ status: 503, retryAfter: 1 });
    expect((r.body as { error: { message: string } }).error.message).toMatch(/this instance is REBALANCING .* pass standby=true/);
    expect(await ask(c, A, '/stores/nope/keys/k')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_STORE', message: expect.stringMatching(/stores: counts/) } } });
    expect(await ask(c, A, '/stores/counts/windows?from=0&to=1')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/keyValue store; "allWindows" queries need a window store/) } } });
    expect(await ask(c, A, '/stores/counts/keys?standby=true')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/key queries only/) } } });
    expect(await ask(c, A, '/stores/counts/keys/k?asOf=5')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/asOf needs a versioned store/) } } });
    expect(await ask(c, A, '/nothing')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(await ask(c, A, '/stores')).toEqual({ status: 200, body: { stores: [{ name: 'counts', kind: 'keyValue', timestamped: false, keySerde: 'String', global: false }] } });
  });

  it('a range fails whole (503) when an instance cannot be reached, never answering half', async () => {
    const c = cluster(new Map([['k', 1], ['j', 2]]), [A, B, A, B], { down: B });
    const r = await ask(c, A, '/stores/counts/keys');
    expect(r).toMatchObject({ status: 503, body: { error: { message: expect.stringMatching(/instance b:2 cannot be reached/) } } });
  });
});
