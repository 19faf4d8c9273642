/*
 * MeteredWindowStore / MeteredSessionStore: the typed stores processors see — serdes over the
 * bytes-level WindowBytesStore / SessionBytesStore, plus the store metrics (one
 * `record(store, op)` per operation, as MeteredKeyValueStore) and the expired-record counter
 * (Kafka's `expired-window-record-drop` sensor): a put older than retention is not stored, is
 * counted here and logged once per store with the time and the retention bound.
 *
 * Key-range fetches (fetch/backwardFetch with keyFrom, keyTo) serialize both bounds (null =
 * unbounded) and compare the bytes; an inverted range returns nothing and warns once per store,
 * as Kafka's segmented stores do per call. Null keys are rejected on put and point fetches.
 *
 * Serde topic: the store's changelog topic, or `<applicationId>-<store>-changelog` when the
 * store is not logged — as Kafka Streams passes it to serdes.
 *
 * setFlushListener(listener, sendOldValues): with a record cache below, `listener` gets each
 * flushed entry typed — (windowed key, new value or null, old value or null, the timestamp of
 * the write that made it dirty) — and the call returns true; without a cache it returns false
 * (Kafka's WrappedStateStore.setFlushListener contract, used by the DSL's windowed aggregations).
 *
 * The runtime's hooks (flushCache, commit, committedChangelogOffset, restore) delegate to the
 * bytes store, so the task treats a windowed store like any other stack; the serde topic,
 * init() and those hooks are shared with MeteredKeyValueStore (metered-store-base.ts).
 */
import type { Serde } from '../../serde/serde.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import type { RestoreRecord } from '../bytes-store.ts';
import { MeteredStoreBase } from '../metered-store-base.ts';
import type { RecordHeaders } from '../../processor/record.ts';
import { FunctionKeyValueIterator } from '../kv-iterators.ts';
import type { KeyValue, KeyValueIterator } from '../store-types.ts';
import type { SegmentedStoreBase } from './segmented-store-base.ts';
import type { SessionBytesStore, SessionEntryBytes } from './session-bytes-store.ts';
import type { WindowBytesStore, WindowEntryBytes } from './window-bytes-store.ts';
import type { SessionStore, WindowStore, WindowStoreIterator } from './window-store-types.ts';
import { processLogger } from '../../../logging/logger.ts';

/** A typed flushed cache entry of a window or session store (see the file comment). */
export type WindowedFlushListener<K, V> = (key: Windowed<K>, newValue: V | null, oldValue: V | null, timestamp: number, headers: RecordHeaders) => void;

/** Deserializes one materialised entry per step. */
function lazy<T, K, V>(items: readonly T[], map: (item: T) => KeyValue<K, V>): KeyValueIterator<K, V> {
  let i = 0;
  return new FunctionKeyValueIterator<K, V>(() => (i < items.length ? map(items[i++]!) : undefined));
}

abstract class MeteredBase<S extends SegmentedStoreBase> extends MeteredStoreBase<S> {
  #expired = 0;
  #warned = false;
  /** Where the one-time expired-record warning goes (default the process logger). */
  warn: (message: string) => void = (m) => processLogger.warn(m, { store: this.name });

  get retentionMs(): number {
    return this.inner.retentionMs;
  }
  /** Max time put or restored (window start / session end); -1 when empty. */
  get observedStreamTime(): number {
    return this.inner.observedStreamTime;
  }
  /** Puts dropped because they were older than retention. */
  get expiredRecordsTotal(): number {
    return this.#expired;
  }

