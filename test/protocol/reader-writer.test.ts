import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Reader } from '../../src/protocol/reader.ts';
import { Writer } from '../../src/protocol/writer.ts';
import { MalformedMessageError } from '../../src/protocol/protocol-errors.ts';

describe('Writer/Reader primitives', () => {
  it('lay out classic and compact forms as the protocol specifies', () => {
    const w = new Writer(4);
    w.int8(-1).int16(0x0102).int32(-2).int64(5n).uint16(0xfffe).uint32(0xfffffffe).bool(true);
    w.string('ab').nullableString(null).compactString('ab').compactNullableString(null);
    w.bytes(Buffer.from([9])).nullableBytes(null).compactBytes(Buffer.from([9])).compactNullableBytes(null);
    w.uuid('00112233-4455-6677-8899-aabbccddeeff');
    expect(w.finish().toString('hex')).toBe(
      'ff' + '0102' + 'fffffffe' + '0000000000000005' + 'fffe' + 'fffffffe' + '01' +
        '00026162' + 'ffff' + '036162' + '00' +
        '0000000109' + 'ffffffff' + '0209' + '00' +
        '00112233445566778899aabbccddeeff',
    );
  });

  it('round-trips arbitrary sequences of values', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.option(fc.string({ maxLength: 10 }), { nil: null }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.double(),
        fc.uint8Array({ maxLength: 50 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (s, ns, big, d, bytes, u) => {
          const w = new Writer(8);
          w.compactString(s).nullableString(ns).int64(big).float64(d).compactBytes(bytes).uvarint(u).string(s);
          const r = new Reader(w.finish());
          expect(r.compactString()).toBe(s);
          expect(r.nullableString()).toBe(ns);
          expect(r.int64()).toBe(big);
          expect(Object.is(r.float64(), d)).toBe(true);
          expect([...r.compactBytes()]).toEqual([...bytes]);
          expect(r.uvarint()).toBe(u);
          expect(r.string()).toBe(s);
          expect(r.remaining()).toBe(0);
        },
      ),
    );
  });

  it('rejects a string over the int16 limit with a clear error', () => {
    expect(() => new Writer().string('x'.repeat(40000))).toThrow(/32767/);
  });

  it('rejects malformed uuids', () => {
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(/not a uuid/);
  });
});

describe('Reader bounds', () => {
  it('throws MalformedMessageError (not RangeError) on truncation', () => {
    const r = new Reader(Buffer.from([0, 5, 0x61]));
    expect(() => r.string()).toThrow(MalformedMessageError);
    expect(() => new Reader(Buffer.from([1, 2])).int32()).toThrow(/only 2 bytes remain/);
  });

  it('rejects an array count larger than the remaining bytes', () => {
    expect(() => new Reader(Buffer.from([0x7f, 0, 0, 0])).arrayLength()).toThrow(/exceeds/);
  });

  it('returns bytes as zero-copy subarrays of the frame', () => {
    const frame = Buffer.from([0, 0, 0, 2, 7, 8]);
    const b = new Reader(frame).bytes();
    frame[4] = 99;
    expect(b[0]).toBe(99);
  });

  it('skips a tagged-field section', () => {
    const w = new Writer();
    w.uvarint(2).uvarint(0).uvarint(3).raw(Buffer.from([1, 2, 3])).uvarint(5).uvarint(0).int8(42);
    const r = new Reader(w.finish());
    r.skipTaggedFields();
    expect(r.int8()).toBe(42);
  });
});

describe('Writer records and chunks', () => {
  it('passes large record buffers through as their own chunk, without copying', () => {
    const big = Buffer.alloc(4096, 7);
    const small = Buffer.from([1, 2, 3]);
    const w = new Writer(16);
    w.int32(0).int16(1).records([small, big, small], false).int8(5);
    w.patchInt32(0, w.length - 4);
    const chunks = w.chunks();
    expect(chunks.some((c) => c === big)).toBe(true);
    const whole = Buffer.concat(chunks);
    expect(whole.length).toBe(4 + 2 + 4 + 3 + 4096 + 3 + 1);
    expect(whole.readInt32BE(0)).toBe(whole.length - 4);
    expect(whole.readInt32BE(6)).toBe(4102);
    expect(whole.subarray(10, 13)).toEqual(small);
    expect(whole[whole.length - 1]).toBe(5);
  });

  it('finish() equals the concatenated chunks', () => {
    const parts = [Buffer.alloc(2000, 1), Buffer.alloc(10, 2), Buffer.alloc(3000, 3)];
    const a = new Writer();
    a.int8(1).records(parts, true).int8(2);
    const b = new Writer();
    b.int8(1).records(parts, true).int8(2);
    expect(a.finish()).toEqual(Buffer.concat(b.chunks()));
  });

  it('encodes null records as -1 (classic) and 0 (compact)', () => {
    expect(new Writer().records(null, false).finish().toString('hex')).toBe('ffffffff');
    expect(new Writer().records(null, true).finish().toString('hex')).toBe('00');
  });
});
