/*
 * The fixed-layout serdes, byte-compatible with Kafka's own (org.apache.kafka.common.serialization)
 * so a Java or Python client reading or writing the same topic agrees on every byte:
 *
 *   String        UTF-8 bytes, no length prefix or terminator.
 *   Int32         4 bytes, big-endian two's complement (Java IntegerSerializer).
 *   Int64         8 bytes, big-endian two's complement (Java LongSerializer).
 *   Double        8 bytes, big-endian IEEE-754 binary64 (Java DoubleSerializer).
 *   Bytes         the bytes themselves (Java ByteArraySerializer / BytesSerializer).
 *   Void          only null is a valid value (Java VoidSerializer); the topic carries no payload.
 *
 * Int64 comes in two flavours because a JavaScript number holds integers exactly only up to
 * 2^53 - 1. `Int64` gives a `number`, which is what counts, sums and epoch-millisecond
 * timestamps want and what arithmetic in user code expects; it refuses (throws) rather than
 * silently rounding: serializing a non-safe-integer throws SerializationError, and reading 8 bytes
 * whose value lies outside ±(2^53 - 1) throws DeserializationError naming `Serdes.int64BigInt()`.
 * `Int64BigInt` gives a `bigint` and covers the full signed 64-bit range.
 *
 * Every serde here is a stateless singleton: `Serdes.int32() === Serdes.int32()`.
 * Per the Serde contract, null never reaches these functions (null stays null on both sides).
 */
import type { Serde } from './serde.ts';
import { DeserializationError, SerializationError, describeValue, previewBytes } from './serde-errors.ts';
import { readInt64BE, writeInt64BE } from '../../util/int64.ts';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function expectLength(serde: string, topic: string, data: Buffer, length: number): void {
  if (data.length !== length) {
    throw new DeserializationError(
      serde,
      topic,
      `expected exactly ${length} bytes but got ${previewBytes(data)}; ` +
        'check that the topic was written with the matching serializer',
    );
  }
}

export const stringSerde: Serde<string> = {
  name: 'String',
  serialize(topic, data) {
    if (typeof data !== 'string') {
      throw new SerializationError('String', topic, `expected a string, got ${typeof data} ${describeValue(data)}`);
    }
    return Buffer.from(data, 'utf8');
  },
  deserialize(_topic, data) {
    return data.toString('utf8');
  },
};

export const int32Serde: Serde<number> = {
  name: 'Integer',
  serialize(topic, data) {
    if (!Number.isInteger(data) || data < INT32_MIN || data > INT32_MAX) {
      throw new SerializationError(
        'Integer',
        topic,
        `${describeValue(data)} is not a 32-bit signed integer; use Serdes.int64() or Serdes.double() for wider values`,
      );
    }
    const out = Buffer.allocUnsafe(4);
    out.writeInt32BE(data, 0);
    return out;
  },
  deserialize(topic, data) {
    expectLength('Integer', topic, data, 4);
    return data.readInt32BE(0);
  },
};

export const int64Serde: Serde<number> = {
  name: 'Long',
  serialize(topic, data) {
    if (!Number.isSafeInteger(data)) {
      throw new SerializationError(
        'Long',
        topic,
        `${describeValue(data)} is not a safe integer (|n| <= 2^53 - 1); use Serdes.int64BigInt() for the full 64-bit range`,
      );
    }
    const out = Buffer.allocUnsafe(8);
    // Two 32-bit halves: exact for safe integers and cheaper than a BigInt round trip.
    writeInt64BE(out, 0, data);
    return out;
  },
  deserialize(topic, data) {
    expectLength('Long', topic, data, 8);
    const value = readInt64BE(data, 0);
    if (!Number.isSafeInteger(value)) {
      throw new DeserializationError(
        'Long',
        topic,
        `value ${data.readBigInt64BE(0)} does not fit a JavaScript number exactly; read this topic with Serdes.int64BigInt()`,
      );
    }
    return value;
  },
};

export const int64BigIntSerde: Serde<bigint> = {
  name: 'LongBigInt',
  serialize(topic, data) {
    if (typeof data !== 'bigint' || data < INT64_MIN || data > INT64_MAX) {
      throw new SerializationError('LongBigInt', topic, `${describeValue(data)} is not a signed 64-bit bigint`);
    }
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(data, 0);
    return out;
  },
  deserialize(topic, data) {
    expectLength('LongBigInt', topic, data, 8);
    return data.readBigInt64BE(0);
  },
};

export const doubleSerde: Serde<number> = {
  name: 'Double',
  serialize(topic, data) {
    if (typeof data !== 'number') {
      throw new SerializationError('Double', topic, `expected a number, got ${typeof data} ${describeValue(data)}`);
    }
    const out = Buffer.allocUnsafe(8);
    out.writeDoubleBE(data, 0);
    return out;
  },
  deserialize(topic, data) {
    expectLength('Double', topic, data, 8);
    return data.readDoubleBE(0);
  },
};

export const bytesSerde: Serde<Buffer> = {
  name: 'ByteArray',
  serialize(topic, data) {
    if (Buffer.isBuffer(data)) return data;
    if ((data as unknown) instanceof Uint8Array) {
      const view = data as Uint8Array;
      return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    }
    throw new SerializationError('ByteArray', topic, `expected a Buffer, got ${typeof data} ${describeValue(data)}`);
  },
  deserialize(_topic, data) {
    return data;
  },
};

/**
 * Void: for keys or values that must be absent. Kafka's VoidDeserializer rejects any payload;
 * we do too, except that an empty payload is read as null (some producers send empty bytes where
 * they mean "no value").
 */
export const voidSerde: Serde<null> = {
  name: 'Void',
  serialize(topic, data) {
    if (data !== null && data !== undefined) {
      throw new SerializationError('Void', topic, `only null is allowed, got ${describeValue(data)}`);
    }
    return Buffer.alloc(0);
  },
  deserialize(topic, data) {
    if (data.length !== 0) {
      throw new DeserializationError('Void', topic, `expected no payload but got ${previewBytes(data)}`);
    }
    return null;
  },
};
