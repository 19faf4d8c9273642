import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readInt64BE, writeInt64BE } from '../../src/util/int64.ts';

describe('int64 big-endian as a number', () => {
  it('writes the same bytes as Buffer.writeBigInt64BE for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.nat(8), (value, offset) => {
        const ours = Buffer.alloc(16);
        const reference = Buffer.alloc(16);
        writeInt64BE(ours, offset, value);
        reference.writeBigInt64BE(BigInt(value), offset);
        expect(ours.equals(reference)).toBe(true);
        expect(readInt64BE(ours, offset)).toBe(value);
      }),
    );
  });

  it('reads what Buffer.writeBigInt64BE wrote, at the edges', () => {
    for (const value of [0, -1, 1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const buf = Buffer.alloc(8);
      buf.writeBigInt64BE(BigInt(value));
      expect(readInt64BE(buf, 0)).toBe(value);
    }
  });
});
