/*
 * Keys of windowed aggregations, laid out byte-for-byte as Kafka Streams writes them to output
 * topics, so Java consumers with TimeWindowedDeserializer / SessionWindowedDeserializer read ours:
 *
 *   time window    [ inner key bytes ][ window start: int64 BE ]                      (8-byte suffix)
 *   session window [ inner key bytes ][ window end: int64 BE ][ window start: int64 BE ] (16-byte suffix)
 *
 * A time-windowed key does not carry the window end; the reader must know the window size, so
 * `timeWindowedSerde(inner, windowSizeMs)` requires it and computes end = start + size (the end is
 * exclusive, as in Kafka's TimeWindow). A session window carries both bounds, both inclusive.
 *
 * Window bounds are epoch milliseconds as `number`; they must be safe integers. A computed end
 * beyond Number.MAX_SAFE_INTEGER is capped there (Kafka caps at Long.MAX_VALUE likewise).
 */
import type { Serde } from './serde.ts';
import { DeserializationError, SerializationError, previewBytes } from './serde-errors.ts';
import { readInt64BE, writeInt64BE } from '../../util/int64.ts';

export interface WindowBounds {
  /** Inclusive start, epoch ms. */
  start: number;
  /** End, epoch ms: exclusive for time windows, inclusive for session windows. */
  end: number;
}

/** A key of a windowed aggregation: the grouping key plus the window it belongs to. */
export type Windowed<K> = { key: K; window: WindowBounds };

const writeInt64 = writeInt64BE;

function readInt64(serde: string, topic: string, data: Buffer, offset: number): number {
  const value = readInt64BE(data, offset);
  if (!Number.isSafeInteger(value)) {
    throw new DeserializationError(serde, topic, `window bound ${data.readBigInt64BE(offset)} is not a safe integer`);
  }
  return value;
}

function checkBound(serde: string, topic: string, what: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new SerializationError(serde, topic, `window ${what} ${String(value)} is not a safe integer (epoch ms)`);
  }
}

export function timeWindowedSerde<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
  if (!Number.isSafeInteger(windowSizeMs) || windowSizeMs <= 0) {
    throw new RangeError(`timeWindowedSerde needs a positive integer window size in ms, got ${windowSizeMs}`);
  }
  const name = `TimeWindowed(${inner.name})`;
  return {
    name,
    serialize(topic, data) {
      checkBound(name, topic, 'start', data.window.start);
      const key = inner.serialize(topic, data.key);
      const out = Buffer.allocUnsafe(key.length + 8);
      key.copy(out, 0);
      writeInt64(out, key.length, data.window.start);
      return out;
    },
    deserialize(topic, data) {
      if (data.length < 8) {
        throw new DeserializationError(name, topic, `a time-windowed key needs at least 8 bytes, got ${previewBytes(data)}`);
      }
      const keyLength = data.length - 8;
      const start = readInt64(name, topic, data, keyLength);
      const end = start > Number.MAX_SAFE_INTEGER - windowSizeMs ? Number.MAX_SAFE_INTEGER : start + windowSizeMs;
      return { key: inner.deserialize(topic, data.subarray(0, keyLength)), window: { start, end } };
    },
  };
}

export function sessionWindowedSerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  const name = `SessionWindowed(${inner.name})`;
  return {
    name,
    serialize(topic, data) {
      checkBound(name, topic, 'start', data.window.start);
      checkBound(name, topic, 'end', data.window.end);
      const key = inner.serialize(topic, data.key);
      const out = Buffer.allocUnsafe(key.length + 16);
      key.copy(out, 0);
      writeInt64(out, key.length, data.window.end);
      writeInt64(out, key.length + 8, data.window.start);
      return out;
    },
    deserialize(topic, data) {
      if (data.length < 16) {
        throw new DeserializationError(name, topic, `a session-windowed key needs at least 16 bytes, got ${previewBytes(data)}`);
      }
      const keyLength = data.length - 16;
      const end = readInt64(name, topic, data, keyLength);
      const start = readInt64(name, topic, data, keyLength + 8);
      return { key: inner.deserialize(topic, data.subarray(0, keyLength)), window: { start, end } };
    },
  };
}
