// One store partition answering IQv2 queries: key and range queries against a reference Map
// (fast-check), and each failure reason a store partition can give.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Position, PositionBound } from '../../../../src/streams/iq/v2/position.ts';
import { KeyQuery, RangeQuery, TimestampedKeyQuery, TimestampedRangeQuery, WindowKeyQuery } from '../../../../src/streams/iq/v2/queries.ts';
import { FailureReason } from '../../../../src/streams/iq/v2/state-query.ts';
import { runStoreQuery, type StorePartition } from '../../../../src/streams/iq/v2/store-query.ts';
import type { KeyValue, KeyValueIterator, StateStore } from '../../../../src/streams/state/store-types.ts';
import { VersionedKeyQuery } from '../../../../src/streams/state/versioned/versioned-queries.ts';

type Row = { value: number; timestamp: number };

function iterator<V>(entries: Array<KeyValue<string, V>>): KeyValueIterator<string, V> {
  const it = entries[Symbol.iterator]();
  return Object.assign(it, { close() {} }) as unknown as KeyValueIterator<string, V>;
}

/** A DSL-like key-value store over a Map of ValueAndTimestamp rows (keys compared as bytes). */
function kvStore(data: Map<string, Row>, fail = false): StateStore {
  const cmp = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
  const inRange = (k: string, from?: string, to?: string) => (from === undefined || cmp(k, from) >= 0) && (to === undefined || cmp(k, to) <= 0);
  const sorted = (from?: string, to?: string) => [...data].filter(([k]) => inRange(k, from, to)).sort(([x], [y]) => cmp(x, y)).map(([key, value]) => ({ key, value }));
  return {
    name: 'counts',
    get: (k: string) => {
      if (fail) throw new Error('disk on fire');
      return data.get(k);
    },
    range: (from?: string, to?: string) => iterator(sorted(from, to)),
    reverseRange: (from?: string, to?: string) => iterator(sorted(from, to).reverse()),
  } as unknown as StateStore;
}

const sp = (store: StateStore, position = Position.emptyPosition(), timestamped = true): StorePartition => ({ store, storeName: 'counts', partition: 0, position, timestamped });

describe('runStoreQuery on a key-value store partition', () => {
  const data = fc.dictionary(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 99 }));

  it('KeyQuery / TimestampedKeyQuery answer the reference row (plain vs { value, timestamp })', () => {
    fc.assert(
      fc.property(data, fc.string({ maxLength: 3 }), (d, key) => {
        const m = new Map(Object.entries(d).map(([k, v]) => [k, { value: v, timestamp: v * 10 }]));
        const row = m.get(key);
        expect(runStoreQuery(sp(kvStore(m)), KeyQuery.withKey(key), PositionBound.unbounded()).getResult()).toBe(row?.value ?? null);
        expect(runStoreQuery(sp(kvStore(m)), TimestampedKeyQuery.withKey(key), PositionBound.unbounded()).getResult()).toEqual(row ?? null);
      }),
    );
  });

  it('RangeQuery answers the reference entries in byte order, reversed when descending', () => {
    fc.assert(
      fc.property(data, fc.option(fc.string({ maxLength: 2 }), { nil: undefined }), fc.option(fc.string({ maxLength: 2 }), { nil: undefined }), fc.boolean(), (d, lo, hi, desc) => {
        const m = new Map(Object.entries(d).map(([k, v]) => [k, { value: v, timestamp: 1 }]));
        const cmp = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
        let ref = [...m.keys()].filter((k) => (lo === undefined || cmp(k, lo) >= 0) && (hi === undefined || cmp(k, hi) <= 0)).sort(cmp);
        if (desc) ref = ref.reverse();
        const q = desc ? RangeQuery.withRange(lo, hi).withDescendingKeys() : RangeQuery.withRange(lo, hi);
        expect(runStoreQuery(sp(kvStore(m)), q, PositionBound.unbounded()).getResult()).toEqual(ref.map((k) => ({ key: k, value: m.get(k)!.value })));
        const tq = desc ? TimestampedRangeQuery.withRange(lo, hi).withDescendingKeys() : TimestampedRangeQuery.withRange(lo, hi);
        expect(runStoreQuery(sp(kvStore(m)), tq, PositionBound.unbounded()).getResult()).toEqual(ref.map((k) => ({ key: k, value: m.get(k) })));
      }),
    );
  });
});

describe('runStoreQuery failure reasons', () => {
  const m = new Map([['a', { value: 1, timestamp: 5 }]]);

  it('NOT_UP_TO_BOUND when the partition has not seen the bound; the answer carries its position', () => {
    const seen = Position.emptyPosition().withComponent('in', 0, 4);
    const r = runStoreQuery(sp(kvStore(m), seen), KeyQuery.withKey('a'), PositionBound.at(Position.emptyPosition().withComponent('in', 0, 5)));
    expect(r.getFailureReason()).toBe(FailureReason.NOT_UP_TO_BOUND);
    expect(r.getFailureMessage()).toBe('For store partition 0, the current position Position{position={in={0=4}}} is not yet up to the bound PositionBound{position=Position{position={in={0=5}}}}');
    expect(r.getPosition()!.toString()).toBe(seen.toString());
    const ok = runStoreQuery(sp(kvStore(m), seen), KeyQuery.withKey('a'), PositionBound.at(Position.emptyPosition().withComponent('in', 0, 4)));
    expect(ok.getResult()).toBe(1);
  });

  it('UNKNOWN_QUERY_TYPE for a query the store kind cannot run', () => {
    const window = runStoreQuery(sp(kvStore(m)), WindowKeyQuery.withKeyAndWindowStartRange('a', 0, 1), PositionBound.unbounded());
    expect(window.getFailureReason()).toBe(FailureReason.UNKNOWN_QUERY_TYPE);
    expect(window.getFailureMessage()).toMatch(/^This store \(counts, a keyValue store\) doesn't know how to execute the given query \(WindowKeyQuery\)/);
    expect(runStoreQuery(sp(kvStore(m)), VersionedKeyQuery.withKey('a'), PositionBound.unbounded()).getFailureReason()).toBe(FailureReason.UNKNOWN_QUERY_TYPE);
    // a store without timestamps cannot answer the timestamped queries
    expect(runStoreQuery(sp(kvStore(m), undefined, false), TimestampedKeyQuery.withKey('a'), PositionBound.unbounded()).getFailureReason()).toBe(FailureReason.UNKNOWN_QUERY_TYPE);
  });

  it('STORE_EXCEPTION when the store throws', () => {
    const r = runStoreQuery(sp(kvStore(m, true)), KeyQuery.withKey('a'), PositionBound.unbounded());
    expect(r.getFailureReason()).toBe(FailureReason.STORE_EXCEPTION);
    expect(r.getFailureMessage()).toBe('Error: disk on fire');
  });
});