  override async flush(): Promise<void> {
    this.metrics.record(this.name, 'flush');
    await this.inner.flush();
  }
  override restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    this.metrics.record(this.name, 'restore', records.length);
    return this.inner.restore(records);
  }
  /** Registers a typed flush listener; `window(time, sub)` gives an entry's window bounds. */
  protected listen<K, V>(
    listener: WindowedFlushListener<K, V>,
    sendOldValues: boolean,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    window: (time: number, sub: number) => { start: number; end: number },
  ): boolean {
    const value = (bytes: Buffer | null): V | null => (bytes === null ? null : valueSerde.deserialize(this.topic, bytes));
    return this.inner.setFlushListener(
      (key, time, sub, newBytes, oldBytes, timestamp, headers) =>
        listener({ key: keySerde.deserialize(this.topic, key), window: window(time, sub) }, value(newBytes), value(oldBytes), timestamp, headers),
      sendOldValues,
    );
  }

  protected expired(time: number): void {
    this.#expired++;
    this.metrics.record(this.name, 'expired-window-record-drop');
    if (!this.#warned) {
      this.#warned = true;
      this.warn(
        `store "${this.name}": skipping record for expired segment (time ${time} is not after observed stream time ${this.inner.observedStreamTime} minus retention ${this.retentionMs} ms); later drops are counted silently`,
      );
    }
  }
}

export class MeteredWindowStore<K, V> extends MeteredBase<WindowBytesStore> implements WindowStore<K, V> {
  #warnedInverted = false;

  constructor(
    inner: WindowBytesStore,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    loggingEnabled: boolean,
  ) {
    super(inner, loggingEnabled);
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }
  get retainDuplicates(): boolean {
    return this.inner.retainDuplicates;
  }

  setFlushListener(listener: WindowedFlushListener<K, V>, sendOldValues: boolean): boolean {
    return this.listen(listener, sendOldValues, this.keySerde, this.valueSerde, (start) => windowOf(start, this.inner.windowSizeMs));
  }

  put(key: K, value: V | null, windowStart: number): void {
    this.metrics.record(this.name, 'put');
    const k = this.#key(key);
    const v = value === null ? null : this.valueSerde.serialize(this.topic, value);
    if (!this.inner.put(k, v, windowStart)) this.expired(windowStart);
    else this.position?.update();
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
    this.metrics.record(this.name, 'fetch');
    if (c !== undefined) return this.#keyRange(key, a as K | null | undefined, b!, c, false);
    const k = this.#key(key as K);
    if (b === undefined) {
      const v = this.inner.fetch(k, a as number);
      return v === undefined ? undefined : this.valueSerde.deserialize(this.topic, v);
    }
    return this.#byTime(this.inner.fetchRange(k, a as number, b, false));
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  backwardFetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  backwardFetch(key: K | null | undefined, a: K | number | null | undefined, b: number, c?: number): WindowStoreIterator<V> | KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'fetch');
    if (c !== undefined) return this.#keyRange(key, a as K | null | undefined, b, c, true);
    return this.#byTime(this.inner.fetchRange(this.#key(key as K), a as number, b, true));
  }

  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'fetch-all');
    return this.#windowed(this.inner.fetchAll(timeFrom, timeTo, false));
  }

  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'fetch-all');
    return this.#windowed(this.inner.fetchAll(timeFrom, timeTo, true));
  }

  all(): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'all');
    return this.#windowed(this.inner.all(false));
  }

  backwardAll(): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'all');
    return this.#windowed(this.inner.all(true));
  }

  #keyRange(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number, backward: boolean): KeyValueIterator<Windowed<K>, V> {
    const from = keyFrom === null || keyFrom === undefined ? undefined : this.#key(keyFrom);
    const to = keyTo === null || keyTo === undefined ? undefined : this.#key(keyTo);
    if (from !== undefined && to !== undefined && Buffer.compare(from, to) > 0) this.#invertedRange();
    return this.#windowed(this.inner.fetchKeyRange(from, to, timeFrom, timeTo, backward));
  }

  #key(key: K): Buffer {
    if (key === null || key === undefined) {
      throw new TypeError(`window store "${this.name}": keys must not be null or undefined (use the four-argument fetch with null bounds for an open key range)`);
    }
    return this.keySerde.serialize(this.topic, key);
  }

  /** Kafka logs this once per call; we log once per store (it is usually a serde ordering issue). */
  #invertedRange(): void {
    if (this.#warnedInverted) return;
    this.#warnedInverted = true;
    this.warn(
      `store "${this.name}": returning no results for a key-range fetch whose serialized keyFrom sorts after keyTo; the bounds may be swapped, or the key serde's bytes do not sort like its values (the int and long serdes put negative numbers after positive ones)`,
    );
  }

  #byTime(entries: WindowEntryBytes[]): WindowStoreIterator<V> {
    return lazy(entries, (e) => ({ key: e.time, value: this.valueSerde.deserialize(this.topic, e.value) }));
  }

  #windowed(entries: WindowEntryBytes[]): KeyValueIterator<Windowed<K>, V> {
    const size = this.inner.windowSizeMs;
    return lazy(entries, (e) => ({
      key: { key: this.keySerde.deserialize(this.topic, e.key), window: windowOf(e.time, size) },
      value: this.valueSerde.deserialize(this.topic, e.value),
    }));
  }
}

