// The in-process versioned store view (QueryableStoreTypes.versionedKeyValueStore): Kafka's IQv2
// VersionedKeyQuery / MultiVersionedKeyQuery (KIP-960, KIP-968) over the stores of several local
// tasks, a key answered by the one task that holds it; the query objects still work after the
// structured clone that carries them to a worker stream thread.
import { describe, expect, it } from 'vitest';
import { InvalidStateStoreError, QueryableStoreTypes, queryableStore } from '../../../src/streams/runtime/queryable-stores.ts';
import { mergeQueryOutcomes, runStoreQuery } from '../../../src/streams/runtime/threads/cross-thread-store.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import { Stores } from '../../../src/streams/state/stores.ts';
import type { StateStore } from '../../../src/streams/state/store-types.ts';
import { MultiVersionedKeyQuery, VersionedKeyQuery } from '../../../src/streams/state/versioned/versioned-queries.ts';
import { makeContext } from '../state/store-suite.ts';

async function versionedTask(puts: Array<[string, string | null, number]>) {
  const s = Stores.versionedKeyValueStoreBuilder(Stores.inMemoryVersionedKeyValueStore('prices', 10_000, 100), Serdes.string(), Serdes.string()).withLoggingDisabled().build();
  await s.init(makeContext('/nonexistent', [], new Map(), { now: 0 }));
  for (const [k, v, t] of puts) s.put(k, v, t);
  return s;
}

async function twoTasks() {
  // one task per partition: plum lives in the second, fig in the first
  return [await versionedTask([['fig', '3', 100]]), await versionedTask([['plum', '10', 1000], ['plum', '12', 2000], ['plum', '15', 3000]])];
}

const view = (stores: StateStore[]) => queryableStore({ stores: () => stores, isTimestamped: () => true }, 'prices', QueryableStoreTypes.versionedKeyValueStore<string, string>());

describe('QueryableStoreTypes.versionedKeyValueStore', () => {
  it('VersionedKeyQuery: the latest version, or the one valid at asOf, from the task holding the key', async () => {
    const v = view(await twoTasks());
    expect(v.query(VersionedKeyQuery.withKey('plum'))).toEqual({ value: '15', timestamp: 3000 });
    expect(v.query(VersionedKeyQuery.withKey('plum').asOf(1999))).toEqual({ value: '10', timestamp: 1000, validTo: 2000 });
    expect(v.query(VersionedKeyQuery.withKey('plum').asOf(new Date(2000)))).toEqual({ value: '12', timestamp: 2000, validTo: 3000 });
    expect(v.query(VersionedKeyQuery.withKey('plum').asOf(999))).toBeNull();
    expect(v.get('fig')).toEqual({ value: '3', timestamp: 100 });
    expect(v.get('kiwi')).toBeNull();
  });

  it('MultiVersionedKeyQuery: the versions valid in [from, to], newest first unless ascending', async () => {
    const v = view(await twoTasks());
    expect(v.query(MultiVersionedKeyQuery.withKey('plum').fromTime(1500).toTime(2500))).toEqual([
      { value: '12', timestamp: 2000, validTo: 3000 },
      { value: '10', timestamp: 1000, validTo: 2000 },
    ]);
    expect(v.query(MultiVersionedKeyQuery.withKey('plum').withAscendingTimestamps()).map((r) => r.value)).toEqual(['10', '12', '15']);
    expect(v.query(MultiVersionedKeyQuery.withKey('plum').toTime(500))).toEqual([]);
    expect(v.getVersions('fig')).toEqual([{ value: '3', timestamp: 100 }]);
  });

  it('answers the same across a structured clone (a worker stream thread), merged as the async view merges', async () => {
    const [t0, t1] = await twoTasks();
    const q = structuredClone(MultiVersionedKeyQuery.withKey('plum').fromTime(2500).withAscendingTimestamps());
    const outcomes = [runStoreQuery(view([t0!]), 'query', [q]), runStoreQuery(view([t1!]), 'query', [q])];
    expect(mergeQueryOutcomes('query', outcomes)).toEqual([
      { value: '12', timestamp: 2000, validTo: 3000 },
      { value: '15', timestamp: 3000 },
    ]);
    const one = structuredClone(VersionedKeyQuery.withKey('plum').asOf(1000));
    expect(mergeQueryOutcomes('query', [runStoreQuery(view([t0!]), 'query', [one]), runStoreQuery(view([t1!]), 'query', [one])])).toEqual({ value: '10', timestamp: 1000, validTo: 2000 });
  });

  it('names the problem: a store that is not versioned, no local task, a query of another kind', async () => {
    const kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('prices'), Serdes.string(), Serdes.string()).withLoggingDisabled().build();
    expect(() => view([kv]).get('plum')).toThrow(/"prices" is not a versioned key-value store/);
    expect(() => view([]).get('plum')).toThrow(InvalidStateStoreError);
    const tasks = await twoTasks();
    expect(() => view(tasks).query({ type: 'RangeQuery' } as never)).toThrow(/answers VersionedKeyQuery and MultiVersionedKeyQuery, not "RangeQuery"/);
  });
});
