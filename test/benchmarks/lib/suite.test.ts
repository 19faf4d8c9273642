/*
 * The statistics the benchmark suites report (nearest-rank quantiles, medians) and the profile
 * summary that names each workload's bottleneck, checked against hand-computed answers and a
 * sort-based reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarize, topBottleneck, type CpuProfile } from '../../../benchmarks/lib/cpu-profile.ts';
import { median, quantile } from '../../../benchmarks/lib/suite.ts';

describe('quantile (nearest rank)', () => {
  it('gives the textbook answers', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(xs, 0.5)).toBe(5);
    expect(quantile(xs, 0.99)).toBe(10);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('is an element with at least q of the samples at or below it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (raw, q) => {
        const xs = [...raw].sort((a, b) => a - b);
        const v = quantile(xs, q);
        expect(xs).toContain(v);
        expect(xs.filter((x) => x <= v).length).toBeGreaterThanOrEqual(Math.ceil(q * xs.length));
      }),
    );
  });
});

describe('median', () => {
  it('averages the middle pair of an even count and ignores input order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('topBottleneck', () => {
  it('names the layer with the most self time and leaves idle out of the busy share', () => {
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    const profile: CpuProfile = {
      nodes: [
        { ...frame(1, '(root)', ''), children: [2, 3, 4, 5] },
        frame(2, 'sendBatch', 'file:///x/node_modules/kafkajs/src/protocol/requests/produce/v3/request.js'),
        frame(3, 'get', 'file:///x/src/streams/state/caching-key-value-store.ts'),
        frame(4, '(idle)', ''),
        frame(5, '(garbage collector)', ''),
      ],
      startTime: 0,
      endTime: 1000,
      // 6 samples client, 2 store, 10 idle, 2 gc; each 1000 µs.
      samples: [2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5],
      timeDeltas: new Array(21).fill(1000),
    };
    const s = summarize(profile);
    expect(topBottleneck(s)).toBe('client 60% of busy time (gc 20%, idle 50% of wall)');
  });
});
