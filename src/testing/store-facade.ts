/*
 * The view of a DSL table store that TopologyTestDriver.getKeyValueStore returns. DSL stores
 * hold ValueAndTimestamp<V>; tests want the plain values, as Kafka's driver gives them through
 * its KeyValueStoreFacade. Writes through the facade stamp the current wall-clock time.
 */
import type { ValueAndTimestamp } from '../streams/dsl/ops/value-and-timestamp.ts';
import type { KeyValue, KeyValueIterator, KeyValueStore, StoreContext } from '../streams/state/store-types.ts';

function mapIterator<K, V>(inner: KeyValueIterator<K, ValueAndTimestamp<V>>): KeyValueIterator<K, V> {
  const it: KeyValueIterator<K, V> = {
    next(): IteratorResult<KeyValue<K, V>> {
      const r = inner.next();
      if (r.done) return { done: true, value: undefined };
      return { done: false, value: { key: r.value.key, value: r.value.value.value } };
    },
    close: () => inner.close(),
    [Symbol.iterator]() {
      return it;
    },
  };
  return it;
}

export class TimestampedStoreFacade<K, V> implements KeyValueStore<K, V> {
  constructor(
    private readonly inner: KeyValueStore<K, ValueAndTimestamp<V>>,
    private readonly now: () => number,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  init(context: StoreContext): Promise<void> {
    return this.inner.init(context);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  isOpen(): boolean {
    return this.inner.isOpen();
  }

  get(key: K): V | undefined {
    const v = this.inner.get(key);
    return v === undefined || v === null ? undefined : v.value;
  }
  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return mapIterator(this.inner.range(from, to));
  }
  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return mapIterator(this.inner.reverseRange(from, to));
  }
  all(): KeyValueIterator<K, V> {
    return mapIterator(this.inner.all());
  }
  reverseAll(): KeyValueIterator<K, V> {
    return mapIterator(this.inner.reverseAll());
  }
  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<K, V> {
    return mapIterator(this.inner.prefixScan(prefix, prefixSerializer));
  }
  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  put(key: K, value: V | null): void {
    this.inner.put(key, value === null ? null : { value, timestamp: this.now() });
  }
  putIfAbsent(key: K, value: V): V | undefined {
    const old = this.inner.putIfAbsent(key, { value, timestamp: this.now() });
    return old === undefined || old === null ? undefined : old.value;
  }
  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): void {
    for (const e of entries) this.put(e.key, e.value);
  }
  delete(key: K): V | undefined {
    const old = this.inner.delete(key);
    return old === undefined || old === null ? undefined : old.value;
  }
}
