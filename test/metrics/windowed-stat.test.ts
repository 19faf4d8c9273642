// WindowedStat against a reference model: a plain list of (time, value) events, from which the
// windows a reader would see are recomputed naively.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowedStat } from '../../src/metrics/windowed-stat.ts';

describe('WindowedStat', () => {
  it('totals every event and reports NaN avg/max/min before any value', () => {
    const s = new WindowedStat(0, { windowMs: 1000, numSamples: 2 });
    expect(s.read(10)).toMatchObject({ total: 0, rate: 0 });
    expect(s.read(10).avg).toBeNaN();
    expect(s.read(10).max).toBeNaN();
    s.recordMany(4, 20);
    s.add(2);
    s.record(9);
    s.observe(100);
    const r = s.read(500);
    expect(r.total).toBe(7);
    expect(r.sum).toBe(129);
    expect(r.max).toBe(100);
    expect(r.min).toBe(5);
  });

  it('matches a reference model of its windows (reads at arbitrary times)', () => {
    const windowMs = 100;
    const numSamples = 3;
    const step = fc.oneof(
      fc.record({ kind: fc.constant('record' as const), dt: fc.integer({ min: 0, max: 80 }), v: fc.integer({ min: 0, max: 1000 }) }),
      fc.record({ kind: fc.constant('read' as const), dt: fc.integer({ min: 0, max: 250 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const stat = new WindowedStat(0, { windowMs, numSamples });
        // Reference: the window starts the stat opened, and every event with the window it went
        // into. Windows roll when read, so an event recorded at the very time a later read rolls
        // the window still belongs to the older window.
        const starts = [0];
        const events: Array<{ w: number; v: number }> = [];
        let now = 0;
        for (const s of steps) {
          now += s.dt;
          if (s.kind === 'record') {
            stat.record(s.v);
            events.push({ w: starts.length - 1, v: s.v });
            continue;
          }
          if (now - starts.at(-1)! >= windowMs) starts.push(now);
          const first = Math.max(0, starts.length - numSamples);
          const from = starts[first]!;
          const inView = events.filter((e) => e.w >= first);
          const r = stat.read(now);
          expect(r.total).toBe(events.length);
          expect(r.rate).toBeCloseTo(inView.length / (Math.max(now - from, 1) / 1000), 6);
          if (inView.length === 0) {
            expect(r.avg).toBeNaN();
          } else {
            expect(r.avg).toBeCloseTo(inView.reduce((n, e) => n + e.v, 0) / inView.length, 6);
            expect(r.max).toBe(Math.max(...inView.map((e) => e.v)));
            expect(r.min).toBe(Math.min(...inView.map((e) => e.v)));
          }
        }
      }),
    );
  });
});
