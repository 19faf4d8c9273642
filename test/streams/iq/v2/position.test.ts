// Position / PositionBound (KIP-796): merge and isPermitted against plain-Map reference models.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPermitted, Position, PositionBound } from '../../../../src/streams/iq/v2/position.ts';

const entry = fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }));
const build = (es: ReadonlyArray<readonly [string, number, number]>) => {
  const p = Position.emptyPosition();
  for (const [t, part, o] of es) p.withComponent(t, part, o);
  return p;
};
const model = (es: ReadonlyArray<readonly [string, number, number]>) => {
  const m = new Map<string, number>();
  for (const [t, part, o] of es) m.set(`${t}/${part}`, o); // last write wins, as withComponent
  return m;
};

describe('Position', () => {
  it('withComponent mutates and returns the same position; copy() detaches', () => {
    const p = Position.emptyPosition();
    expect(p.withComponent('t', 0, 5)).toBe(p);
    const c = p.copy();
    p.withComponent('t', 0, 9);
    expect(c.getPartitionPositions('t').get(0)).toBe(5);
    expect(p.toString()).toBe('Position{position={t={0=9}}}');
    expect(Position.fromMap({ t: { 1: 3, 0: 2 } }).toString()).toBe('Position{position={t={0=2, 1=3}}}');
    expect(() => p.withComponent('t', -1, 0)).toThrow(/partition must be a non-negative integer/);
    expect(() => p.withComponent('', 0, 0)).toThrow(/topic/);
  });

  it('merge keeps the larger offset per topic-partition (reference: Map max)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.array(entry, { maxLength: 12 }), (xs, ys) => {
        const merged = build(xs).merge(build(ys));
        const ref = model(xs);
        for (const [k, v] of model(ys)) ref.set(k, Math.max(ref.get(k) ?? -1, v));
        const got = new Map<string, number>();
        for (const t of merged.getTopics()) for (const [p, o] of merged.getPartitionPositions(t)) got.set(`${t}/${p}`, o);
        expect(got).toEqual(ref);
      }),
    );
  });
});

describe('isPermitted (Kafka StoreQueryUtils.isPermitted)', () => {
  it('an unbounded query is always permitted', () => {
    expect(isPermitted(Position.emptyPosition(), PositionBound.unbounded(), 3)).toBe(true);
  });

  it('checks only the bound entries of the store partition (reference model)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 10 }), fc.array(entry, { maxLength: 10 }), fc.integer({ min: 0, max: 3 }), (seen, bound, partition) => {
        const s = model(seen);
        let expected = true;
        for (const [k, o] of model(bound)) {
          if (!k.endsWith(`/${partition}`)) continue;
          const have = s.get(k);
          if (have === undefined || have < o) expected = false;
        }
        expect(isPermitted(build(seen), PositionBound.at(build(bound)), partition)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('PositionBound.at copies its position', () => {
    const p = Position.emptyPosition().withComponent('t', 0, 1);
    const b = PositionBound.at(p);
    p.withComponent('t', 0, 99);
    expect(b.position!.getPartitionPositions('t').get(0)).toBe(1);
    expect(b.isUnbounded()).toBe(false);
    expect(PositionBound.unbounded().isUnbounded()).toBe(true);
  });
});
