/*
 * The plain-value view of a timestamped window store (the stores of DSL time/sliding windowed
 * aggregations hold ValueAndTimestamp<V>), as Kafka's TopologyTestDriver.getWindowStore gives
 * it: reads strip the timestamps; a put through the view stamps the given wall-clock time.
 * Also `windowStoreView` / `sessionStoreView`: pick the right view of a task's store by name.
 */
import type { Windowed } from '../../serde/windowed-serdes.ts';
import { DelegatingStateStore, unwrapTimestamped as unwrap } from '../delegating-state-store.ts';
import type { KeyValueIterator, StateStore } from '../store-types.ts';
import type { ValueAndTimestamp } from '../value-and-timestamp.ts';
import type { SessionStore, WindowStore, WindowStoreIterator } from './window-store-types.ts';

export class TimestampedWindowStoreFacade<K, V>
  extends DelegatingStateStore<WindowStore<K, ValueAndTimestamp<V>>>
  implements WindowStore<K, V>
{
  constructor(
    inner: WindowStore<K, ValueAndTimestamp<V>>,
    private readonly now: () => number,
  ) {
    super(inner);
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }
  get retentionMs(): number {
    return this.inner.retentionMs;
  }
  get retainDuplicates(): boolean {
    return this.inner.retainDuplicates;
  }
  put(key: K, value: V | null, windowStart: number): void {
    this.inner.put(key, value === null ? null : { value, timestamp: this.now() }, windowStart);
  }

  fetch(key: K, windowStart: number): V | undefined;
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  fetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  fetch(
    key: K | null | undefined,
    a: K | number | null | undefined,
    b?: number,
    c?: number,
  ): V | undefined | WindowStoreIterator<V> | KeyValueIterator<Windowed<K>, V> {
    if (c !== undefined) return unwrap(this.inner.fetch(key, a as K | null | undefined, b!, c));
    if (b === undefined) return this.inner.fetch(key as K, a as number)?.value;
    return unwrap(this.inner.fetch(key as K, a as number, b));
  }
  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  backwardFetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  backwardFetch(key: K | null | undefined, a: K | number | null | undefined, b: number, c?: number): WindowStoreIterator<V> | KeyValueIterator<Windowed<K>, V> {
    if (c !== undefined) return unwrap(this.inner.backwardFetch(key, a as K | null | undefined, b, c));
    return unwrap(this.inner.backwardFetch(key as K, a as number, b));
  }
  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return unwrap(this.inner.fetchAll(timeFrom, timeTo));
  }
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return unwrap(this.inner.backwardFetchAll(timeFrom, timeTo));
  }
  all(): KeyValueIterator<Windowed<K>, V> {
    return unwrap(this.inner.all());
  }
  backwardAll(): KeyValueIterator<Windowed<K>, V> {
    return unwrap(this.inner.backwardAll());
  }
}

function isWindowStore(store: StateStore): store is WindowStore<unknown, unknown> {
  return typeof (store as Partial<WindowStore<unknown, unknown>>).backwardFetchAll === 'function';
}

function isSessionStore(store: StateStore): store is SessionStore<unknown, unknown> {
  return typeof (store as Partial<SessionStore<unknown, unknown>>).findSessions === 'function';
}

/** A task store as a window store (plain values when `timestamped`), or undefined if it is not one. */
export function windowStoreView<K, V>(store: StateStore, timestamped: boolean, now: () => number): WindowStore<K, V> | undefined {
  if (!isWindowStore(store)) return undefined;
  if (timestamped) return new TimestampedWindowStoreFacade<K, V>(store as WindowStore<K, ValueAndTimestamp<V>>, now);
  return store as WindowStore<K, V>;
}

export function sessionStoreView<K, V>(store: StateStore): SessionStore<K, V> | undefined {
  return isSessionStore(store) ? (store as SessionStore<K, V>) : undefined;
}
