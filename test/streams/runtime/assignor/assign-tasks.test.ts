import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignTasks, compareTaskIdStrings, type AssignTasksInput, type AssignTasksMember } from '../../../../src/streams/runtime/assignor/assign-tasks.ts';

const taskIds = (subtopologies: number, partitions: number): string[] =>
  Array.from({ length: subtopologies * partitions }, (_, i) => `${Math.floor(i / partitions)}_${i % partitions}`);

const member = (memberId: string, extra: Partial<AssignTasksMember> = {}): AssignTasksMember => ({
  memberId,
  processId: memberId,
  previousActive: [],
  previousStandby: [],
  taskOffsets: new Map(),
  ...extra,
});

/** Random inputs: tasks, members (some sharing processes), previous assignments and warmth. */
const inputArb = fc
  .record({
    subtopologies: fc.integer({ min: 1, max: 3 }),
    partitions: fc.integer({ min: 1, max: 8 }),
    memberCount: fc.integer({ min: 1, max: 6 }),
    processCount: fc.integer({ min: 1, max: 6 }),
    standbys: fc.integer({ min: 0, max: 2 }),
    lag: fc.integer({ min: 0, max: 100 }),
    seed: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(1000), fc.boolean()), { maxLength: 40 }),
  })
  .map((r): AssignTasksInput => {
    const tasks = taskIds(r.subtopologies, r.partitions);
    const members = Array.from({ length: r.memberCount }, (_, i) => ({
      memberId: `m${i}`,
      processId: `p${i % r.processCount}`,
      previousActive: [] as string[],
      previousStandby: [] as string[],
      taskOffsets: new Map<string, number>(),
    }));
    for (const [mi, ti, offset, active] of r.seed) {
      const m = members[mi % members.length]!;
      const t = tasks[ti % tasks.length]!;
      (active ? m.previousActive : m.previousStandby).push(t);
      m.taskOffsets.set(t, offset);
    }
    return { tasks, members, numStandbyReplicas: r.standbys, acceptableRecoveryLag: r.lag };
  });

function activeOwners(out: ReturnType<typeof assignTasks>): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const [m, t] of out) for (const task of t.active) owners.set(task, [...(owners.get(task) ?? []), m]);
  return owners;
}

describe('assignTasks', () => {
  it('assigns every task exactly once as active', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const owners = activeOwners(assignTasks(input));
        expect([...owners.keys()].sort(compareTaskIdStrings)).toEqual([...input.tasks].sort(compareTaskIdStrings));
        for (const list of owners.values()) expect(list).toHaveLength(1);
      }),
    );
  });

  it('balances active tasks: counts differ by at most one', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const counts = [...assignTasks(input).values()].map((t) => t.active.length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is sticky: feeding an assignment back with unchanged membership moves nothing', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const first = assignTasks(input);
        const again = assignTasks({
          ...input,
          members: input.members.map((m) => ({ ...m, previousActive: first.get(m.memberId)!.active, previousStandby: first.get(m.memberId)!.standby })),
        });
        for (const [m, t] of first) expect([...again.get(m)!.active].sort()).toEqual([...t.active].sort());
      }),
    );
  });

  it('never places a standby in the process of the active task, nor twice on one process', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const out = assignTasks(input);
        const processOf = new Map(input.members.map((m) => [m.memberId, m.processId]));
        const owners = activeOwners(out);
        const standbyProcesses = new Map<string, string[]>();
        for (const [m, t] of out) for (const task of t.standby) standbyProcesses.set(task, [...(standbyProcesses.get(task) ?? []), processOf.get(m)!]);
        const processes = new Set(processOf.values()).size;
        for (const task of input.tasks) {
          const activeProcess = processOf.get(owners.get(task)![0]!)!;
          const sp = standbyProcesses.get(task) ?? [];
          expect(sp).not.toContain(activeProcess);
          expect(new Set(sp).size).toBe(sp.length);
          expect(sp.length).toBe(Math.min(input.numStandbyReplicas, processes - 1));
        }
      }),
    );
  });

  it('keeps a task with its previous owner when membership grows only if balance allows, and moves the rest', () => {
    const tasks = taskIds(1, 6);
    const a = member('a', { previousActive: tasks });
    const out = assignTasks({ tasks, members: [a, member('b')], numStandbyReplicas: 0, acceptableRecoveryLag: 0 });
    expect(out.get('a')!.active).toEqual(['0_0', '0_1', '0_2']);
    expect(out.get('b')!.active).toEqual(['0_3', '0_4', '0_5']);
  });

  it('gives a moved task to the warmest member (its standby) rather than a cold one', () => {
    const tasks = taskIds(1, 2);
    // The owner of 0_1 left; c kept a warm standby of it, b has nothing.
    const members = [
      member('a', { previousActive: ['0_0'], taskOffsets: new Map([['0_0', 500]]) }),
      member('b'),
      member('c', { previousStandby: ['0_1'], taskOffsets: new Map([['0_1', 990]]) }),
    ];
    const out = assignTasks({ tasks, members, numStandbyReplicas: 0, acceptableRecoveryLag: 10, taskEndOffsets: new Map([['0_1', 1000]]) });
    expect(out.get('c')!.active).toEqual(['0_1']);
    expect(out.get('b')!.active).toEqual([]);
  });

  it('treats members within acceptableRecoveryLag as equally warm and then balances by load', () => {
    const tasks = taskIds(1, 2);
    const warm = new Map([['0_0', 95], ['0_1', 100]]);
    const members = [member('a', { taskOffsets: warm }), member('b', { taskOffsets: new Map([['0_0', 90], ['0_1', 91]]) })];
    const out = assignTasks({ tasks, members, numStandbyReplicas: 0, acceptableRecoveryLag: 20 });
    expect(out.get('a')!.active.length).toBe(1);
    expect(out.get('b')!.active.length).toBe(1);
  });

  it('returns empty assignments for members when there are no tasks, and nothing without members', () => {
    const out = assignTasks({ tasks: [], members: [member('a'), member('b')], numStandbyReplicas: 1, acceptableRecoveryLag: 0 });
    expect([...out.values()]).toEqual([{ active: [], standby: [] }, { active: [], standby: [] }]);
    expect(assignTasks({ tasks: ['0_0'], members: [], numStandbyReplicas: 0, acceptableRecoveryLag: 0 }).size).toBe(0);
  });
});

