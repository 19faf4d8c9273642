// Header names come from the wire: "__proto__" must be an ordinary header, never the prototype.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headersFromList } from '../../src/util/record-headers.ts';

describe('headersFromList', () => {
  it('keeps a header named __proto__ as an own property and the object an ordinary one', () => {
    const h = headersFromList([{ key: '__proto__', value: Buffer.from('x') }, { key: 'a', value: Buffer.from('y') }]);
    expect(Object.getPrototypeOf(h)).toBe(Object.prototype);
    expect(Object.keys(h)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(h, '__proto__')?.value).toEqual(Buffer.from('x'));
  });

  it('equals the last value per name, without null values, for any header names', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')), value: fc.option(fc.uint8Array().map((a) => Buffer.from(a))) })), (list) => {
        const expected = new Map<string, Buffer>();
        for (const { key, value } of list) if (value !== null) expected.set(key, value);
        const h = headersFromList(list);
        expect(new Map(Object.entries(h))).toEqual(expected);
        expect(Object.getPrototypeOf(h)).toBe(Object.prototype);
      }),
    );
  });
});
