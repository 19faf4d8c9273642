/*
 * ValueAndTimestamp<V>: what table (KTable) stores hold in Kafka Streams — the row value plus
 * the timestamp of the update that produced it, so an aggregate's output timestamp survives
 * restarts. This module gives the stored layout and the changelog conversion:
 *
 *   stored value bytes   [ timestamp: int64 BE ][ inner value bytes ]   (Kafka's ValueAndTimestampSerializer)
 *   changelog record     value = inner value bytes only, record timestamp = the stored timestamp
 *                        (Kafka's ChangeLoggingTimestampedKeyValueBytesStore), so the changelog
 *                        reads with the plain value serde like any other topic
 *   restore              stored = [ record timestamp ][ record value ]   (Kafka's
 *                        RecordConverters.rawValueToTimestampedValue)
 *
 * `Stores.timestampedKeyValueStoreBuilder(supplier, keySerde, valueSerde)` assembles a stack
 * with this serde and the timestamped changelogging layer (change-logging-key-value-store.ts);
 * the DSL's table stores (dsl/materialized-store.ts) and windowed stores use the same serde, so a
 * store written by the DSL reads back through the Stores API and the reverse.
 */
import type { Serde } from '../serde/serde.ts';
import { DeserializationError, SerializationError } from '../serde/serde-errors.ts';
import { readInt64BE, writeInt64BE } from '../../util/int64.ts';

export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;
}

/** Bytes of the timestamp prefix of a stored timestamped value. */
export const TIMESTAMP_BYTES = 8;

/** The timestamp prefix codec: int64 big-endian (src/util/int64.ts). */
export const writeTimestamp: (out: Buffer, offset: number, timestamp: number) => void = writeInt64BE;
export const readTimestamp: (data: Buffer, offset: number) => number = readInt64BE;

/** Stored bytes for (value bytes, timestamp): the timestamp prefix then the value. */
export function timestampedBytes(value: Buffer, timestamp: number): Buffer {
  const out = Buffer.allocUnsafe(TIMESTAMP_BYTES + value.length);
  writeTimestamp(out, 0, timestamp);
  value.copy(out, TIMESTAMP_BYTES);
  return out;
}

/**
 * The serde of ValueAndTimestamp<V>: the one the DSL's table and windowed stores and the
 * `Stores.timestamped*` builders share. A class rather than a closure object so every store's
 * serde has one shape (the per-record get/put call sites stay monomorphic), and the timestamp goes
 * through src/util/int64.ts (two 32-bit halves), not a BigInt: this serde runs twice per record
 * in every aggregation and table join (get + put).
 */
class ValueAndTimestampSerde<V> implements Serde<ValueAndTimestamp<V>> {
  readonly name: string;

  constructor(private readonly inner: Serde<V>) {
    this.name = `ValueAndTimestamp(${inner.name})`;
  }

  serialize(topic: string, data: ValueAndTimestamp<V>): Buffer {
    if (!Number.isSafeInteger(data.timestamp)) {
      throw new SerializationError(this.name, topic, `timestamp ${String(data.timestamp)} is not a safe integer (epoch ms)`);
    }
    return timestampedBytes(this.inner.serialize(topic, data.value), data.timestamp);
  }

  deserialize(topic: string, data: Buffer): ValueAndTimestamp<V> {
    if (data.length < TIMESTAMP_BYTES) {
      throw new DeserializationError(this.name, topic, `a timestamped value needs at least 8 bytes, got ${data.length}`);
    }
    const timestamp = readTimestamp(data, 0);
    if (!Number.isSafeInteger(timestamp)) {
      throw new DeserializationError(this.name, topic, `timestamp ${data.readBigInt64BE(0)} is not a safe integer`);
    }
    return { timestamp, value: this.inner.deserialize(topic, data.subarray(TIMESTAMP_BYTES)) };
  }
}

export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return new ValueAndTimestampSerde(inner);
}
