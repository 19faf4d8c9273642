import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  readVarlongNumber,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlongNumber,
  writeUnsignedVarintAt,
  writeVarintAt,
  writeVarlongAt,
  writeVarlongNumberAt,
} from '../../src/util/varint.ts';

// Reference model: protobuf encoding written with BigInt only, byte by byte.
function refZigzag(n: bigint, bits: bigint): bigint {
  const mask = (1n << bits) - 1n;
  return ((n << 1n) ^ (n >> (bits - 1n))) & mask;
}
function refUnsigned(z: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) b |= 0x80;
    out.push(b);
  } while (z > 0n);
  return out;
}

const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

describe('zigzag varint (int32)', () => {
  it('matches the BigInt reference encoding and decodes back', () => {
    fc.assert(
      fc.property(int32, (n) => {
        const buf = Buffer.alloc(10);
        const end = writeVarintAt(buf, 0, n);
        expect([...buf.subarray(0, end)]).toEqual(refUnsigned(refZigzag(BigInt(n), 32n)));
        expect(sizeOfVarint(n)).toBe(end);
        expect(readVarint(buf, 0, { value: 0, next: 0 })).toEqual({ value: n, next: end });
      }),
    );
  });

  it('encodes small values as Kafka does: 0→00, -1→01, 1→02, 63→7e, -64→7f, 64→8001', () => {
    const enc = (n: number) => {
      const b = Buffer.alloc(5);
      return b.subarray(0, writeVarintAt(b, 0, n)).toString('hex');
    };
    expect([0, -1, 1, 63, -64, 64].map(enc)).toEqual(['00', '01', '02', '7e', '7f', '8001']);
  });
});

describe('zigzag varlong (int64)', () => {
  it('bigint path matches the reference for the whole int64 range', () => {
    fc.assert(
      fc.property(int64, (n) => {
        const buf = Buffer.alloc(10);
        const end = writeVarlongAt(buf, 0, n);
        expect([...buf.subarray(0, end)]).toEqual(refUnsigned(refZigzag(n, 64n)));
        expect(readVarlong(buf, 0, { value: 0n, next: 0 })).toEqual({ value: n, next: end });
      }),
    );
  });

  it('number fast path agrees with the bigint path for safe integers', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const a = Buffer.alloc(10);
        const b = Buffer.alloc(10);
        const ea = writeVarlongNumberAt(a, 0, n);
        const eb = writeVarlongAt(b, 0, BigInt(n));
        expect(a.subarray(0, ea)).toEqual(b.subarray(0, eb));
        expect(sizeOfVarlongNumber(n)).toBe(ea);
        expect(readVarlongNumber(a, 0, { value: 0, next: 0 })).toEqual({ value: n, next: ea });
      }),
    );
  });

  it('the number reader refuses values beyond 2^53 instead of rounding', () => {
    const b = Buffer.alloc(10);
    const end = writeVarlongAt(b, 0, 2n ** 60n);
    expect(() => readVarlongNumber(b.subarray(0, end), 0, { value: 0, next: 0 })).toThrow(/safe integer/);
  });
});

describe('unsigned varint', () => {
  it('round-trips every uint32 and matches the reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const buf = Buffer.alloc(5);
        const end = writeUnsignedVarintAt(buf, 0, n);
        expect([...buf.subarray(0, end)]).toEqual(refUnsigned(BigInt(n)));
        expect(sizeOfUnsignedVarint(n)).toBe(end);
        expect(readUnsignedVarint(buf, 0, { value: 0, next: 0 })).toEqual({ value: n, next: end });
      }),
    );
  });

  it('reports truncated and overlong input', () => {
    expect(() => readUnsignedVarint(Buffer.from([0x80, 0x80]), 0, { value: 0, next: 0 })).toThrow(/truncated/);
    expect(() => readUnsignedVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), 0, { value: 0, next: 0 })).toThrow(/32 bits/);
  });
});
