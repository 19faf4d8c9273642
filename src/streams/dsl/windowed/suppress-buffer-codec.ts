/*
 * How a suppress buffer turns its keys and values into bytes: the table's serdes, or fallbacks
 * when it has none (JSON for keys, node:v8 serialization for values). The bytes are what the
 * changelog carries (suppress-changelog-codec.ts for the record layout around them) and what
 * the buffer's size accounting counts. As in Kafka, the serdes are called with the changelog
 * topic's name.
 */
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import type { Serde } from '../../serde/serde.ts';

export interface BufferCodec<K, V> {
  keyBytes(key: K): Buffer;
  key(bytes: Buffer): K;
  valueBytes(value: V | null): Buffer | null;
  value(bytes: Buffer | null): V | null;
}

export function bufferCodec<K, V>(topic: string, keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): BufferCodec<K, V> {
  return {
    keyBytes: (key) => (keySerde !== undefined ? keySerde.serialize(topic, key) : Buffer.from(JSON.stringify(key) ?? String(key), 'utf8')),
    key: (bytes) => (keySerde !== undefined ? keySerde.deserialize(topic, bytes) : (JSON.parse(bytes.toString('utf8')) as K)),
    valueBytes: (value) => (value === null ? null : valueSerde !== undefined ? valueSerde.serialize(topic, value) : v8Serialize(value)),
    value: (bytes) => (bytes === null ? null : valueSerde !== undefined ? valueSerde.deserialize(topic, bytes) : (v8Deserialize(bytes) as V)),
  };
}
