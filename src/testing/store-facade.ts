/*
 * The view of a DSL table store that TopologyTestDriver.getKeyValueStore returns. DSL stores
 * hold ValueAndTimestamp<V>; tests want the plain values, as Kafka's driver gives them through
 * its KeyValueStoreFacade. Writes through the facade stamp the current wall-clock time.
 * Lifecycle forwarding and unwrapping are shared with the other store views
 * (delegating-state-store.ts).
 */
import type { ValueAndTimestamp } from '../streams/state/value-and-timestamp.ts';
import { DelegatingStateStore, plainValue, unwrapTimestamped } from '../streams/state/delegating-state-store.ts';
import type { KeyValue, KeyValueIterator, KeyValueStore } from '../streams/state/store-types.ts';

export class TimestampedStoreFacade<K, V>
  extends DelegatingStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>
  implements KeyValueStore<K, V>
{
  constructor(
    inner: KeyValueStore<K, ValueAndTimestamp<V>>,
    private readonly now: () => number,
  ) {
    super(inner);
  }

  get(key: K): V | undefined {
    return plainValue(this.inner.get(key));
  }
  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return unwrapTimestamped(this.inner.range(from, to));
  }
  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return unwrapTimestamped(this.inner.reverseRange(from, to));
  }
  all(): KeyValueIterator<K, V> {
    return unwrapTimestamped(this.inner.all());
  }
  reverseAll(): KeyValueIterator<K, V> {
    return unwrapTimestamped(this.inner.reverseAll());
  }
  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<K, V> {
    return unwrapTimestamped(this.inner.prefixScan(prefix, prefixSerializer));
  }
  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  put(key: K, value: V | null): void {
    this.inner.put(key, value === null ? null : { value, timestamp: this.now() });
  }
  putIfAbsent(key: K, value: V): V | undefined {
    return plainValue(this.inner.putIfAbsent(key, { value, timestamp: this.now() }));
  }
  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): void {
    for (const e of entries) this.put(e.key, e.value);
  }
  delete(key: K): V | undefined {
    return plainValue(this.inner.delete(key));
  }
}
