import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignTasks } from '../../../../src/streams/runtime/assignor/assign-tasks.ts';
import { holdBackMovingTasks } from '../../../../src/streams/runtime/assignor/cooperative-handoff.ts';
import type { TopicPartition } from '../../../../src/client/types.ts';

/** Task "0_p" reads partition p of "in". */
const inputsOf = (task: string): TopicPartition[] => [{ topic: 'in', partition: Number(task.split('_')[1]) }];

describe('holdBackMovingTasks', () => {
  it('never leaves a task with a member while another owns its input, holds back only those, and the follow-up assigns everything', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }), (n, m, owners) => {
        const tasks = Array.from({ length: n }, (_, p) => `0_${p}`);
        const members = Array.from({ length: m }, (_, i) => `m${i}`);
        const ownedTasks = new Map(members.map((id) => [id, [] as string[]]));
        tasks.forEach((t, i) => ownedTasks.get(`m${owners[i]! % m}`)!.push(t));
        const input = (owned: ReadonlyMap<string, readonly string[]>) => ({
          tasks,
          members: members.map((memberId) => ({ memberId, processId: memberId, previousActive: owned.get(memberId) ?? [], previousStandby: [], taskOffsets: new Map() })),
          numStandbyReplicas: 0,
          acceptableRecoveryLag: 0,
        });
        const owned = new Map([...ownedTasks].map(([id, ts]) => [id, ts.flatMap(inputsOf)]));
        const result = assignTasks(input(ownedTasks));
        const wanted = new Map([...result].map(([id, t]) => [id, [...t.active]]));
        const held = holdBackMovingTasks(result, owned, inputsOf);
        for (const [id, t] of result) {
          for (const task of t.active) expect(ownedTasks.get(id)!.includes(task) || ![...ownedTasks.values()].some((ts) => ts.includes(task))).toBe(true);
          // Exactly the tasks moving from one owner to another are held back.
          for (const task of wanted.get(id)!) expect(held.has(task)).toBe(!t.active.includes(task));
        }
        for (const task of held) expect([...ownedTasks].some(([id, ts]) => ts.includes(task) && !result.get(id)!.active.includes(task))).toBe(true);
        // Follow-up: owners revoked the held tasks; nobody owns them now, and everything is assigned.
        const after = new Map([...result].map(([id, t]) => [id, [...t.active]]));
        const next = assignTasks(input(after));
        expect(holdBackMovingTasks(next, new Map([...after].map(([id, ts]) => [id, ts.flatMap(inputsOf)])), inputsOf).size).toBe(0);
        expect([...next.values()].flatMap((t) => t.active).sort()).toEqual([...tasks].sort());
        for (const [id, ts] of after) for (const task of ts) expect(next.get(id)!.active).toContain(task);
      }),
      { numRuns: 300 },
    );
  });
});
