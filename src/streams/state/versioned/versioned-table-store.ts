/*
 * VersionedTableStore: a versioned store as a KTable's store — Kafka Streams' KeyValueStoreWrapper.
 * Table processors and value getters read and write tables as KeyValueStore<K,
 * ValueAndTimestamp<V>>; over a versioned store that view means:
 *   get(key)            the latest version as (value, timestamp), or undefined
 *   put(key, vt)        a version at vt.timestamp; put(key, null) a tombstone at the current
 *                       record's timestamp (the store context's clock)
 *   putVersioned(...)   the same with Kafka's put return code, which the table source needs to
 *                       tell an in-order update from an out-of-order one (KIP-914)
 *   getAsOf(key, t)     the version valid at t (stream–table joins on versioned tables)
 * Range queries do not exist on versioned stores (nor in Kafka Streams): they throw saying so.
 */
import { DelegatingRuntimeStore } from '../delegating-state-store.ts';
import type { KeyValue, KeyValueIterator, KeyValueStore, StoreContext } from '../store-types.ts';
import type { ValueAndTimestamp } from '../value-and-timestamp.ts';
import type { MeteredVersionedKeyValueStore } from './metered-versioned-store.ts';
import type { VersionedKeyValueStore, VersionedRecord } from './versioned-record.ts';

function toRow<V>(r: VersionedRecord<V> | null): ValueAndTimestamp<V> | undefined {
  return r === null ? undefined : { value: r.value, timestamp: r.timestamp };
}

export class VersionedTableStore<K, V> extends DelegatingRuntimeStore<MeteredVersionedKeyValueStore<K, V>> implements KeyValueStore<K, ValueAndTimestamp<V>> {
  #now: () => number = () => 0;

  /** The versioned store itself (interactive and driver access). */
  get versioned(): VersionedKeyValueStore<K, V> {
    return this.inner;
  }

  get historyRetentionMs(): number {
    return this.inner.historyRetentionMs;
  }

  override init(context: StoreContext): Promise<void> {
    this.#now = () => context.currentTimestamp();
    return this.inner.init(context);
  }

  get(key: K): ValueAndTimestamp<V> | undefined {
    return toRow(this.inner.get(key));
  }

  getAsOf(key: K, asOfTimestamp: number): ValueAndTimestamp<V> | undefined {
    return toRow(this.inner.get(key, asOfTimestamp));
  }

  putVersioned(key: K, value: V | null, timestamp: number): number {
    return this.inner.put(key, value, timestamp);
  }

  put(key: K, value: ValueAndTimestamp<V> | null): void {
    if (value === null) this.inner.put(key, null, this.#now());
    else this.inner.put(key, value.value, value.timestamp);
  }

  putIfAbsent(key: K, value: ValueAndTimestamp<V>): ValueAndTimestamp<V> | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<KeyValue<K, ValueAndTimestamp<V> | null>>): void {
    for (const e of entries) this.put(e.key, e.value);
  }

  delete(key: K): ValueAndTimestamp<V> | undefined {
    return toRow(this.inner.delete(key, this.#now()));
  }

  range(): KeyValueIterator<K, ValueAndTimestamp<V>> {
    return this.#noScans('range');
  }

  reverseRange(): KeyValueIterator<K, ValueAndTimestamp<V>> {
    return this.#noScans('reverseRange');
  }

  all(): KeyValueIterator<K, ValueAndTimestamp<V>> {
    return this.#noScans('all');
  }

  reverseAll(): KeyValueIterator<K, ValueAndTimestamp<V>> {
    return this.#noScans('reverseAll');
  }

  prefixScan(): KeyValueIterator<K, ValueAndTimestamp<V>> {
    return this.#noScans('prefixScan');
  }

  approximateNumEntries(): number {
    return this.#noScans('approximateNumEntries');
  }

  #noScans(op: string): never {
    throw new TypeError(`store "${this.name}" is a versioned store: it answers get(key) and get(key, asOfTimestamp), not ${op}() (as in Kafka Streams)`);
  }
}

/** The table-store view of a versioned store, when `store` is one. */
export function asVersionedTable<K, V>(store: unknown): VersionedTableStore<K, V> | undefined {
  return store instanceof VersionedTableStore ? (store as VersionedTableStore<K, V>) : undefined;
}
