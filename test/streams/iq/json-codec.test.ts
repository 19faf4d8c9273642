import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKey, keyOrder, QueryError, toJsonValue } from '../../../src/streams/iq/json-codec.ts';
import { Serdes } from '../../../src/streams/serde/serdes.ts';

const T = 'app-store-changelog';

describe('decodeKey', () => {
  it('reads the text as the key for String serdes and as JSON otherwise (auto)', () => {
    expect(decodeKey('o-1', 'auto', Serdes.string(), T)).toBe('o-1');
    expect(decodeKey('42', 'auto', Serdes.string(), T)).toBe('42');
    expect(decodeKey('42', 'auto', Serdes.int32(), T)).toBe(42);
    expect(decodeKey('{"id":7}', 'auto', Serdes.json(), T)).toEqual({ id: 7 });
    expect(decodeKey('"o-1"', 'json', Serdes.string(), T)).toBe('o-1');
    expect(decodeKey('7', 'string', Serdes.json(), T)).toBe('7');
  });

  it('answers 400 naming the serde when the key is not JSON or does not fit the serde', () => {
    const err = (f: () => unknown): QueryError => {
      try {
        f();
      } catch (e) {
        return e as QueryError;
      }
      throw new Error('did not throw');
    };
    const notJson = err(() => decodeKey('o-1', 'auto', Serdes.int32(), T));
    expect(notJson.status).toBe(400);
    expect(notJson.message).toMatch(/not JSON; this store's key serde is Integer/);
    const misfit = err(() => decodeKey('"abc"', 'json', Serdes.int32(), T));
    expect(misfit.status).toBe(400);
    expect(misfit.message).toMatch(/does not fit this store's key serde Integer/);
  });

  it('a JSON key round-trips through its text for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(decodeKey(text, 'json', Serdes.json(), T)).toEqual(JSON.parse(text));
      }),
    );
  });
});

describe('toJsonValue', () => {
  it('writes bigints as decimal strings and bytes as base64, deeply', () => {
    expect(toJsonValue({ n: 12345678901234567890n, b: Buffer.from('hi'), list: [1n, { d: new Date(0) }], m: new Map([['k', 2n]]), u: undefined })).toEqual({
      n: '12345678901234567890',
      b: 'aGk=',
      list: ['1', { d: '1970-01-01T00:00:00.000Z' }],
      m: { k: '2' },
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const out = toJsonValue(JSON.parse('{"__proto__":{"polluted":1},"a":1}')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":1},"a":1}');
  });

  it('is the identity on JSON values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const json: unknown = JSON.parse(JSON.stringify(v));
        expect(toJsonValue(json)).toEqual(json);
      }),
    );
  });
});

describe('keyOrder', () => {
  it('orders keys as the store does (serialized bytes), falling back to JSON text', () => {
    const sorted = [3, 1, 2, 256].map((k) => ({ k, o: keyOrder(k, Serdes.int32(), T) })).sort((a, b) => Buffer.compare(a.o, b.o));
    expect(sorted.map((x) => x.k)).toEqual([1, 2, 3, 256]);
    expect(keyOrder('not a number', Serdes.int32(), T).toString()).toBe('"not a number"');
  });
});
