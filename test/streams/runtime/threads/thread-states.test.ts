// ThreadStates against a reference model: the instance is RUNNING iff every live thread runs
// (none left: RUNNING), and a new thread takes the lowest free index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ThreadStates } from '../../../../src/streams/runtime/threads/thread-states.ts';

type Op = { op: 'set'; index: number; running: boolean } | { op: 'remove'; index: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), index: fc.integer({ min: 1, max: 6 }), running: fc.boolean() }),
  fc.record({ op: fc.constant('remove' as const), index: fc.integer({ min: 1, max: 6 }) }),
);

describe('ThreadStates', () => {
  it('matches the model after any sequence of thread changes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const states = new ThreadStates();
        const model = new Map<number, boolean>();
        for (const o of ops) {
          if (o.op === 'set') {
            states.set(o.index, o.running);
            model.set(o.index, o.running);
          } else {
            states.remove(o.index);
            model.delete(o.index);
          }
          expect(states.size).toBe(model.size);
          expect(states.instanceState()).toBe([...model.values()].every(Boolean) ? 'RUNNING' : 'REBALANCING');
          let free = 1;
          while (model.has(free)) free++;
          expect(states.nextIndex()).toBe(free);
        }
      }),
    );
  });

  it('reuses the index of a removed thread (Kafka: a replacement keeps its predecessor index)', () => {
    const s = new ThreadStates();
    for (const i of [1, 2, 3]) s.set(i, true);
    s.remove(2);
    expect(s.nextIndex()).toBe(2);
    s.set(2, false);
    expect(s.instanceState()).toBe('REBALANCING');
    expect(s.nextIndex()).toBe(4);
  });
});
