import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogSegment } from '../../../src/broker/log/log-segment.ts';
import { ReadAhead } from '../../../src/broker/log/read-ahead.ts';
import { ReadBufferPool } from '../../../src/broker/log/read-buffer-pool.ts';
import { tempDir } from './batch-fixture.ts';

const KiB = 1024;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A stand-in segment over a real file of `bytes` bytes (byte i = i mod 251), counting its pins; `gone` = closed. */
function segmentOf(bytes: number): LogSegment & { pins: number; gone: boolean } {
  const t = tempDir();
  const file = path.join(t.dir, 'seg.log');
  fs.writeFileSync(file, Buffer.from(Array.from({ length: bytes }, (_, i) => i % 251)));
  const fd = fs.openSync(file, 'r');
  cleanups.push(() => {
    fs.closeSync(fd);
    t.remove();
  });
  const seg = {
    pins: 0,
    gone: false,
    pin(): number | null {
      if (seg.gone) return null;
      seg.pins++;
      return fd;
    },
    unpin(): void {
      seg.pins--;
    },
  };
  return seg as unknown as LogSegment & { pins: number; gone: boolean };
}

/** A pool that records which buffers came back. */
function trackingPool(): ReadBufferPool & { released: Buffer[] } {
  const pool = new ReadBufferPool() as ReadBufferPool & { released: Buffer[] };
  pool.released = [];
  const release = pool.release.bind(pool);
  pool.release = (chunks) => {
    pool.released.push(...chunks);
    release(chunks);
  };
  return pool;
}

const expected = (from: number, n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) % 251));

describe('ReadAhead', () => {
  it('hands the bytes read from the position to the fetch at that offset, once', async () => {
    const seg = segmentOf(300 * KiB);
    const ra = new ReadAhead(trackingPool());
    ra.start(seg, 42, 1000, 100 * KiB);
    expect(ra.retainedBytes).toBe(100 * KiB);
    expect(ra.take(seg, 41)).toBeNull();
    const got = await ra.take(seg, 42);
    expect(got).not.toBeNull();
    expect(got!.position).toBe(1000);
    expect(got!.n).toBe(100 * KiB);
    expect(got!.buf.subarray(0, got!.n).equals(expected(1000, 100 * KiB))).toBe(true);
    expect(ra.take(seg, 42)).toBeNull();
    expect(ra.retainedBytes).toBe(0);
    expect(seg.pins).toBe(0); // the segment was pinned only while its read was in flight
  });

  it('reads only what the file holds when the range runs past its end', async () => {
    const seg = segmentOf(70 * KiB);
    const ra = new ReadAhead(trackingPool());
    ra.start(seg, 1, 60 * KiB, 64 * KiB);
    const got = await ra.take(seg, 1);
    expect(got!.n).toBe(10 * KiB);
    expect(got!.buf.subarray(0, got!.n).equals(expected(60 * KiB, 10 * KiB))).toBe(true);
  });

  it('keeps within its byte budget by dropping the oldest entries, and recycles their buffers after their reads', async () => {
    const seg = segmentOf(512 * KiB);
    const pool = trackingPool();
    const ra = new ReadAhead(pool, 200 * KiB);
    ra.start(seg, 1, 0, 100 * KiB);
    ra.start(seg, 2, 100 * KiB, 100 * KiB);
    ra.start(seg, 3, 200 * KiB, 100 * KiB); // over budget: offset 1 goes
    expect(ra.retainedBytes).toBe(200 * KiB);
    expect(ra.take(seg, 1)).toBeNull();
    await Promise.all([ra.take(seg, 2), ra.take(seg, 3)]);
    // the dropped entry's buffer goes back to the pool once its read is over (it is unpinned then)
    await vi.waitFor(() => expect(pool.released.length).toBe(1));
    expect(seg.pins).toBe(0);
    ra.start(seg, 4, 0, 300 * KiB); // larger than the whole budget: not read ahead at all
    expect(ra.retainedBytes).toBe(0);
    expect(ra.take(seg, 4)).toBeNull();
  });

  it('keeps at most four entries per segment, and starts nothing for a closed segment', async () => {
    const seg = segmentOf(64 * KiB);
    const other = segmentOf(64 * KiB);
    const ra = new ReadAhead(trackingPool());
    for (let i = 0; i < 6; i++) ra.start(seg, i, i * KiB, KiB);
    ra.start(other, 0, 0, KiB);
    expect(ra.take(seg, 0)).toBeNull();
    expect(ra.take(seg, 1)).toBeNull();
    for (const o of [2, 3, 4, 5]) expect((await ra.take(seg, o))!.position).toBe(o * KiB);
    expect((await ra.take(other, 0))!.position).toBe(0);
    other.gone = true; // closed by retention or a swap
    ra.start(other, 9, 0, KiB);
    expect(ra.take(other, 9)).toBeNull();
  });

  it('drops an entry nobody took within its age limit', async () => {
    const seg = segmentOf(64 * KiB);
    let now = 0;
    const pool = trackingPool();
    const ra = new ReadAhead(pool, 1024 * KiB, () => now);
    ra.start(seg, 1, 0, 8 * KiB);
    now = 5_000;
    ra.start(seg, 2, 8 * KiB, 8 * KiB);
    now = 10_001; // the first is older than 10 s now, the second is not
    expect(ra.take(seg, 1)).toBeNull();
    expect(ra.retainedBytes).toBe(8 * KiB);
    expect((await ra.take(seg, 2))!.position).toBe(8 * KiB);
  });

  it('starts one read per offset: a second start for the same offset is ignored', async () => {
    const seg = segmentOf(64 * KiB);
    const ra = new ReadAhead(trackingPool());
    ra.start(seg, 7, 0, 8 * KiB);
    ra.start(seg, 7, 0, 8 * KiB);
    expect(ra.retainedBytes).toBe(8 * KiB);
    expect(await ra.take(seg, 7)).not.toBeNull();
    expect(ra.take(seg, 7)).toBeNull();
  });
});
