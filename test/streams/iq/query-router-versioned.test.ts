/*
 * Versioned queries over HTTP routing (VersionedKeyQuery as get?asOf, MultiVersionedKeyQuery as
 * /versions; KIP-960, KIP-968) against a reference model: two instances (A, B) each own some
 * partitions; each partition is a real in-memory versioned store (observed stream time is per
 * partition, so the model is one VersionedModel per partition). Whichever instance is asked, a
 * key's versions in any range and order are the model's, answered by the key's owner.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryHost, StoreInfo } from '../../../src/streams/iq/query-host.ts';
import { QueryRouter, type QueryResponse } from '../../../src/streams/iq/query-router.ts';
import type { HostInfo } from '../../../src/streams/runtime/streams-config.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import type { MeteredVersionedKeyValueStore } from '../../../src/streams/state/versioned/metered-versioned-store.ts';
import type { VersionedRecord } from '../../../src/streams/state/versioned/versioned-record.ts';
import { partitionForKey } from '../../../src/util/murmur2.ts';
import { makeContext } from '../state/store-suite.ts';
import { VersionedModel } from '../state/versioned/versioned-model.ts';

const PARTITIONS = 4;
const A: HostInfo = { host: 'a', port: 1 };
const B: HostInfo = { host: 'b', port: 2 };
const INFO: StoreInfo = { name: 'prices', kind: 'versioned', timestamped: true, keySerde: Serdes.string() as never, serdeTopic: 'app-prices-changelog', global: false };
const KEYS = ['apple', 'pear', 'plum', 'fig', 'kiwi', 'lime'];
const RETENTION = 50;
const partitionOf = (key: string): number => partitionForKey(Buffer.from(key), PARTITIONS);

type Store = MeteredVersionedKeyValueStore<string, string>;

async function partitions(puts: ReadonlyArray<{ key: string; value: string | null; ts: number }>): Promise<{ stores: Store[]; models: VersionedModel[] }> {
  const stores: Store[] = [];
  const models: VersionedModel[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const s = Stores.versionedKeyValueStoreBuilder(Stores.inMemoryVersionedKeyValueStore('prices', RETENTION, 10), Serdes.string(), Serdes.string()).withLoggingDisabled().build();
    await s.init(makeContext('/nonexistent', [], new Map(), { now: 0 }));
    stores.push(s);
    models.push(new VersionedModel(RETENTION));
  }
  for (const { key, value, ts } of puts) {
    const p = partitionOf(key);
    expect(stores[p]!.put(key, value, ts)).toBe(models[p]!.put(key, value, ts));
  }
  return { stores, models };
}

function routers(stores: Store[], owner: HostInfo[]): Map<string, QueryRouter> {
  const out = new Map<string, QueryRouter>();
  for (const self of [A, B]) {
    const host: QueryHost = {
      state: 'RUNNING',
      self,
      hosts: () => [A, B],
      storeNames: () => ['prices'],
      storeInfo: (n) => (n === 'prices' ? INFO : undefined),
      localStores: () => stores.filter((_, p) => owner[p] === self),
      keyMetadata: (_n, key) => {
        const p = partitionOf(key as string);
        return { partition: p, activeHost: owner[p], standbyHosts: [] };
      },
    };
    out.set(self.host, new QueryRouter(host, (to, path): Promise<QueryResponse> => out.get(to.host)!.answer(new URL(path, 'http://x'), true)));
  }
  return out;
}

const entry = (key: string, r: VersionedRecord<string>) => ({ key, value: r.value, timestamp: r.timestamp, ...(r.validTo !== undefined ? { validTo: r.validTo } : {}) });
const putArb = fc.record({ key: fc.constantFrom(...KEYS), value: fc.option(fc.constantFrom('1', '2', '3'), { freq: 6 }), ts: fc.nat(150) });
const boundArb = fc.option(fc.nat(160), { nil: undefined });
const orderArb = fc.constantFrom(undefined, 'ascending' as const, 'descending' as const);

describe('versioned queries routed to the key owner, against the reference model (fast-check)', () => {
  it('get?asOf and /versions answer the model from either instance', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(putArb, { maxLength: 40 }),
        fc.array(fc.constantFrom(A, B), { minLength: PARTITIONS, maxLength: PARTITIONS }),
        fc.array(fc.tuple(fc.constantFrom(...KEYS), boundArb, boundArb, orderArb), { minLength: 1, maxLength: 8 }),
        async (puts, owner, queries) => {
          const { stores, models } = await partitions(puts);
          const r = routers(stores, owner);
          for (const [key, a, b, order] of queries) {
            const [from, to] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
            const model = models[partitionOf(key)]!;
            const params = new URLSearchParams({ key, ...(from !== undefined ? { from: String(from) } : {}), ...(to !== undefined ? { to: String(to) } : {}), ...(order !== undefined ? { order } : {}) });
            const path = `/stores/prices/key/versions?${params.toString()}`;
            const [fromA, fromB] = [await r.get('a')!.answer(new URL(path, 'http://x'), false), await r.get('b')!.answer(new URL(path, 'http://x'), false)];
            expect(fromB.body).toEqual(fromA.body);
            expect(fromA.servedBy).toBe(`${owner[partitionOf(key)]!.host}:${owner[partitionOf(key)]!.port}`);
            expect(fromA).toMatchObject({ status: 200, body: { store: 'prices', entries: model.getVersions(key, { fromTime: from, toTime: to, order }).map((v) => entry(key, v)) } });
            // VersionedKeyQuery as of `to` (or the latest): the version the model holds then
            const asOf = await r.get('b')!.answer(new URL(`/stores/prices/key?key=${key}${to !== undefined ? `&asOf=${to}` : ''}`, 'http://x'), false);
            const want = model.get(key, to);
            if (want === null) expect(asOf).toMatchObject({ status: 404, body: { error: { code: 'KEY_NOT_FOUND' } } });
            else expect(asOf).toMatchObject({ status: 200, body: { store: 'prices', ...entry(key, want) } });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects an empty range or an unknown order with a 400; an unknown key has no versions', async () => {
    const { stores } = await partitions([]);
    const r = routers(stores, [A, A, B, B]);
    const ask = (path: string) => r.get('a')!.answer(new URL(path, 'http://x'), false);
    expect(await ask('/stores/prices/key/versions?key=plum&from=9&to=3')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/"from" \(9\) is after "to" \(3\)/) } } });
    expect(await ask('/stores/prices/key/versions?key=plum&order=up')).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/"order" must be "ascending" or "descending"/) } } });
    expect(await ask('/stores/prices/key/versions?key=plum')).toMatchObject({ status: 200, body: { entries: [] } });
  });
});
