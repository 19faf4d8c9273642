/*
 * Queries of a versioned store's past — Kafka Streams' IQv2 VersionedKeyQuery (KIP-960) and
 * MultiVersionedKeyQuery (KIP-968), as plain immutable objects:
 *
 *   VersionedKeyQuery.withKey(k)                    the latest version of k
 *   VersionedKeyQuery.withKey(k).asOf(t)            the version valid at t (validFrom ≤ t < validTo)
 *   MultiVersionedKeyQuery.withKey(k)               every version of k still in history
 *     .fromTime(t1).toTime(t2)                      … whose validity interval [validFrom, validTo)
 *                                                   overlaps [t1, t2] (both bounds inclusive, either open)
 *     .withAscendingTimestamps() / withDescendingTimestamps()   by validFrom; descending by default
 *
 * Kafka's default order is ResultOrder.ANY, which its stores answer newest first; we make that
 * the stated default. Tombstones are never returned (a deleted interval has no value).
 *
 * The objects hold only public data fields, so they survive structured cloning to a worker
 * stream thread (cross-thread-store.ts) unchanged. Run them with a versioned store view
 * (QueryableStoreTypes.versionedKeyValueStore(): view.query(q)) or over HTTP (routes /versions).
 */

/** The order of the versions a MultiVersionedKeyQuery returns (by validFrom). */
export const ResultOrder = {
  ANY: 'any',
  ASCENDING: 'ascending',
  DESCENDING: 'descending',
} as const;
export type ResultOrder = (typeof ResultOrder)[keyof typeof ResultOrder];

/** A time range of versions: [fromTime, toTime], either bound open; order by validFrom. */
export interface VersionsRange {
  readonly fromTime?: number | undefined;
  readonly toTime?: number | undefined;
  readonly order?: ResultOrder | undefined;
}

function checkTime(query: string, what: string, t: number): number {
  if (!Number.isSafeInteger(t)) throw new RangeError(`${query}: ${what} must be a whole number of epoch ms, got ${String(t)}`);
  return t;
}

function checkKey(query: string, key: unknown): void {
  if (key === null || key === undefined) throw new TypeError(`${query}: the key must not be null or undefined`);
}

/** Throws a RangeError naming the bad bound when `range` cannot select anything sensible. */
export function checkVersionsRange(range: VersionsRange, query = 'MultiVersionedKeyQuery'): void {
  if (range.fromTime !== undefined) checkTime(query, 'fromTime', range.fromTime);
  if (range.toTime !== undefined) checkTime(query, 'toTime', range.toTime);
  if (range.fromTime !== undefined && range.toTime !== undefined && range.fromTime > range.toTime) {
    throw new RangeError(`${query}: fromTime (${range.fromTime}) is after toTime (${range.toTime}); the time range is empty`);
  }
  const order = range.order;
  if (order !== undefined && order !== ResultOrder.ANY && order !== ResultOrder.ASCENDING && order !== ResultOrder.DESCENDING) {
    throw new RangeError(`${query}: order must be "any", "ascending" or "descending", got ${JSON.stringify(order)}`);
  }
}

/** KIP-960: one version of one key — the latest, or the one valid at asOfTime. */
export class VersionedKeyQuery<K> {
  readonly type = 'VersionedKeyQuery' as const;
  private constructor(
    readonly key: K,
    readonly asOfTime: number | undefined,
  ) {}

  static withKey<K>(key: K): VersionedKeyQuery<K> {
    checkKey('VersionedKeyQuery', key);
    return new VersionedKeyQuery(key, undefined);
  }

  /** The version valid at `asOfTime` (epoch ms, or a Date). */
  asOf(asOfTime: number | Date): VersionedKeyQuery<K> {
    const t = asOfTime instanceof Date ? asOfTime.getTime() : asOfTime;
    return new VersionedKeyQuery(this.key, checkTime('VersionedKeyQuery', 'asOf', t));
  }
}

/** KIP-968: the versions of one key valid at some time in [fromTime, toTime]. */
export class MultiVersionedKeyQuery<K> {
  readonly type = 'MultiVersionedKeyQuery' as const;
  private constructor(
    readonly key: K,
    /** The range and order as data: what a store's getVersions() takes. */
    readonly range: { readonly fromTime: number | undefined; readonly toTime: number | undefined; readonly order: ResultOrder },
  ) {}

  static withKey<K>(key: K): MultiVersionedKeyQuery<K> {
    checkKey('MultiVersionedKeyQuery', key);
    return new MultiVersionedKeyQuery(key, { fromTime: undefined, toTime: undefined, order: ResultOrder.ANY });
  }

  /** Versions still valid at or after `t` (epoch ms or a Date); default: no lower bound. */
  fromTime(t: number | Date): MultiVersionedKeyQuery<K> {
    return this.#with({ fromTime: t instanceof Date ? t.getTime() : t });
  }

  /** Versions valid from `t` (epoch ms or a Date) or earlier; default: no upper bound. */
  toTime(t: number | Date): MultiVersionedKeyQuery<K> {
    return this.#with({ toTime: t instanceof Date ? t.getTime() : t });
  }

  withAscendingTimestamps(): MultiVersionedKeyQuery<K> {
    return this.#with({ order: ResultOrder.ASCENDING });
  }

  withDescendingTimestamps(): MultiVersionedKeyQuery<K> {
    return this.#with({ order: ResultOrder.DESCENDING });
  }

  #with(change: VersionsRange): MultiVersionedKeyQuery<K> {
    const next = { ...this.range, ...change };
    checkVersionsRange(next);
    return new MultiVersionedKeyQuery(this.key, { fromTime: next.fromTime, toTime: next.toTime, order: next.order ?? ResultOrder.ANY });
  }
}
