/*
 * The CLI progress line (src/cli/progress.ts), driven by a fake clock: nothing in the first
 * second, then at most one redraw per interval, overwritten in place with \r; percent and ETA
 * from a known total; erased by finish(); silent when stderr is not a TTY or --no-progress.
 */
import { describe, expect, it } from 'vitest';
import { formatDuration, formatSize, Progress, type ProgressOptions } from '../../src/cli/progress.ts';

function setup(opts: Partial<ProgressOptions> = {}, isTTY = true) {
  let t = 10_000;
  const writes: string[] = [];
  const progress = new Progress({ verb: 'Consumed', out: { isTTY, write: (s: string) => writes.push(s) }, now: () => t, ...opts });
  return { progress, writes, advance: (ms: number) => (t += ms) };
}

describe('Progress', () => {
  it('stays quiet for the first second, then redraws at most every 250 ms in place', () => {
    const { progress, writes, advance } = setup();
    progress.add(100, 1000);
    advance(900);
    progress.add(100, 1000);
    expect(writes).toEqual([]);
    advance(100); // 1 s: first draw
    progress.add(800, 8000);
    expect(writes).toEqual(['\rConsumed 1,000 records, 9.8 KiB · 1,000 rec/s, 9.8 KiB/s']);
    advance(100);
    progress.add(1000, 10_000);
    expect(writes).toHaveLength(1); // within the interval: no redraw
    advance(150);
    progress.tick();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toMatch(/^\rConsumed 2,000 records, 19\.5 KiB · 1,600 rec\/s/);
  });

  it('shows percent and ETA for a known total in records', () => {
    const { progress, writes, advance } = setup({ total: { unit: 'records', value: 10_000 } });
    advance(2000);
    progress.add(2500, 100);
    // 2,500 of 10,000 in 2 s: 25%, 7,500 left at 1,250/s = 6 s.
    expect(writes[0]).toBe('\rConsumed 2,500 records, 100 B · 1,250 rec/s, 50 B/s · 25% · ETA 6s');
  });

  it('shows percent and ETA for a known total in bytes', () => {
    const { progress, advance } = setup({ verb: 'Produced', total: { unit: 'bytes', value: 4 * 1024 * 1024 } });
    advance(4000);
    progress.add(10, 1024 * 1024);
    expect(progress.line()).toBe('Produced 10 records, 1.0 MiB · 3 rec/s, 256.0 KiB/s · 25% · ETA 12s');
  });

  it('pads a shorter redraw over the longer one and erases the line on finish', () => {
    const { progress, writes, advance } = setup({ verb: 'X', total: { unit: 'records', value: 3 } });
    advance(1000);
    progress.add(1, 0);
    const first = writes[0]!.slice(1);
    advance(1000);
    progress.add(2, 0); // done: no ETA, the line gets shorter
    expect(writes[1]!.length - 1).toBe(first.length);
    expect(writes[1]).toContain('100%');
    expect(writes[1]).not.toContain('ETA');
    progress.finish();
    expect(writes[2]).toMatch(/^\r +\r$/);
    progress.finish();
    expect(writes).toHaveLength(3);
  });

  it('prints nothing when stderr is not a TTY or progress is turned off, and finish() is then a no-op', () => {
    for (const { progress, writes, advance } of [setup({}, false), setup({ enabled: false })]) {
      advance(5000);
      progress.add(1, 1);
      progress.finish();
      expect(writes).toEqual([]);
      expect(progress.records).toBe(1);
    }
  });

  it('formats sizes and durations', () => {
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1023)).toBe('1023 B');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatDuration(0.4)).toBe('0s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(7320)).toBe('2h02m');
  });
});
