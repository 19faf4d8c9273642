/*
 * The record that flows between processors: key, value, timestamp and headers, as Kafka
 * Streams' `org.apache.kafka.streams.processor.api.Record`.
 *
 * Why a plain readonly object: processing is synchronous and depth-first, and a processor that
 * forwards the same record to two children must not see one child's change in the other. So a
 * record is never mutated; operators build a new one with `withKey`/`withValue`/… (cheap spreads).
 *
 * Null: a null key means "no key" (grouping drops such records, counting them as dropped); a
 * null value is a tombstone for tables. The static types say K and V, as Kafka's Java types do;
 * operators that care (grouping, tables) check for null at run time.
 *
 * Named StreamRecord (not Record) so it does not shadow TypeScript's built-in `Record<K, V>`.
 */

/** Header name → bytes; the same shape the record collector and the wire codecs use. */
export type RecordHeaders = Readonly<Record<string, Buffer>>;

export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Milliseconds since the epoch; the record's event time. */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

export const EMPTY_HEADERS: RecordHeaders = Object.freeze({});

export function makeRecord<K, V>(key: K, value: V, timestamp: number, headers: RecordHeaders = EMPTY_HEADERS): StreamRecord<K, V> {
  return { key, value, timestamp, headers };
}

export function withKey<K, V, K2>(record: StreamRecord<K, V>, key: K2): StreamRecord<K2, V> {
  return { key, value: record.value, timestamp: record.timestamp, headers: record.headers };
}

export function withValue<K, V, V2>(record: StreamRecord<K, V>, value: V2): StreamRecord<K, V2> {
  return { key: record.key, value, timestamp: record.timestamp, headers: record.headers };
}

export function withKeyValue<K, V, K2, V2>(record: StreamRecord<K, V>, key: K2, value: V2): StreamRecord<K2, V2> {
  return { key, value, timestamp: record.timestamp, headers: record.headers };
}

export function withTimestamp<K, V>(record: StreamRecord<K, V>, timestamp: number): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp, headers: record.headers };
}
