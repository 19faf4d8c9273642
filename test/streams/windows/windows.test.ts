// Window definitions: argument checks as Kafka's TimeWindowsTest / SlidingWindowsTest /
// SessionWindowsTest, and window assignment and closing against naive reference models.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionWindows, mergeSessionWindows } from '../../../src/streams/windows/session-windows.ts';
import { SlidingWindows } from '../../../src/streams/windows/sliding-windows.ts';
import { TimeWindows } from '../../../src/streams/windows/time-windows.ts';

describe('TimeWindows', () => {
  it('assigns tumbling windows aligned to the epoch, end exclusive', () => {
    const w = TimeWindows.ofSizeWithNoGrace(10);
    expect([...w.windowsFor(0).values()]).toEqual([{ start: 0, end: 10 }]);
    expect([...w.windowsFor(9).values()]).toEqual([{ start: 0, end: 10 }]);
    expect([...w.windowsFor(10).values()]).toEqual([{ start: 10, end: 20 }]);
    expect(w.gracePeriodMs()).toBe(0);
  });

  it('assigns hopping windows (TimeWindowsTest: size 10, advance 5)', () => {
    const w = TimeWindows.ofSizeAndGrace(10, 3).advanceBy(5);
    expect([...w.windowsFor(12).keys()]).toEqual([5, 10]);
    expect([...w.windowsFor(3).keys()]).toEqual([0]);
    expect(w.gracePeriodMs()).toBe(3);
  });

  it('rejects bad sizes, advances and graces with a message naming the call', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(/TimeWindows.ofSizeWithNoGrace: size must be a positive/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(/grace must be a non-negative/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/must not exceed the window size/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(0)).toThrow(/advance must be a positive/);
    expect(() => TimeWindows.ofSizeWithNoGrace(1.5)).toThrow(/whole number/);
  });

  it('windowsFor matches the naive definition: every start multiple of advance with start <= ts < start + size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 10_000 }), (size, adv, ts) => {
        const advance = Math.min(adv, size);
        const w = TimeWindows.ofSizeWithNoGrace(size).advanceBy(advance);
        const naive: number[] = [];
        for (let start = 0; start <= ts; start += advance) if (ts < start + size) naive.push(start);
        const got = w.windowsFor(ts);
        expect([...got.keys()]).toEqual(naive);
        for (const [start, bounds] of got) expect(bounds).toEqual({ start, end: start + size });
        // the newest window starts at ts - ts % advance
        expect(naive[naive.length - 1]).toBe(ts - (ts % advance));
      }),
      { numRuns: 500 },
    );
  });
});

describe('SlidingWindows and SessionWindows', () => {
  it('validate their arguments', () => {
    expect(SlidingWindows.ofTimeDifferenceAndGrace(10, 5).gracePeriodMs()).toBe(5);
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/time difference/);
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0)).toThrow(/time difference/);
    expect(SessionWindows.ofInactivityGapAndGrace(5, 2).inactivityGap()).toBe(5);
    expect(() => SessionWindows.ofInactivityGapWithNoGrace(0)).toThrow(/inactivity gap must be a positive/);
    expect(() => SessionWindows.ofInactivityGapAndGrace(5, -1)).toThrow(/grace/);
  });

  it('merges sessions into the smallest covering session', () => {
    expect(mergeSessionWindows({ start: 5, end: 9 }, { start: 0, end: 6 })).toEqual({ start: 0, end: 9 });
  });
});
