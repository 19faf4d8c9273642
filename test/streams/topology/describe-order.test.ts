// replayDescribe: the neighbour order of Kafka's describeSubtopology. The exact Kafka strings are
// compared in test/streams/dsl/joins/kstream-kstream-join-describe.test.ts; here the invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayDescribe } from '../../../src/streams/topology/describe-order.ts';
import { javaHashSetOrder } from '../../../src/streams/topology/java-hash-order.ts';

describe('replayDescribe', () => {
  it('final sizes are 1 + the sizes of the successors, and neighbour lists hold exactly the edges', () => {
    // random DAGs: node i may have parents among 0..i-1
    const dag = fc.integer({ min: 1, max: 14 }).chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }))),
    );
    fc.assert(
      fc.property(dag, (parents) => {
        const names = parents.map((_, i) => `N${String(i).padStart(2, '0')}`);
        const parentsOf = (n: string) => parents[names.indexOf(n)]!.map((i) => names[i]!);
        const r = replayDescribe(names, parentsOf);
        const sizeOf = (n: string): number => 1 + names.filter((c) => parentsOf(c).includes(n)).reduce((s, c) => s + sizeOf(c), 0);
        for (const n of names) {
          expect(r.size.get(n)).toBe(sizeOf(n));
          expect([...r.predecessors.get(n)!].sort()).toEqual([...parentsOf(n)].sort());
          expect([...r.successors.get(n)!].sort()).toEqual(names.filter((c) => parentsOf(c).includes(n)).sort());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('orders two equal-size parents of a merge by edge history, not by name', () => {
    const parents: Record<string, string[]> = { 'a-other': [], 'b-this': [], merge: ['b-this', 'a-other'], sink: ['merge'] };
    const names = Object.keys(parents);
    // Java's hash order of these four names: b-this, sink, merge, a-other. So sink → merge makes
    // merge 2, then merge's first edge makes b-this 3 while a-other is still 1: a-other sorts
    // after b-this in merge's predecessor set, and stays there when it reaches 3 too.
    expect(javaHashSetOrder(names, true)).toEqual(['b-this', 'sink', 'merge', 'a-other']);
    const r = replayDescribe(names, (n) => parents[n]!);
    expect([r.size.get('a-other'), r.size.get('b-this')]).toEqual([3, 3]);
    expect(r.predecessors.get('merge')).toEqual(['b-this', 'a-other']); // by name it would be a-other first
  });
});

describe('javaHashSetOrder(grown)', () => {
  it('differs from a copied set at 12 elements (capacity 16 vs 32)', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => `store-${i * 7}`);
    expect(javaHashSetOrder(twelve, true)).not.toEqual(javaHashSetOrder(twelve));
    expect([...javaHashSetOrder(twelve, true)].sort()).toEqual([...twelve].sort());
    // 13 elements: both tables have 32 buckets, so both orders agree
    const thirteen = [...twelve, 'extra'];
    expect(javaHashSetOrder(thirteen, true)).toEqual(javaHashSetOrder(thirteen));
  });
});
