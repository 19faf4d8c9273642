// The charts' history against a naive model: keep every sample, look at the last `capacity`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsoleHistory } from '../../src/console/console-history.ts';

describe('ConsoleHistory', () => {
  it('holds the last `capacity` samples, each series aligned with the times (null where absent)', () => {
    const groups = fc.dictionary(fc.constantFrom('g1', 'g2', 'g3'), fc.nat(1000));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(groups, { maxLength: 20 }), (capacity, samples) => {
        const h = new ConsoleHistory({ capacity, intervalMs: 1000 });
        samples.forEach((g, i) => h.sample(1000 * (i + 1), { topics: [], apps: [], groups: Object.entries(g).map(([groupId, totalLag]) => ({ groupId, totalLag })) }));
        const view = h.view();
        const kept = samples.slice(-capacity);
        expect(view.times).toEqual(kept.map((_, i) => 1000 * (samples.length - kept.length + i + 1)));
        const expected: Record<string, (number | null)[]> = {};
        for (const name of ['g1', 'g2', 'g3']) {
          const values = kept.map((g) => g[name] ?? null);
          // A series appears from its group's first sample and is dropped when its window is all null.
          const everSeen = samples.some((g) => g[name] !== undefined);
          if (everSeen && values.some((v) => v !== null)) expected[`group-lag:${name}`] = values;
        }
        expect(view.series).toEqual(expected);
      }),
    );
  });

  it('turns a topic’s produced-records total into a rate, with no rate for its first sample', () => {
    const h = new ConsoleHistory({ capacity: 10, intervalMs: 2000 });
    const topics = (n: number) => [{ name: 'orders', recordsIn: n, internal: false }, { name: '__consumer_offsets', recordsIn: n, internal: true }];
    h.sample(0, { topics: topics(100), groups: [], apps: [] });
    h.sample(2000, { topics: topics(300), groups: [], apps: [] });
    h.sample(4000, { topics: topics(300), groups: [], apps: [] });
    expect(h.view().series).toEqual({ 'topic-in:orders': [null, 100, 0] });
  });
});
