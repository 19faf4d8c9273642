import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaHashSetOrder, javaSetToString, javaStringHashCode } from '../../../src/streams/topology/java-hash-order.ts';

describe('Java HashSet order emulation', () => {
  it('computes String.hashCode like Java (32-bit wrap-around)', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaStringHashCode('counts-store')).toBe(javaStringHashCode('counts-store'));
  });

  it('orders by bucket, keeping insertion order inside a bucket', () => {
    // "Aa" and "BB" collide in Java (same hashCode 2112), so they keep insertion order.
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(javaHashSetOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
    expect(javaHashSetOrder(['Aa', 'BB'])).toEqual(['Aa', 'BB']);
    // Single-letter strings hash to their code point: buckets 'a'=97&15=1, 'b'=2, 'p'=112&15=0.
    expect(javaHashSetOrder(['b', 'a', 'p'])).toEqual(['p', 'a', 'b']);
    expect(javaSetToString(['b', 'a', 'p'])).toBe('[p, a, b]');
    expect(javaSetToString([])).toBe('[]');
  });

  it('is a permutation of the distinct inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 30 }), (items) => {
        const out = javaHashSetOrder(items);
        expect(new Set(out)).toEqual(new Set(items));
        expect(out.length).toBe(new Set(items).size);
      }),
    );
  });
});
