/*
 * The typed contracts processors use for windowed state — Kafka Streams' WindowStore and
 * SessionStore. Like key-value stores (store-types.ts), every read and write is synchronous;
 * iterators are KeyValueIterators (close them, or iterate to the end).
 *
 * Window store: values by (key, window start). A window's end is start + the store's window
 * size. `retainDuplicates` stores (stream-stream joins) keep every put as its own entry.
 * Session store: aggregates by (key, session [start, end]), both bounds inclusive.
 * Time ranges are inclusive on both ends; entries older than observed stream time − retention
 * are never returned.
 *
 * Key ranges (Kafka's fetch(keyFrom, keyTo, timeFrom, timeTo)) compare SERIALIZED keys as
 * unsigned bytes, like Kafka: a serde whose bytes do not sort like its values (negative numbers
 * in the int serdes, for one) gives a byte range, not a value range. null (or undefined) for a
 * bound means unbounded (Kafka 2.8+); keyFrom > keyTo (in bytes) is an empty range. Results come
 * by (segment, key bytes, window start) — the order of Kafka's persistent (segmented) window
 * store; segments are time slices of the store's segment interval (default max(retention / 2,
 * 60 s)), so within one segment results are by key, then start.
 */
import type { Windowed } from '../../serde/windowed-serdes.ts';
import type { KeyValueIterator, StateStore } from '../store-types.ts';

/** Iterates (window start → value) for one key. */
export type WindowStoreIterator<V> = KeyValueIterator<number, V>;

export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `windowStart`, if any. */
  fetch(key: K, windowStart: number): V | undefined;
  /** `key`'s windows with timeFrom <= start <= timeTo, oldest first. */
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  /** Every window of keys in [keyFrom, keyTo] with timeFrom <= start <= timeTo (see the header). */
  fetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  /** The same, newest first. */
  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  /** The key-range fetch in exactly the reverse order. */
  backwardFetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  /** Every key's windows with timeFrom <= start <= timeTo, by (start, key bytes). */
  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  all(): KeyValueIterator<Windowed<K>, V>;
  backwardAll(): KeyValueIterator<Windowed<K>, V>;
}

export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  readonly retainDuplicates: boolean;
  /** Puts (or with null deletes) the value of `key` in the window starting at `windowStart`. */
  put(key: K, value: V | null, windowStart: number): void;
}

export interface ReadOnlySessionStore<K, V> {
  /** The aggregate of exactly this session, if stored. */
  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined;
  /** Sessions of `key` with end >= earliestSessionEnd and start <= latestSessionStart, by (end, start). */
  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): KeyValueIterator<Windowed<K>, V>;
  backwardFindSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): KeyValueIterator<Windowed<K>, V>;
  /** Every key's sessions whose end is in [earliestSessionEnd, latestSessionEnd], by (end, key bytes, start). */
  findSessionsByEndTime(earliestSessionEnd: number, latestSessionEnd: number): KeyValueIterator<Windowed<K>, V>;
  /** All sessions of `key`. */
  fetch(key: K): KeyValueIterator<Windowed<K>, V>;
  all(): KeyValueIterator<Windowed<K>, V>;
}

export interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
  readonly retentionMs: number;
  put(sessionKey: Windowed<K>, aggregate: V | null): void;
  remove(sessionKey: Windowed<K>): void;
}
