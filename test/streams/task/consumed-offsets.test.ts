import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConsumedOffsets } from '../../../src/streams/task/consumed-offsets.ts';

describe('ConsumedOffsets', () => {
  it('reports, per partition, the offset after the last record taken, in first-taken order', () => {
    const c = new ConsumedOffsets();
    c.advance('a', 0, 5);
    c.advance('a', 0, 6);
    c.advance('b', 1, 0);
    c.advance('a', 1, 9);
    c.advance('a', 0, 7);
    expect(c.list()).toEqual([
      { topic: 'a', partition: 0, offset: 8 },
      { topic: 'b', partition: 1, offset: 1 },
      { topic: 'a', partition: 1, offset: 10 },
    ]);
  });

  it('hands out copies: a list taken earlier does not change with later records', () => {
    const c = new ConsumedOffsets();
    c.advance('t', 0, 1);
    const before = c.list();
    c.advance('t', 0, 2);
    expect(before).toEqual([{ topic: 't', partition: 0, offset: 2 }]);
    expect(c.list()).toEqual([{ topic: 't', partition: 0, offset: 3 }]);
  });

  it('matches a map keyed by topic-partition for any interleaving (same partition number on two topics included)', () => {
    const step = fc.record({ topic: fc.constantFrom('x', 'y'), partition: fc.integer({ min: 0, max: 2 }), offset: fc.nat(1000) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const c = new ConsumedOffsets();
        const model = new Map<string, { topic: string; partition: number; offset: number }>();
        for (const s of steps) {
          c.advance(s.topic, s.partition, s.offset);
          const k = `${s.topic}/${s.partition}`;
          const first = model.get(k);
          if (first === undefined) model.set(k, { topic: s.topic, partition: s.partition, offset: s.offset + 1 });
          else first.offset = s.offset + 1;
        }
        expect(c.list()).toEqual([...model.values()]);
      }),
    );
  });
});
