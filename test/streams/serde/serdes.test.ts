import { describe, it, expect, expectTypeOf } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { Serdes } from '../../../src/streams/serde/serdes.ts';
import type { SerdeType } from '../../../src/streams/serde/serde.ts';
import { DeserializationError, SerializationError } from '../../../src/streams/serde/serde-errors.ts';

const T = 'orders';

describe('Serdes: byte layouts match Kafka', () => {
  it('string is plain UTF-8', () => {
    expect(Serdes.string().serialize(T, 'héllo')).toEqual(Buffer.from([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]));
  });
  it('int32 is 4-byte big-endian two\'s complement', () => {
    expect(Serdes.int32().serialize(T, -2)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(Serdes.int32().serialize(T, 258)).toEqual(Buffer.from([0, 0, 1, 2]));
  });
  it('int64 is 8-byte big-endian two\'s complement', () => {
    expect(Serdes.int64().serialize(T, -1)).toEqual(Buffer.alloc(8, 0xff));
    expect(Serdes.int64().serialize(T, 2 ** 32 + 5)).toEqual(Buffer.from([0, 0, 0, 1, 0, 0, 0, 5]));
    expect(Serdes.int64BigInt().serialize(T, -(2n ** 63n))).toEqual(Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0]));
  });
  it('double is 8-byte big-endian IEEE-754', () => {
    expect(Serdes.double().serialize(T, 1)).toEqual(Buffer.from([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]));
  });
  it('json is UTF-8 JSON text', () => {
    expect(Serdes.json<{ a: number }>().serialize(T, { a: 1 }).toString()).toBe('{"a":1}');
  });
  it('factories without arguments return shared singletons', () => {
    expect(Serdes.string()).toBe(Serdes.string());
    expect(Serdes.int64()).toBe(Serdes.int64());
    expect(Serdes.json()).toBe(Serdes.json());
  });
});

describe('Serdes: round trips (property)', () => {
  it('string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const serde = Serdes.string();
      expect(serde.deserialize(T, serde.serialize(T, s))).toBe(s);
    }));
  });
  it('int32', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
      expect(Serdes.int32().deserialize(T, Serdes.int32().serialize(T, n))).toBe(n);
    }));
  });
  it('int64 (number) agrees with the BigInt layout', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => {
      const bytes = Serdes.int64().serialize(T, n);
      expect(bytes.readBigInt64BE(0)).toBe(BigInt(n));
      expect(Serdes.int64().deserialize(T, bytes)).toBe(n);
    }));
  });
  it('int64BigInt', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
      expect(Serdes.int64BigInt().deserialize(T, Serdes.int64BigInt().serialize(T, n))).toBe(n);
    }));
  });
  it('double, including NaN and infinities', () => {
    fc.assert(fc.property(fc.double(), (n) => {
      expect(Object.is(Serdes.double().deserialize(T, Serdes.double().serialize(T, n)), n)).toBe(true);
    }));
  });
  it('bytes', () => {
    fc.assert(fc.property(fc.uint8Array(), (a) => {
      const buf = Buffer.from(a);
      expect(Serdes.bytes().deserialize(T, Serdes.bytes().serialize(T, buf))).toEqual(buf);
    }));
  });
  it('json', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const serde = Serdes.json<unknown>();
      // JSON has no -0; compare against what JSON itself produces.
      expect(serde.deserialize(T, serde.serialize(T, v))).toEqual(JSON.parse(JSON.stringify(v)));
    }));
  });
  it('time- and session-windowed keys', () => {
    const time = Serdes.timeWindowed(Serdes.string(), 60_000);
    const session = Serdes.sessionWindowed(Serdes.string());
    fc.assert(fc.property(fc.string(), fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: 10 ** 9 }), (key, start, len) => {
      expect(time.deserialize(T, time.serialize(T, { key, window: { start, end: start + 60_000 } })))
        .toEqual({ key, window: { start, end: start + 60_000 } });
      const w = { key, window: { start, end: start + len } };
      expect(session.deserialize(T, session.serialize(T, w))).toEqual(w);
    }));
  });
});

describe('Serdes: windowed layouts', () => {
  it('time window: key bytes then 8-byte start', () => {
    const bytes = Serdes.timeWindowed(Serdes.string(), 1000).serialize(T, { key: 'k', window: { start: 5000, end: 6000 } });
    expect(bytes).toEqual(Buffer.concat([Buffer.from('k'), Buffer.from([0, 0, 0, 0, 0, 0, 0x13, 0x88])]));
  });
  it('session window: key bytes then 8-byte end then 8-byte start', () => {
    const bytes = Serdes.sessionWindowed(Serdes.int32()).serialize(T, { key: 7, window: { start: 1, end: 2 } });
    expect(bytes).toEqual(Buffer.from([0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]));
  });
  it('rejects short payloads and bad window sizes', () => {
    expect(() => Serdes.timeWindowed(Serdes.string(), 10).deserialize(T, Buffer.alloc(7))).toThrow(DeserializationError);
    expect(() => Serdes.sessionWindowed(Serdes.string()).deserialize(T, Buffer.alloc(15))).toThrow(DeserializationError);
    expect(() => Serdes.timeWindowed(Serdes.string(), 0)).toThrow(RangeError);
  });
});

