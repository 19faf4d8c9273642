import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AbsolutePacer, summarizeLatencies } from '../../../benchmarks/pipeline/pacer.ts';

describe('AbsolutePacer', () => {
  it('releases record 0 at the start and then rate × elapsed more', () => {
    const p = new AbsolutePacer(1000, 5000, 1_000_000);
    expect(p.dueBy(999.9)).toBe(0);
    expect(p.dueBy(1000)).toBe(1);
    expect(p.dueBy(1001)).toBe(6); // 5 per ms
    expect(p.dueBy(2000)).toBe(5001);
  });

  it('caps at the total', () => {
    const p = new AbsolutePacer(0, 5000, 10);
    expect(p.dueBy(60_000)).toBe(10);
  });

  it('the count due depends only on the time asked, not on how often or when ticks came (no drift)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100_000 }), (gaps, rate) => {
        const p = new AbsolutePacer(0, rate, Number.MAX_SAFE_INTEGER);
        let t = 0;
        let sent = 0;
        for (const g of gaps) {
          t += g;
          const due = p.dueBy(t);
          expect(due).toBeGreaterThanOrEqual(sent);
          sent = due;
        }
        // Whatever the tick pattern, the total handed over equals what a single tick at t gives.
        expect(sent).toBe(new AbsolutePacer(0, rate, Number.MAX_SAFE_INTEGER).dueBy(t));
        // ... and the achieved rate is the configured one to within one record.
        expect(Math.abs(sent - 1 - (t * rate) / 1000)).toBeLessThan(1);
      }),
    );
  });

  it('reports how late a record was handed over', () => {
    const p = new AbsolutePacer(100, 1000, 100);
    expect(p.dueAt(10)).toBe(110);
    expect(p.lagMs(10, 112.5)).toBeCloseTo(2.5);
    expect(p.lagMs(10, 105)).toBe(0);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new AbsolutePacer(0, 0, 1)).toThrow(/rate/);
  });
});

describe('summarizeLatencies', () => {
  it('gives nearest-rank quantiles and the max', () => {
    const xs = Float64Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1..1000, unsorted
    const s = summarizeLatencies(xs);
    expect(s.count).toBe(1000);
    expect(s.p50Ms).toBe(500);
    expect(s.p99Ms).toBe(990);
    expect(s.p999Ms).toBe(999);
    expect(s.maxMs).toBe(1000);
    expect(s.meanMs).toBeCloseTo(500.5);
  });

  it('is NaN when empty', () => {
    expect(Number.isNaN(summarizeLatencies(new Float64Array(0)).p50Ms)).toBe(true);
  });
});
