/*
 * One store partition answers one IQv2 query — Kafka's StateStore.query() with
 * StoreQueryUtils.handleBasicQueries, over Tributary's store layers.
 *
 * Phases:
 *   1. position bound: a partition that has not seen the bound answers NOT_UP_TO_BOUND
 *      (position.ts, isPermitted);
 *   2. dispatch by store kind (query-host.ts classifyStore) and query type; a pair the store
 *      cannot run answers UNKNOWN_QUERY_TYPE with Kafka's message (e.g. a KeyQuery on a
 *      versioned store, a timestamped query on a store without timestamps);
 *   3. run it; a throw becomes STORE_EXCEPTION with the error's message.
 * Every result carries the partition's position (the store's own: iq/v2/store-position.ts).
 * With execution info asked for, the result gets one line naming the store's layers (outermost
 * first), its partition and the nanoseconds spent — what Kafka's layers each add as "Handled in
 * class … in …ns". DSL stores hold ValueAndTimestamp<V>: the plain
 * queries unwrap to V, the Timestamped* ones keep { value, timestamp }.
 */
import type { KeyValue, KeyValueIterator, ReadOnlyKeyValueStore, StateStore } from '../../state/store-types.ts';
import type { ReadOnlySessionStore, ReadOnlyWindowStore } from '../../state/window/window-store-types.ts';
import { asVersionedTable } from '../../state/versioned/versioned-table-store.ts';
import { versionedOf } from '../../runtime/queryable-stores.ts';
import { classifyStore, StoreKinds, type StoreKind } from '../query-host.ts';
import { isPermitted, type Position, type PositionBound } from './position.ts';
import type { Query } from './queries.ts';
import { FailureReason, QueryResult } from './state-query.ts';

export interface StorePartition {
  readonly store: StateStore;
  readonly storeName: string;
  readonly partition: number;
  readonly position: Position;
  /** The store holds ValueAndTimestamp<V> (DSL tables and windowed aggregates). */
  readonly timestamped: boolean;
}

type Row = { value: unknown; timestamp: number };

function drain<K, V, T>(it: KeyValueIterator<K, V>, map: (kv: KeyValue<K, V>) => T): T[] {
  const out: T[] = [];
  try {
    for (let step = it.next(); step.done !== true; step = it.next()) out.push(map(step.value));
  } finally {
    it.close?.();
  }
  return out;
}

export function runStoreQuery<R>(sp: StorePartition, query: Query, bound: PositionBound, collectExecutionInfo = false): QueryResult<R> {
  const start = collectExecutionInfo ? process.hrtime.bigint() : 0n;
  let result: QueryResult<R>;
  if (!isPermitted(sp.position, bound, sp.partition)) {
    result = QueryResult.notUpToBound<R>(sp.position, bound, sp.partition);
  } else {
    try {
      const kind: StoreKind | undefined = asVersionedTable(sp.store) !== undefined ? StoreKinds.VERSIONED : classifyStore(sp.store);
      const answer = dispatch(sp, kind, query);
      result = answer === UNKNOWN ? QueryResult.forUnknownQueryType<R>(query, `${sp.storeName}, a ${kind ?? 'custom'} store`) : QueryResult.forResult(answer as R);
    } catch (e) {
      result = QueryResult.forFailure<R>(FailureReason.STORE_EXCEPTION, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  }
  result.setPosition(sp.position.copy());
  if (collectExecutionInfo) {
    result.addExecutionInfo(`Handled in ${describeLayers(sp.store)} (store ${sp.storeName}, partition ${sp.partition}) in ${process.hrtime.bigint() - start}ns`);
  }
  return result;
}

/** The store's layers, outermost first ("MeteredKeyValueStore > CachingKeyValueStore > …"). */
export function describeLayers(store: StateStore): string {
  const names: string[] = [];
  let layer: unknown = store;
  // The decorators keep the layer below as `inner` (delegating-state-store.ts); bounded for safety.
  while (typeof layer === 'object' && layer !== null && names.length < 16) {
    names.push(layer.constructor.name);
    layer = (layer as { inner?: unknown }).inner;
  }
  return names.join(' > ');
}

const UNKNOWN = Symbol('unknown query type');

function dispatch(sp: StorePartition, kind: StoreKind | undefined, q: Query): unknown {
  const plain = (v: unknown) => (sp.timestamped && v !== null && v !== undefined ? (v as Row).value : v);
  const stamped = (v: unknown): Row | null => (v === null || v === undefined ? null : { value: (v as Row).value, timestamp: (v as Row).timestamp });
  switch (kind) {
    case StoreKinds.KEY_VALUE: {
      const s = sp.store as unknown as ReadOnlyKeyValueStore<unknown, unknown>;
      if (q.type === 'KeyQuery') return plain(s.get(q.key)) ?? null;
      if (q.type === 'RangeQuery' || q.type === 'TimestampedRangeQuery') {
        if (q.type === 'TimestampedRangeQuery' && !sp.timestamped) return UNKNOWN;
        const it = q.descending ? s.reverseRange(q.lower, q.upper) : s.range(q.lower, q.upper);
        return drain(it, (kv) => ({ key: kv.key, value: q.type === 'RangeQuery' ? plain(kv.value) : stamped(kv.value) }));
      }
      if (q.type === 'TimestampedKeyQuery') return sp.timestamped ? stamped(s.get(q.key)) : UNKNOWN;
      return UNKNOWN;
    }
    case StoreKinds.WINDOW: {
      const s = sp.store as unknown as ReadOnlyWindowStore<unknown, unknown>;
      if (q.type === 'WindowKeyQuery') return drain(s.fetch(q.key, q.timeFrom, q.timeTo), (kv) => ({ key: kv.key, value: plain(kv.value) }));
      if (q.type === 'WindowRangeQuery' && q.key === undefined) return drain(s.fetchAll(q.timeFrom!, q.timeTo!), (kv) => ({ key: kv.key, value: plain(kv.value) }));
      return UNKNOWN;
    }
    case StoreKinds.SESSION: {
      const s = sp.store as unknown as ReadOnlySessionStore<unknown, unknown>;
      if (q.type === 'WindowRangeQuery' && q.key !== undefined) return drain(s.fetch(q.key), (kv) => ({ key: kv.key, value: kv.value }));
      return UNKNOWN;
    }
    case StoreKinds.VERSIONED: {
      const s = versionedOf<unknown, unknown>(sp.store);
      if (q.type === 'VersionedKeyQuery') return q.asOfTime === undefined ? s.get(q.key) : s.get(q.key, q.asOfTime);
      if (q.type === 'MultiVersionedKeyQuery') return s.getVersions(q.key, q.range);
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}