describe('Serdes: errors', () => {
  it('fixed-width serdes reject the wrong length, naming the topic', () => {
    expect(() => Serdes.int32().deserialize(T, Buffer.alloc(3))).toThrow(/topic "orders".*exactly 4 bytes/);
    expect(() => Serdes.int64().deserialize(T, Buffer.alloc(4))).toThrow(DeserializationError);
    expect(() => Serdes.double().deserialize(T, Buffer.alloc(9))).toThrow(DeserializationError);
  });
  it('int64 refuses values a number cannot hold exactly, and points to int64BigInt', () => {
    expect(() => Serdes.int64().serialize(T, 2 ** 53)).toThrow(SerializationError);
    expect(() => Serdes.int64().serialize(T, 1.5)).toThrow(/int64BigInt/);
    const big = Serdes.int64BigInt().serialize(T, 2n ** 60n);
    expect(() => Serdes.int64().deserialize(T, big)).toThrow(/int64BigInt/);
  });
  it('int32 refuses out-of-range and fractional values', () => {
    expect(() => Serdes.int32().serialize(T, 2 ** 31)).toThrow(SerializationError);
    expect(() => Serdes.int32().serialize(T, 0.5)).toThrow(SerializationError);
  });
  it('json rejects invalid JSON on read and unrepresentable values on write', () => {
    expect(() => Serdes.json().deserialize(T, Buffer.from('{nope'))).toThrow(DeserializationError);
    expect(() => Serdes.json().serialize(T, undefined)).toThrow(SerializationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => Serdes.json().serialize(T, cyclic)).toThrow(SerializationError);
  });
  it('void accepts only an empty payload', () => {
    expect(Serdes.void().deserialize(T, Buffer.alloc(0))).toBeNull();
    expect(() => Serdes.void().deserialize(T, Buffer.from('x'))).toThrow(DeserializationError);
  });
});

describe('Serdes: arbitrary bytes never crash a deserializer with anything but DeserializationError (property)', () => {
  const serdes = [
    Serdes.string(),
    Serdes.int32(),
    Serdes.int64(),
    Serdes.int64BigInt(),
    Serdes.double(),
    Serdes.bytes(),
    Serdes.void(),
    Serdes.json(),
    Serdes.json(z.object({ id: z.string() })),
    Serdes.timeWindowed(Serdes.int32(), 1000),
    Serdes.sessionWindowed(Serdes.json()),
  ];
  it('every serde', () => {
    fc.assert(
      fc.property(fc.constantFrom(...serdes), fc.uint8Array({ maxLength: 24 }), (serde, bytes) => {
        try {
          (serde.deserialize as (topic: string, data: Buffer) => unknown)(T, Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(DeserializationError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Serdes.json(zodSchema)', () => {
  const Order = z.object({ id: z.string(), amount: z.number().positive(), note: z.string().default('') });
  const serde = Serdes.json(Order);

  it('validates and applies the schema on read', () => {
    expect(serde.deserialize(T, Buffer.from('{"id":"a","amount":3}'))).toEqual({ id: 'a', amount: 3, note: '' });
  });
  it('a record that fails the schema throws DeserializationError naming the topic and the issues', () => {
    let caught: unknown;
    try {
      serde.deserialize(T, Buffer.from('{"id":1,"amount":-3}'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DeserializationError);
    const error = caught as DeserializationError;
    expect(error.topic).toBe(T);
    expect(error.message).toContain('"orders"');
    expect(error.message).toMatch(/id: /);
    expect(error.message).toMatch(/amount: /);
    expect(error.issues).toHaveLength(2);
  });
  it('types flow from the schema and the factories', () => {
    expectTypeOf<SerdeType<typeof serde>>().toEqualTypeOf<{ id: string; amount: number; note: string }>();
    expectTypeOf<SerdeType<ReturnType<typeof Serdes.string>>>().toEqualTypeOf<string>();
    expectTypeOf<SerdeType<ReturnType<typeof Serdes.int64BigInt>>>().toEqualTypeOf<bigint>();
    const windowed = Serdes.timeWindowed(Serdes.string(), 1000);
    expectTypeOf<SerdeType<typeof windowed>>().toEqualTypeOf<{ key: string; window: { start: number; end: number } }>();
  });
});
