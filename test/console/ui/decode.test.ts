// How the message browser shows bytes: text, JSON, hex, and the automatic choice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes, guessMode } from '../../../src/console/ui/decode.ts';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('decodeBytes / guessMode', () => {
  it('shows JSON pretty-printed, and text that is not JSON as it is', () => {
    expect(decodeBytes(b64('{"a":1,"b":[2]}'), 'json')).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}');
    expect(decodeBytes(b64('not json'), 'json')).toBe('not json');
    expect(decodeBytes(b64('héllo'), 'text')).toBe('héllo');
  });

  it('hex: 16 bytes a line after a 6-digit offset, and it round-trips any bytes', () => {
    expect(decodeBytes(b64(Buffer.from([0, 1, 255])), 'hex')).toBe('000000  00 01 ff');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const lines = decodeBytes(b64(Buffer.from(bytes)), 'hex').split('\n').filter((l) => l !== '');
        const back = lines.flatMap((l, i) => {
          expect(l.slice(0, 6)).toBe((i * 16).toString(16).padStart(6, '0'));
          return l.slice(8).split(' ').map((h) => parseInt(h, 16));
        });
        expect(back).toEqual([...bytes]);
      }),
    );
  });

  it('notes a cut value', () => {
    expect(decodeBytes(b64('abc'), 'text', true)).toMatch(/^abc\n… \(cut/);
  });

  it('guesses json for objects and arrays, text for UTF-8 words, hex for binary', () => {
    expect(guessMode(b64('{"x":1}'))).toBe('json');
    expect(guessMode(b64('[1,2]'))).toBe('json');
    expect(guessMode(b64('{broken'))).toBe('text');
    expect(guessMode(b64('order-1'))).toBe('text');
    expect(guessMode(b64(Buffer.from([0, 0, 0, 0, 0, 0, 0, 5])))).toBe('hex');
    expect(guessMode(b64(Buffer.from([0xc3, 0x28])))).toBe('hex');
  });
});
