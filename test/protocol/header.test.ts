import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from '../../src/protocol/header.ts';
import { Reader } from '../../src/protocol/reader.ts';
import { Writer } from '../../src/protocol/writer.ts';

describe('request header', () => {
  it('v1 and v2 round-trip; v2 only adds a trailing tag section', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 75 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: -2147483648, max: 2147483647 }),
        fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        (apiKey, apiVersion, correlationId, clientId) => {
          const h = { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId };
          const w1 = new Writer();
          writeRequestHeader(w1, 1, h);
          const w2 = new Writer();
          writeRequestHeader(w2, 2, h);
          const b1 = w1.finish();
          const b2 = w2.finish();
          expect(Buffer.concat([b1, Buffer.from([0])])).toEqual(b2);
          expect(readRequestHeader(new Reader(b1), 1)).toEqual(h);
          expect(readRequestHeader(new Reader(b2), 2)).toEqual(h);
        },
      ),
    );
  });

  it('v2 keeps client_id as an int16-length string, not a compact one', () => {
    const w = new Writer();
    writeRequestHeader(w, 2, { requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'ab' });
    expect(w.finish().toString('hex')).toBe('0012' + '0003' + '00000001' + '0002' + '6162' + '00');
  });

  it('skips unknown tagged fields in a v2 header', () => {
    const bytes = Buffer.from('0012000300000001ffff' + '01' + '05' + '02' + 'abcd' + '7f', 'hex');
    const r = new Reader(bytes);
    expect(readRequestHeader(r, 2)).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: null });
    expect(r.int8()).toBe(0x7f);
  });

  it('uses v2 exactly for flexible request versions', () => {
    expect(requestHeaderVersion(true)).toBe(2);
    expect(requestHeaderVersion(false)).toBe(1);
  });
});

describe('response header', () => {
  it('v0 is the correlation id; v1 adds an empty tag section', () => {
    const w0 = new Writer();
    writeResponseHeader(w0, 0, 258);
    const w1 = new Writer();
    writeResponseHeader(w1, 1, 258);
    expect(w0.finish().toString('hex')).toBe('00000102');
    const b1 = w1.finish();
    expect(b1.toString('hex')).toBe('0000010200');
    expect(readResponseHeader(new Reader(b1), 1)).toEqual({ correlationId: 258 });
  });

  it('ApiVersions always answers with v0, other APIs with v1 iff flexible', () => {
    expect(responseHeaderVersion(18, true)).toBe(0);
    expect(responseHeaderVersion(18, false)).toBe(0);
    expect(responseHeaderVersion(1, true)).toBe(1);
    expect(responseHeaderVersion(1, false)).toBe(0);
  });
});
