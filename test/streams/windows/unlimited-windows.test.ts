// UnlimitedWindows, ported from Apache Kafka's UnlimitedWindowsTest (streams/src/test/java/org/
// apache/kafka/streams/kstream/UnlimitedWindowsTest.java), plus windowsFor against a reference
// model and the exact Long.MAX_VALUE text of the end of time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnlimitedWindows } from '../../../src/streams/windows/unlimited-windows.ts';
import { END_OF_TIME_MS, formatWindow, longMsText } from '../../../src/streams/windows/window-checks.ts';

const anyStartTime = 10;

describe('UnlimitedWindowsTest', () => {
  it('shouldSetWindowStartTime', () => {
    expect(UnlimitedWindows.of().startOn(new Date(anyStartTime)).startMs).toBe(anyStartTime);
    expect(UnlimitedWindows.of().startOn(anyStartTime).startMs).toBe(anyStartTime);
    expect(UnlimitedWindows.of().startMs).toBe(0);
  });

  it('startTimeMustNotBeNegative', () => {
    expect(() => UnlimitedWindows.of().startOn(-1)).toThrow(/UnlimitedWindows.startOn: start must be a non-negative whole number of milliseconds, got -1/);
    expect(() => UnlimitedWindows.of().startOn(new Date(-1))).toThrow(/start must be a non-negative/);
    expect(() => UnlimitedWindows.of().startOn(new Date(Number.NaN))).toThrow(/got NaN/);
  });

  it('shouldIncludeRecordsThatHappenedOnWindowStart', () => {
    const w = UnlimitedWindows.of().startOn(anyStartTime);
    const matched = w.windowsFor(w.startMs);
    expect(matched.size).toBe(1);
    expect(matched.get(anyStartTime)).toEqual({ start: anyStartTime, end: END_OF_TIME_MS });
  });

  it('shouldIncludeRecordsThatHappenedAfterWindowStart', () => {
    const w = UnlimitedWindows.of().startOn(anyStartTime);
    const matched = w.windowsFor(w.startMs + 1);
    expect(matched.size).toBe(1);
    expect(matched.get(anyStartTime)).toEqual({ start: anyStartTime, end: END_OF_TIME_MS });
  });

  it('shouldExcludeRecordsThatHappenedBeforeWindowStart', () => {
    const w = UnlimitedWindows.of().startOn(anyStartTime);
    expect(w.windowsFor(w.startMs - 1).size).toBe(0);
  });

  it('equalsAndHashcodeShouldBeValidForPositiveCases / NegativeCases', () => {
    expect(UnlimitedWindows.of().equals(UnlimitedWindows.of())).toBe(true);
    expect(UnlimitedWindows.of().startOn(1).equals(UnlimitedWindows.of().startOn(1))).toBe(true);
    expect(UnlimitedWindows.of().startOn(9).equals(UnlimitedWindows.of().startOn(1))).toBe(false);
    expect(UnlimitedWindows.of().equals({ startMs: 0 })).toBe(false);
  });

  it('has an infinite size (Long.MAX_VALUE in Kafka, END_OF_TIME_MS here) and no grace', () => {
    expect(UnlimitedWindows.of().size()).toBe(END_OF_TIME_MS);
    expect(UnlimitedWindows.of().gracePeriodMs()).toBe(0);
    expect(String(UnlimitedWindows.of().startOn(3))).toBe('UnlimitedWindows{startMs=3}');
  });

  it('windowsFor matches the reference model: one window [start, end of time) iff ts >= start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 0, max: 2 ** 45 }), (start, ts) => {
        const got = [...UnlimitedWindows.of().startOn(start).windowsFor(ts)];
        const model = ts >= start ? [[start, { start, end: END_OF_TIME_MS }]] : [];
        expect(got).toEqual(model);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the end of time as Kafka prints it', () => {
  it('longMsText adds in longs: END_OF_TIME_MS is Long.MAX_VALUE, overflow caps there', () => {
    expect(longMsText(END_OF_TIME_MS)).toBe('9223372036854775807');
    expect(longMsText(END_OF_TIME_MS, 86_400_000)).toBe('9223372036854775807');
    expect(longMsText(10, END_OF_TIME_MS)).toBe('9223372036854775807');
    expect(longMsText(END_OF_TIME_MS - 1, 86_400_000)).toBe('9007199341140990');
    expect(longMsText(100, 86_400_000)).toBe('86400100');
  });

  it('longMsText equals exact BigInt addition for safe operands below the end of time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: END_OF_TIME_MS - 1 }), fc.integer({ min: 0, max: END_OF_TIME_MS - 1 }), (a, b) => {
        expect(longMsText(a, b)).toBe((BigInt(a) + BigInt(b)).toString());
      }),
    );
  });

  it('formatWindow prints an unlimited window with Kafka’s end', () => {
    expect(formatWindow({ start: 5, end: END_OF_TIME_MS }, false)).toBe('[5,9223372036854775807)');
    expect(formatWindow({ start: 5, end: 15 }, true)).toBe('[5,15]');
  });
});
