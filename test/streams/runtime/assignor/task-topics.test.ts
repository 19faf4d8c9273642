import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Topology } from '../../../../src/streams/topology/topology.ts';
import { computeTasks } from '../../../../src/streams/runtime/assignor/task-topics.ts';

/** Sub-topology i reads topics t<i>_0 … t<i>_k through one processor (so they form one task group). */
function topologyOf(topicsPerSub: readonly number[]): Topology {
  const t = new Topology();
  topicsPerSub.forEach((k, i) => {
    const sources = Array.from({ length: k }, (_, j) => `src-${i}-${j}`);
    sources.forEach((s, j) => t.addSource(s, `t${i}_${j}`));
    t.addProcessor(`proc-${i}`, () => ({ process: () => undefined }), ...sources);
  });
  return t;
}

describe('computeTasks', () => {
  it('puts every input partition in exactly one task, and partition p of every topic of a sub-topology in task s_p', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }), (counts) => {
        const topology = topologyOf(counts.map((c) => c.length));
        const partitions = new Map<string, number>();
        counts.forEach((c, i) => c.forEach((n, j) => partitions.set(`t${i}_${j}`, n)));
        const { tasks } = computeTasks(topology, 'app', partitions);
        const seen = new Map<string, string>();
        for (const [task, inputs] of tasks) {
          const [, p] = task.split('_').map(Number);
          for (const tp of inputs) {
            expect(tp.partition).toBe(p);
            const key = `${tp.topic}-${tp.partition}`;
            expect(seen.has(key)).toBe(false);
            seen.set(key, task);
          }
        }
        const total = [...partitions.values()].reduce((a, b) => a + b, 0);
        expect(seen.size).toBe(total);
        // Task count per sub-topology = max partition count of its topics.
        counts.forEach((c, i) => expect([...tasks.keys()].filter((t) => t.startsWith(`${i}_`)).length).toBe(Math.max(...c)));
      }),
    );
  });
});
