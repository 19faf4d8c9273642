/*
 * The IQv2 query objects — Kafka Streams' org.apache.kafka.streams.query.* (KIP-796, KIP-805,
 * KIP-806, KIP-985, KIP-992). Each is an immutable value with a `type` tag and public fields only,
 * so it can cross to a worker thread by structured clone; store-query.ts runs them.
 *
 *   query                                        store kinds          result
 *   KeyQuery.withKey(k)                          key-value            V | null (the plain value)
 *   TimestampedKeyQuery.withKey(k)               key-value (DSL)      { value, timestamp } | null
 *   RangeQuery.withRange(lo, hi) / withLowerBound(lo) / withUpperBound(hi) / withNoBounds()
 *     .withDescendingKeys() / withAscendingKeys()  key-value          KeyValue<K, V>[] (bounds inclusive)
 *   TimestampedRangeQuery (same builders)        key-value (DSL)      KeyValue<K, { value, timestamp }>[]
 *   WindowKeyQuery.withKeyAndWindowStartRange(k, from, to)  window       KeyValue<windowStart, V>[]
 *   WindowRangeQuery.withWindowStartRange(from, to)         window       KeyValue<Windowed<K>, V>[]
 *   WindowRangeQuery.withKey(k)                             session      KeyValue<Windowed<K>, V>[]
 *   VersionedKeyQuery / MultiVersionedKeyQuery (state/versioned/versioned-queries.ts)  versioned
 *
 * Where Kafka returns an iterator the caller must close, Tributary returns an array read eagerly
 * (no iterator can leak, and the result survives a thread hop). Times are epoch ms or Dates.
 */
import type { MultiVersionedKeyQuery, VersionedKeyQuery } from '../../state/versioned/versioned-queries.ts';

function checkKey(query: string, key: unknown): void {
  if (key === null || key === undefined) throw new TypeError(`${query}: the key must not be null or undefined`);
}

function ms(query: string, what: string, t: number | Date): number {
  const v = t instanceof Date ? t.getTime() : t;
  if (!Number.isSafeInteger(v)) throw new RangeError(`${query}: ${what} must be a whole number of epoch ms, got ${String(v)}`);
  return v;
}

export class KeyQuery<K> {
  readonly type = 'KeyQuery' as const;
  private constructor(
    readonly key: K,
    readonly skipCacheRequested: boolean,
  ) {}
  static withKey<K>(key: K): KeyQuery<K> {
    checkKey('KeyQuery', key);
    return new KeyQuery(key, false);
  }
  /** Kafka's hint to bypass the record cache; Tributary's stores answer from cache-consistent state either way. */
  skipCache(): KeyQuery<K> {
    return new KeyQuery(this.key, true);
  }
  getKey(): K {
    return this.key;
  }
}

export class TimestampedKeyQuery<K> {
  readonly type = 'TimestampedKeyQuery' as const;
  private constructor(readonly key: K) {}
  static withKey<K>(key: K): TimestampedKeyQuery<K> {
    checkKey('TimestampedKeyQuery', key);
    return new TimestampedKeyQuery(key);
  }
  getKey(): K {
    return this.key;
  }
}

/** Shared builder of RangeQuery and TimestampedRangeQuery: inclusive bounds, either open; key order. */
abstract class KeyRange<K> {
  constructor(
    readonly lower: K | undefined,
    readonly upper: K | undefined,
    readonly descending: boolean,
  ) {}
  getLowerBound(): K | undefined {
    return this.lower;
  }
  getUpperBound(): K | undefined {
    return this.upper;
  }
  isKeyAscending(): boolean {
    return !this.descending;
  }
}

export class RangeQuery<K> extends KeyRange<K> {
  readonly type = 'RangeQuery' as const;
  static withRange<K>(lower: K | undefined, upper: K | undefined): RangeQuery<K> {
    return new RangeQuery(lower ?? undefined, upper ?? undefined, false);
  }
  static withLowerBound<K>(lower: K): RangeQuery<K> {
    return new RangeQuery(lower, undefined, false);
  }
  static withUpperBound<K>(upper: K): RangeQuery<K> {
    return new RangeQuery<K>(undefined, upper, false);
  }
  static withNoBounds<K>(): RangeQuery<K> {
    return new RangeQuery<K>(undefined, undefined, false);
  }
  withDescendingKeys(): RangeQuery<K> {
    return new RangeQuery(this.lower, this.upper, true);
  }
  withAscendingKeys(): RangeQuery<K> {
    return new RangeQuery(this.lower, this.upper, false);
  }
}

export class TimestampedRangeQuery<K> extends KeyRange<K> {
  readonly type = 'TimestampedRangeQuery' as const;
  static withRange<K>(lower: K | undefined, upper: K | undefined): TimestampedRangeQuery<K> {
    return new TimestampedRangeQuery(lower ?? undefined, upper ?? undefined, false);
  }
  static withLowerBound<K>(lower: K): TimestampedRangeQuery<K> {
    return new TimestampedRangeQuery(lower, undefined, false);
  }
  static withUpperBound<K>(upper: K): TimestampedRangeQuery<K> {
    return new TimestampedRangeQuery<K>(undefined, upper, false);
  }
  static withNoBounds<K>(): TimestampedRangeQuery<K> {
    return new TimestampedRangeQuery<K>(undefined, undefined, false);
  }
  withDescendingKeys(): TimestampedRangeQuery<K> {
    return new TimestampedRangeQuery(this.lower, this.upper, true);
  }
  withAscendingKeys(): TimestampedRangeQuery<K> {
    return new TimestampedRangeQuery(this.lower, this.upper, false);
  }
}

export class WindowKeyQuery<K> {
  readonly type = 'WindowKeyQuery' as const;
  private constructor(
    readonly key: K,
    readonly timeFrom: number,
    readonly timeTo: number,
  ) {}
  /** `key`'s windows whose start is in [timeFrom, timeTo]. */
  static withKeyAndWindowStartRange<K>(key: K, timeFrom: number | Date, timeTo: number | Date): WindowKeyQuery<K> {
    checkKey('WindowKeyQuery', key);
    return new WindowKeyQuery(key, ms('WindowKeyQuery', 'timeFrom', timeFrom), ms('WindowKeyQuery', 'timeTo', timeTo));
  }
  getKey(): K {
    return this.key;
  }
}

export class WindowRangeQuery<K> {
  readonly type = 'WindowRangeQuery' as const;
  private constructor(
    readonly key: K | undefined,
    readonly timeFrom: number | undefined,
    readonly timeTo: number | undefined,
  ) {}
  /** Every session of `key` (session stores). */
  static withKey<K>(key: K): WindowRangeQuery<K> {
    checkKey('WindowRangeQuery', key);
    return new WindowRangeQuery(key, undefined, undefined);
  }
  /** Every key's windows whose start is in [timeFrom, timeTo] (window stores). */
  static withWindowStartRange<K>(timeFrom: number | Date, timeTo: number | Date): WindowRangeQuery<K> {
    return new WindowRangeQuery<K>(undefined, ms('WindowRangeQuery', 'timeFrom', timeFrom), ms('WindowRangeQuery', 'timeTo', timeTo));
  }
  getKey(): K | undefined {
    return this.key;
  }
}

/** Every query KafkaStreams.query() runs. */
export type Query<K = unknown> =
  | KeyQuery<K>
  | TimestampedKeyQuery<K>
  | RangeQuery<K>
  | TimestampedRangeQuery<K>
  | WindowKeyQuery<K>
  | WindowRangeQuery<K>
  | VersionedKeyQuery<K>
  | MultiVersionedKeyQuery<K>;