describe('assignTasks warmups (KIP-441)', () => {
  const withWarmups = inputArb.chain((input) => fc.integer({ min: 1, max: 3 }).map((maxWarmupReplicas): AssignTasksInput => ({ ...input, maxWarmupReplicas })));

  it('keeps every task active exactly once, places at most maxWarmupReplicas warmups, each on a lagging member of another process than its caught-up active', () => {
    fc.assert(
      fc.property(withWarmups, (input) => {
        const out = assignTasks(input);
        for (const owners of activeOwners(out).values()) expect(owners).toHaveLength(1);
        expect(activeOwners(out).size).toBe(new Set(input.tasks).size);
        const warm = [...out].flatMap(([m, t]) => (t.warmup ?? []).map((task) => ({ m, task })));
        expect(warm.length).toBeLessThanOrEqual(input.maxWarmupReplicas!);
        const byId = new Map(input.members.map((m) => [m.memberId, m]));
        const end = (t: string) => Math.max(-1, ...input.members.map((m) => m.taskOffsets.get(t) ?? -1));
        const lagOf = (id: string, t: string) => {
          const o = byId.get(id)!.taskOffsets.get(t);
          return o === undefined ? Math.max(0, end(t)) : end(t) - o;
        };
        for (const { m, task } of warm) {
          const active = activeOwners(out).get(task)![0]!;
          expect(byId.get(active)!.processId).not.toBe(byId.get(m)!.processId);
          expect(lagOf(active, task)).toBeLessThanOrEqual(input.acceptableRecoveryLag);
          expect(lagOf(m, task)).toBeGreaterThan(input.acceptableRecoveryLag);
          expect(out.get(m)!.standby).not.toContain(task);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the work on the caught-up owner while a new member warms up, and moves it after each probing rebalance until balanced', () => {
    const tasks = taskIds(1, 4);
    const full = new Map(tasks.map((t) => [t, 1000]));
    let a = member('a', { previousActive: tasks, taskOffsets: full });
    let b = member('b');
    const rounds: string[] = [];
    for (let round = 0; round < 6; round++) {
      const out = assignTasks({ tasks, members: [a, b], numStandbyReplicas: 0, acceptableRecoveryLag: 10, maxWarmupReplicas: 1, taskEndOffsets: full });
      const [oa, ob] = [out.get('a')!, out.get('b')!];
      rounds.push(`${oa.active.length}/${ob.active.length}+${(ob.warmup ?? []).length}`);
      expect((ob.warmup ?? []).length + (oa.warmup ?? []).length).toBeLessThanOrEqual(1);
      // b restores its warmup completely before the next (probing) rebalance.
      const bOffsets = new Map([...ob.active, ...(ob.warmup ?? [])].map((t) => [t, 1000]));
      a = member('a', { previousActive: oa.active, taskOffsets: full });
      b = member('b', { previousActive: ob.active, previousStandby: ob.warmup ?? [], taskOffsets: bOffsets });
    }
    expect(rounds).toEqual(['4/0+1', '3/1+1', '2/2+0', '2/2+0', '2/2+0', '2/2+0']);
  });
});
