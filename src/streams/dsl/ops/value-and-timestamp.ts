/*
 * ValueAndTimestamp<V>: what DSL table stores hold — the row value and the timestamp of the
 * update that produced it, as Kafka Streams' timestamped key-value stores, so an aggregate's
 * output timestamp is max(record time, previous aggregate time) and survives restarts.
 *
 * Byte layout of `timestampedSerde(inner)` — identical to Kafka's ValueAndTimestampSerializer:
 *   bytes 0..7   int64 big-endian timestamp (ms)
 *   rest         inner value bytes
 * The driver's getKeyValueStore() unwraps it, so tests see plain values.
 *
 * The timestamp goes through src/util/int64.ts (two 32-bit halves), not a BigInt: this serde
 * runs twice per record in every aggregation (get + put), and the BigInt round trip was a
 * visible share of its cost. A timestamp that is not a safe integer takes the BigInt path, which
 * rejects it as before.
 */
import type { Serde } from '../../serde/serde.ts';
import type { DefaultWrappingSerde } from '../../topology/node-specs.ts';
import { readInt64BE, writeInt64BE } from '../../../util/int64.ts';

export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;
}

class TimestampedSerde<V> implements Serde<ValueAndTimestamp<V>> {
  readonly name: string;
  constructor(private readonly inner: Serde<V>) {
    this.name = `ValueAndTimestamp<${inner.name}>`;
  }

  serialize(topic: string, data: ValueAndTimestamp<V>): Buffer {
    const v = this.inner.serialize(topic, data.value);
    const out = Buffer.allocUnsafe(8 + v.length);
    if (Number.isSafeInteger(data.timestamp)) writeInt64BE(out, 0, data.timestamp);
    else out.writeBigInt64BE(BigInt(data.timestamp), 0);
    v.copy(out, 8);
    return out;
  }

  deserialize(topic: string, data: Buffer): ValueAndTimestamp<V> {
    if (data.length < 8) throw new Error(`Timestamped value in "${topic}" is ${data.length} bytes; it needs an 8-byte timestamp first.`);
    return { timestamp: readInt64BE(data, 0), value: this.inner.deserialize(topic, data.subarray(8)) };
  }
}

export function timestampedSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return new TimestampedSerde(inner);
}

export function timestampedSerdeOrDefault<V>(inner: Serde<V> | undefined): Serde<ValueAndTimestamp<V>> | DefaultWrappingSerde {
  if (inner !== undefined) return new TimestampedSerde(inner);
  return {
    wrapsDefault: true,
    resolveDefault(defaultSerde) {
      if (defaultSerde === undefined) throw new Error('A table store has no value serde: pass Materialized.with(...) or configure defaultValueSerde.');
      return new TimestampedSerde(defaultSerde) as Serde<unknown>;
    },
  };
}