export class MeteredSessionStore<K, V> extends MeteredBase<SessionBytesStore> implements SessionStore<K, V> {
  constructor(
    inner: SessionBytesStore,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    loggingEnabled: boolean,
  ) {
    super(inner, loggingEnabled);
  }

  setFlushListener(listener: WindowedFlushListener<K, V>, sendOldValues: boolean): boolean {
    return this.listen(listener, sendOldValues, this.keySerde, this.valueSerde, (end, start) => ({ start, end }));
  }

  put(sessionKey: Windowed<K>, aggregate: V | null): void {
    this.metrics.record(this.name, 'put');
    const k = this.keySerde.serialize(this.topic, sessionKey.key);
    const v = aggregate === null ? null : this.valueSerde.serialize(this.topic, aggregate);
    if (!this.inner.put(k, sessionKey.window.start, sessionKey.window.end, v)) this.expired(sessionKey.window.end);
    else this.position?.update();
  }

  remove(sessionKey: Windowed<K>): void {
    this.metrics.record(this.name, 'remove');
    this.inner.remove(this.keySerde.serialize(this.topic, sessionKey.key), sessionKey.window.start, sessionKey.window.end);
    this.position?.update();
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined {
    this.metrics.record(this.name, 'fetch-session');
    const v = this.inner.fetchSession(this.keySerde.serialize(this.topic, key), sessionStart, sessionEnd);
    return v === undefined ? undefined : this.valueSerde.deserialize(this.topic, v);
  }

  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'find-sessions');
    return this.#sessions(this.inner.findSessions(this.keySerde.serialize(this.topic, key), earliestSessionEnd, latestSessionStart, false));
  }

  backwardFindSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'find-sessions');
    return this.#sessions(this.inner.findSessions(this.keySerde.serialize(this.topic, key), earliestSessionEnd, latestSessionStart, true));
  }

  findSessionsByEndTime(earliestSessionEnd: number, latestSessionEnd: number): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'find-sessions');
    return this.#sessions(this.inner.findSessionsByEnd(earliestSessionEnd, latestSessionEnd, false));
  }

  fetch(key: K): KeyValueIterator<Windowed<K>, V> {
    return this.findSessions(key, 0, Number.MAX_SAFE_INTEGER);
  }

  all(): KeyValueIterator<Windowed<K>, V> {
    this.metrics.record(this.name, 'all');
    return this.#sessions(this.inner.all(false));
  }

  #sessions(entries: SessionEntryBytes[]): KeyValueIterator<Windowed<K>, V> {
    return lazy(entries, (e) => ({
      key: { key: this.keySerde.deserialize(this.topic, e.key), window: { start: e.start, end: e.end } },
      value: this.valueSerde.deserialize(this.topic, e.value),
    }));
  }
}

/** A window's bounds from its start and size; the end saturates at the largest safe integer. */
function windowOf(start: number, size: number): { start: number; end: number } {
  return { start, end: start > Number.MAX_SAFE_INTEGER - size ? Number.MAX_SAFE_INTEGER : start + size };
}
