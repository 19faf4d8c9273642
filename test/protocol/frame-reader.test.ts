import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, FrameSizeError } from '../../src/protocol/frame-reader.ts';

const LIMITS = { minFrameBytes: 0, maxFrameBytes: 1 << 20 };

function framed(payloads: readonly Uint8Array[]): Buffer {
  return Buffer.concat(
    payloads.flatMap((p) => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(p.length);
      return [size, Buffer.from(p)];
    }),
  );
}

/** Cuts `stream` at the given points (sorted, deduplicated, within bounds). */
function cut(stream: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (stream.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...at, stream.length]) {
    out.push(stream.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** Feeds every chunk, draining frames after each one, as a socket's data handler does. */
function readAll(reader: FrameReader, chunks: readonly Buffer[]): Buffer[] {
  const frames: Buffer[] = [];
  for (const c of chunks) {
    reader.push(c);
    for (let f = reader.next(); f !== null; f = reader.next()) frames.push(Buffer.from(f));
  }
  return frames;
}

describe('FrameReader', () => {
  it('returns the same frames however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, points) => {
          const stream = framed(payloads);
          const reader = new FrameReader(LIMITS);
          const frames = readAll(reader, cut(stream, points));
          expect(frames.map((f) => [...f])).toEqual(payloads.map((p) => [...p]));
          expect(reader.buffered).toBe(0);
        },
      ),
    );
  });

  it('keeps a trailing partial frame buffered until its last byte arrives', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (payload, at) => {
        const stream = framed([payload]);
        const split = at % stream.length; // strictly before the last byte
        const reader = new FrameReader(LIMITS);
        reader.push(stream.subarray(0, split));
        expect(reader.next()).toBeNull();
        expect(reader.buffered).toBe(split);
        reader.push(stream.subarray(split));
        expect([...reader.next()!]).toEqual([...payload]);
        expect(reader.next()).toBeNull();
      }),
    );
  });

  it('hands out a frame that lies within one chunk as a view of that chunk (no copy)', () => {
    const stream = framed([Buffer.from('first'), Buffer.from('second')]);
    const reader = new FrameReader(LIMITS);
    reader.push(stream);
    const a = reader.next()!;
    const b = reader.next()!;
    expect(a.buffer).toBe(stream.buffer);
    expect(b.buffer).toBe(stream.buffer);
    expect(b.toString()).toBe('second');
  });

  it('copies a frame that straddles chunks into a buffer of exactly its size', () => {
    const stream = framed([Buffer.from('straddling')]);
    const reader = new FrameReader(LIMITS);
    reader.push(stream.subarray(0, 8));
    reader.push(stream.subarray(8));
    const f = reader.next()!;
    expect(f.toString()).toBe('straddling');
    expect(f.length).toBe(10);
    stream.fill(0); // the frame is a copy: the socket's chunks may be reused
    expect(f.toString()).toBe('straddling');
  });

  it('rejects a size prefix outside the limits, naming the size', () => {
    const reader = new FrameReader({ minFrameBytes: 4, maxFrameBytes: 100 });
    const tooBig = Buffer.alloc(4);
    tooBig.writeInt32BE(101);
    reader.push(tooBig);
    expect(() => reader.next()).toThrow(FrameSizeError);
    expect(() => reader.next()).toThrow(/frame size 101 is outside 4\.\.100/);

    const negative = new FrameReader(LIMITS);
    negative.push(Buffer.from([0xff, 0xff, 0xff]));
    expect(negative.next()).toBeNull(); // three bytes are not a size yet
    negative.push(Buffer.from([0xfe]));
    expect(() => negative.next()).toThrow(/frame size -2 /);
  });

  it('rejects impossible limits', () => {
    expect(() => new FrameReader({ minFrameBytes: 10, maxFrameBytes: 5 })).toThrow(/minFrameBytes/);
  });

  it('forgets everything on clear()', () => {
    const reader = new FrameReader(LIMITS);
    reader.push(framed([Buffer.from('abc')]).subarray(0, 5));
    reader.clear();
    expect(reader.buffered).toBe(0);
    reader.push(framed([Buffer.from('xyz')]));
    expect(reader.next()!.toString()).toBe('xyz');
  });

  describe('reading in place (readTarget / filled)', () => {
    const SMALL = { ...LIMITS, readChunkBytes: 32, directMinBytes: 8 };

    /** Plays `stream` into the reader as a socket with `onread` would: each read fills at most `sizes[i]` bytes of the target. */
    function readInPlace(reader: FrameReader, stream: Buffer, sizes: readonly number[]): Buffer[] {
      const frames: Buffer[] = [];
      let at = 0;
      let i = 0;
      while (at < stream.length) {
        const target = reader.readTarget();
        expect(target.length).toBeGreaterThan(0);
        const n = Math.min(target.length, stream.length - at, 1 + ((sizes[i++ % Math.max(sizes.length, 1)] ?? 1000) % 97));
        stream.copy(target, 0, at, at + n);
        at += n;
        reader.filled(n);
        for (let f = reader.next(); f !== null; f = reader.next()) frames.push(f); // views, kept uncopied
      }
      return frames;
    }

    it('returns the same frames however the reads are sized, and earlier frames stay intact', () => {
      fc.assert(
        fc.property(
          fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 60 }),
          (payloads, sizes) => {
            const reader = new FrameReader(SMALL);
            const frames = readInPlace(reader, framed(payloads), sizes);
            // Compared only at the end: a frame must not alias memory a later read wrote.
            expect(frames.map((f) => [...f])).toEqual(payloads.map((p) => [...p]));
            expect(reader.buffered).toBe(0);
          },
        ),
      );
    });

    it('reads a large frame into a buffer of its own, never handing out more of it than the frame', () => {
      const payload = Buffer.alloc(1000, 7);
      const stream = framed([payload, Buffer.from('next')]);
      const reader = new FrameReader(SMALL);
      const first = reader.readTarget();
      stream.copy(first, 0, 0, 20); // the size prefix and 16 payload bytes arrive in scratch
      reader.filled(20);
      expect(reader.next()).toBeNull();
      const direct = reader.readTarget();
      expect(direct.length).toBe(1000 - 16); // bounded by what is left of the frame
      expect(reader.buffered).toBe(20);
      stream.copy(direct, 0, 20, 1004);
      reader.filled(984);
      const frame = reader.next()!;
      expect(frame.length).toBe(1000);
      expect(frame.buffer).toBe(direct.buffer); // the read landed in the frame itself
      expect(frame.equals(payload)).toBe(true);
      const rest = reader.readTarget();
      stream.copy(rest, 0, 1004);
      reader.filled(stream.length - 1004);
      expect(reader.next()!.toString()).toBe('next');
    });

    it('reports an invalid size from next(), not from readTarget()', () => {
      const reader = new FrameReader({ ...SMALL, maxFrameBytes: 100 });
      const target = reader.readTarget();
      target.writeInt32BE(5000, 0);
      reader.filled(4);
      expect(() => reader.readTarget()).not.toThrow();
      expect(() => reader.next()).toThrow(FrameSizeError);
    });

    it('rejects read sizes that cannot work', () => {
      expect(() => new FrameReader({ ...LIMITS, readChunkBytes: 8, directMinBytes: 16 })).toThrow(/directMinBytes ≤ readChunkBytes/);
    });
  });
});
