import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { prefixUpperBound, FunctionKeyValueIterator } from '../../../src/streams/state/kv-iterators.ts';

describe('prefixUpperBound', () => {
  it('increments the last byte below 0xff and drops trailing 0xff bytes', () => {
    expect(prefixUpperBound(Buffer.from([0x61, 0x62]))).toEqual(Buffer.from([0x61, 0x63]));
    expect(prefixUpperBound(Buffer.from([0x61, 0xff, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(prefixUpperBound(Buffer.from([0xff, 0xff]))).toBeUndefined();
    expect(prefixUpperBound(Buffer.alloc(0))).toBeUndefined();
  });

  it('is above every extension of the prefix and at or below every larger non-extension (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 4 }), (p, other) => {
        const prefix = Buffer.from(p);
        const key = Buffer.from(other);
        const bound = prefixUpperBound(prefix);
        const extends_ = key.subarray(0, prefix.length).equals(prefix);
        const extension = Buffer.concat([prefix, key]);
        if (bound === undefined) {
          // only all-0xff (or empty) prefixes have no bound: every key above the prefix extends it
          expect(prefix.every((byte) => byte === 0xff)).toBe(true);
          return;
        }
        expect(Buffer.compare(extension, bound)).toBeLessThan(0);
        if (!extends_ && Buffer.compare(key, prefix) > 0) expect(Buffer.compare(key, bound)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('iterators', () => {
  it('close on exhaustion, on close(), and when a for-of loop stops early', () => {
    let closed = 0;
    const make = () => {
      let i = 0;
      return new FunctionKeyValueIterator(
        () => (i < 3 ? { key: i, value: i++ } : undefined),
        () => closed++,
      );
    };
    expect([...make()].map((kv) => kv.key)).toEqual([0, 1, 2]);
    expect(closed).toBe(1);
    for (const _ of make()) break;
    expect(closed).toBe(2);
    const it3 = make();
    it3.close();
    it3.close();
    expect(closed).toBe(3);
    expect(it3.next().done).toBe(true);
  });
});
