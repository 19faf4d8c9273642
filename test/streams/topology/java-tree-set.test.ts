// JavaTreeSet: java.util.TreeSet's iteration order, including when the comparator's answers change
// between insertions (what Kafka's describe() relies on).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JavaTreeSet } from '../../../src/streams/topology/java-tree-set.ts';

describe('JavaTreeSet', () => {
  it('with a fixed comparator it iterates in sorted order and drops duplicates (reference: sort + dedupe)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 }), (xs) => {
        const set = new JavaTreeSet<number>((a, b) => a - b);
        for (const x of xs) set.add(x);
        expect(set.values()).toEqual([...new Set(xs)].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('never re-sorts: an element placed under one ranking keeps its place when the ranking changes', () => {
    const rank = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    const set = new JavaTreeSet<string>((x, y) => rank.get(x)! - rank.get(y)!);
    set.add('b');
    set.add('a');
    rank.set('a', 3); // 'a' now ranks after 'b', but the tree was built when it ranked first
    expect(set.values()).toEqual(['a', 'b']);
    rank.set('c', 0);
    set.add('c'); // compared with the root ('b') first, then 'a': lands before both
    expect(set.values()).toEqual(['c', 'a', 'b']);
  });

  it('places a new element by the red-black tree path, not by a scan of the sequence', () => {
    // Insert 1..7 under a fixed order (root becomes 2 after rebalancing, then 4), then flip
    // the ranking of 6 and insert 0 ranked just below 6: the walk from the root decides.
    const rank = new Map<number, number>([1, 2, 3, 4, 5, 6, 7].map((x) => [x, x]));
    const set = new JavaTreeSet<number>((x, y) => rank.get(x)! - rank.get(y)!);
    for (let i = 1; i <= 7; i++) set.add(i);
    rank.set(6, -10);
    rank.set(0, -9);
    set.add(0);
    // root 4 (rank 4 > -9: left), 2 (left), 1 (left): 0 is first, though 6 now ranks lower.
    expect(set.values()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
