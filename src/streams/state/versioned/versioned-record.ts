/*
 * The contract of versioned key-value stores — Kafka Streams' VersionedKeyValueStore and
 * VersionedRecord (KIP-889). A versioned store keeps, per key, the history of its values by
 * timestamp: a put at timestamp t creates the version valid from t until the next version's
 * timestamp (validTo, exclusive), so `get(key, asOf)` answers "what was the value at time asOf".
 *
 * Semantics (every implementation, and the reference model in the tests):
 *  - observed stream time = the largest timestamp put (or restored) so far; it never goes back.
 *  - history retention H doubles as the grace period: a put or delete with
 *    timestamp < observed − H is rejected (PUT_RETURN_CODE_NOT_PUT / null).
 *  - put(key, value, t) inserts the version (a null value is a tombstone: "no value from t");
 *    a version with the same timestamp is replaced. Returns the new version's validTo, or
 *    PUT_RETURN_CODE_VALID_TO_UNDEFINED (-1) when it is the latest version.
 *  - get(key) is the latest version, or null when there is none or it is a tombstone. The
 *    latest version never expires.
 *  - get(key, asOf) is the version with the largest timestamp ≤ asOf (null for a tombstone or
 *    none). When asOf < observed − H, only the latest version may answer (if its timestamp ≤
 *    asOf); older history is treated as gone even if it is still stored.
 *  - delete(key, t) = get(key, t) followed by put(key, null, t); null when t is out of grace.
 */
import type { StateStore } from '../store-types.ts';
import type { VersionsRange } from './versioned-queries.ts';

/** put() returned this: the record is the latest version of its key (Kafka's -1L). */
export const PUT_RETURN_CODE_VALID_TO_UNDEFINED = -1;
/** put() returned this: the record was older than the grace period and was not put (Kafka's Long.MIN_VALUE, exact as a double). */
export const PUT_RETURN_CODE_NOT_PUT = -(2 ** 63);

/** One version of a key: its value, the timestamp it is valid from, and until when (exclusive; absent = latest). */
export interface VersionedRecord<V> {
  readonly value: V;
  readonly timestamp: number;
  readonly validTo?: number;
}

export interface ReadOnlyVersionedKeyValueStore<K, V> {
  /** The latest version, or null (no version, or the latest is a tombstone). */
  get(key: K): VersionedRecord<V> | null;
  /** The version valid at `asOfTimestamp` (inclusive), or null. */
  get(key: K, asOfTimestamp: number): VersionedRecord<V> | null;
  /**
   * The versions valid at some time in [fromTime, toTime] (either bound open), tombstones left
   * out, by validFrom — newest first unless order is ascending (MultiVersionedKeyQuery, KIP-968).
   * History older than observed − H is gone, as for get(key, asOf).
   */
  getVersions(key: K, range?: VersionsRange): Array<VersionedRecord<V>>;
}

export interface VersionedKeyValueStore<K, V> extends StateStore, ReadOnlyVersionedKeyValueStore<K, V> {
  /** Adds a version; returns its validTo, PUT_RETURN_CODE_VALID_TO_UNDEFINED or PUT_RETURN_CODE_NOT_PUT. */
  put(key: K, value: V | null, timestamp: number): number;
  /** Adds a tombstone at `timestamp`; returns the version that was valid then, or null. */
  delete(key: K, timestamp: number): VersionedRecord<V> | null;
  /** History retention (= grace period) in ms. */
  readonly historyRetentionMs: number;
}

/** True for a store built by a versioned store builder (the DSL checks this to choose KTable semantics). */
export function isVersionedStore(store: unknown): store is VersionedKeyValueStore<unknown, unknown> {
  return typeof store === 'object' && store !== null && typeof (store as { historyRetentionMs?: unknown }).historyRetentionMs === 'number';
}

/** Rejects timestamps a versioned store cannot order: not a whole number of ms, or negative. */
export function checkVersionTimestamp(store: string, what: string, timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`versioned store "${store}": ${what} needs a timestamp that is a non-negative whole number of ms, got ${String(timestamp)}`);
  }
}
