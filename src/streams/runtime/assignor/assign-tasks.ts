/*
 * assignTasks: the pure heart of the streams assignor — which member runs which task (active)
 * and which members keep a standby copy of it. No I/O; property-tested against its invariants.
 *
 * Invariants of the output (for any input with at least one member):
 *   1 every task is active on exactly one member;
 *   2 balance: active counts differ by at most 1 between members (exact: each member gets
 *     floor(n/m) or ceil(n/m) tasks);
 *   3 stickiness: a task stays with a member that ran it before whenever that member has room
 *     under 2 (with unchanged membership and tasks, nothing moves);
 *   4 a standby is never on the member running the task, nor on another member of the same
 *     process (a standby in the same process protects nothing), and a member holds at most one
 *     copy of a task; fewer standbys than asked are placed when there are not enough processes.
 *   5 warmups (KIP-441, only with maxWarmupReplicas > 0): at most maxWarmupReplicas in all; a
 *     warmup of a task is on a member that is not caught up on it, in a process other than the
 *     task's active member, which IS caught up. 2 then holds only when no warmup is placed —
 *     the imbalance is what the next probing rebalance removes once the warmup has caught up.
 *
 * Phases:
 *   A sticky     tasks in id order; a previous active owner with room keeps the task (when several
 *                members claim it — after a split brain — the warmest one wins)
 *   B warm       each remaining task goes to the member with room that would restore it fastest:
 *                members whose lag ≤ acceptableRecoveryLag are "caught up" and equal; among them,
 *                and then among the rest by smallest lag, the least loaded wins, then the smallest
 *                member id. lag = endOffset − reported offset (endOffset defaults to the highest
 *                offset any member reported; a member reporting nothing has infinite lag).
 *   C standbys   for each task, replicas 1..numStandbyReplicas go to eligible members (rule 4),
 *                preferring a member that already holds the task's state (previous standby or
 *                active), then the warmest, then the fewest standbys, then the smallest id.
 *   D warmups    (KIP-441, HighAvailabilityTaskAssignor; runs between B and C when
 *                maxWarmupReplicas > 0; here a member without the task's state lags by the
 *                whole changelog) a stateful task whose active member is not caught up,
 *                while a member of another process is, stays active on a caught-up member (its
 *                previous owner first, then the smallest lag, least loaded, smallest id); the
 *                member A–B chose gets it as a warmup — restored like a standby — while warmups
 *                remain. With warmups on, A takes a previous owner's tasks that a member of
 *                another process is caught up on LAST, so an owner over its share releases those
 *                first and a warmup that caught up is what moves at the next probing rebalance.
 * Each member's task lists come out sorted by task id.
 * "Room": a member may hold floor(n/m) tasks, and ceil(n/m) while fewer than (n mod m) members
 * already do — which is what makes 2 exact whatever the order of decisions.
 */

export interface AssignTasksMember {
  readonly memberId: string;
  /** Members sharing a process id are one process (standbys avoid the active's process). */
  readonly processId: string;
  readonly previousActive: readonly string[];
  readonly previousStandby: readonly string[];
  /** taskId → how far this member's local state of the task is restored (sum of changelog offsets). */
  readonly taskOffsets: ReadonlyMap<string, number>;
}

export interface AssignTasksInput {
  /** Every task id to assign. */
  readonly tasks: readonly string[];
  readonly members: readonly AssignTasksMember[];
  readonly numStandbyReplicas: number;
  /** Lag (records) under which a member counts as caught up for a task. */
  readonly acceptableRecoveryLag: number;
  /** Tasks with state (only they get standbys and use warmth). Default: all tasks. */
  readonly statefulTasks?: ReadonlySet<string> | undefined;
  /** taskId → changelog end offsets summed over the task's stores, when known. */
  readonly taskEndOffsets?: ReadonlyMap<string, number> | undefined;
  /** KIP-441 max.warmup.replicas; 0 or absent: no warmups (phase D off). */
  readonly maxWarmupReplicas?: number | undefined;
}

export interface MemberTasks {
  readonly active: string[];
  readonly standby: string[];
  /** Warmup tasks (phase D); present only on a member given one. */
  warmup?: string[];
}

export type AssignTasksOutput = Map<string, MemberTasks>;

export function assignTasks(input: AssignTasksInput): AssignTasksOutput {
  const members = [...input.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const out: AssignTasksOutput = new Map(members.map((m) => [m.memberId, { active: [], standby: [] }]));
  if (members.length === 0) return out;
  const tasks = [...new Set(input.tasks)].sort(compareTaskIdStrings);
  const stateful = (t: string): boolean => input.statefulTasks === undefined || input.statefulTasks.has(t);

  const n = tasks.length;
  const m = members.length;
  const base = Math.floor(n / m);
  const extra = n % m;
  let atCeiling = 0;
  const counts = new Map<string, number>(members.map((x) => [x.memberId, 0]));
  const hasRoom = (id: string): boolean => {
    const c = counts.get(id)!;
    return c < base || (c === base && atCeiling < extra);
  };
  const give = (id: string, task: string): void => {
    const c = counts.get(id)! + 1;
    counts.set(id, c);
    if (c === base + 1) atCeiling++;
    out.get(id)!.active.push(task);
  };

  const endOffset = (task: string): number => {
    const known = input.taskEndOffsets?.get(task);
    if (known !== undefined) return known;
    let max = -1;
    for (const x of members) max = Math.max(max, x.taskOffsets.get(task) ?? -1);
    return max;
  };
  const lag = (x: AssignTasksMember, task: string): number => {
    const o = x.taskOffsets.get(task);
    return o === undefined ? Number.POSITIVE_INFINITY : Math.max(0, endOffset(task) - o);
  };

  const warmups = input.maxWarmupReplicas ?? 0;
  // For warmups a member without the task's state must restore all of it (Kafka's
  // UNKNOWN_OFFSET_SUM): with a changelog under acceptableRecoveryLag everybody is caught up.
  const caughtUp = (x: AssignTasksMember, t: string): boolean => (x.taskOffsets.has(t) ? lag(x, t) : Math.max(0, endOffset(t))) <= input.acceptableRecoveryLag;

  // A: sticky
  const previousOwners = new Map<string, AssignTasksMember[]>();
  for (const x of members) for (const t of x.previousActive) previousOwners.set(t, [...(previousOwners.get(t) ?? []), x]);
  const unassigned: string[] = [];
  // With warmups: tasks some member of another process is caught up on are kept last (phase D).
  const warmElsewhere = (t: string): boolean => {
    const owners = previousOwners.get(t) ?? [];
    return stateful(t) && members.some((x) => !owners.includes(x) && owners.every((o) => o.processId !== x.processId) && caughtUp(x, t));
  };
  const stickyOrder = warmups > 0 ? [...tasks.filter((t) => !warmElsewhere(t)), ...tasks.filter(warmElsewhere)] : tasks;
  for (const t of stickyOrder) {
    const owners = (previousOwners.get(t) ?? []).filter((x) => hasRoom(x.memberId)).sort((a, b) => lag(a, t) - lag(b, t));
    const owner = owners[0];
    if (owner !== undefined) give(owner.memberId, t);
    else unassigned.push(t);
  }

  // B: warm-preferring, least loaded
  for (const t of unassigned) {
    let best: AssignTasksMember | undefined;
    let bestKey: [number, number, number] | undefined;
    for (const x of members) {
      if (!hasRoom(x.memberId)) continue;
      const l = stateful(t) ? lag(x, t) : 0;
      const caughtUp = l <= input.acceptableRecoveryLag;
      const key: [number, number, number] = [caughtUp ? 0 : 1, caughtUp ? 0 : l, counts.get(x.memberId)!];
      if (bestKey === undefined || lexLess(key, bestKey)) {
        best = x;
        bestKey = key;
      }
    }
    // hasRoom admits exactly n tasks in total, so a member with room always exists here.
    give(best!.memberId, t);
  }

  // D: warmups
  const warmupOf = new Map<string, string>();
  if (warmups > 0) placeWarmups(members, tasks, out, counts, caughtUp, lag, warmupOf, warmups, stateful);

  // C: standbys
  if (input.numStandbyReplicas > 0) {
    const activeOf = new Map<string, AssignTasksMember>();
    for (const x of members) for (const t of out.get(x.memberId)!.active) activeOf.set(t, x);
    const standbyCounts = new Map<string, number>(members.map((x) => [x.memberId, 0]));
    for (const t of tasks) {
      if (!stateful(t)) continue;
      const active = activeOf.get(t)!;
      const usedProcesses = new Set([active.processId]);
      const warm = warmupOf.get(t);
      if (warm !== undefined) usedProcesses.add(members.find((x) => x.memberId === warm)!.processId);
      for (let r = 0; r < input.numStandbyReplicas; r++) {
        let best: AssignTasksMember | undefined;
        let bestKey: [number, number, number] | undefined;
        for (const x of members) {
          if (usedProcesses.has(x.processId)) continue;
          const held = x.previousStandby.includes(t) || x.previousActive.includes(t) ? 0 : 1;
          const l = lag(x, t);
          const key: [number, number, number] = [held, l === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : l, standbyCounts.get(x.memberId)!];
          if (bestKey === undefined || lexLess(key, bestKey)) {
            best = x;
            bestKey = key;
          }
        }
        if (best === undefined) break;
        usedProcesses.add(best.processId);
        standbyCounts.set(best.memberId, standbyCounts.get(best.memberId)! + 1);
        out.get(best.memberId)!.standby.push(t);
      }
    }
  }
  for (const t of out.values()) {
    t.active.sort(compareTaskIdStrings);
    t.standby.sort(compareTaskIdStrings);
    t.warmup?.sort(compareTaskIdStrings);
  }
  return out;
}

/** Phase D (file comment): moves not-caught-up actives back to caught-up members, places warmups. */
function placeWarmups(
  members: readonly AssignTasksMember[],
  tasks: readonly string[],
  out: AssignTasksOutput,
  counts: Map<string, number>,
  caughtUp: (x: AssignTasksMember, t: string) => boolean,
  lag: (x: AssignTasksMember, t: string) => number,
  warmupOf: Map<string, string>,
  max: number,
  stateful: (t: string) => boolean,
): void {
  let placed = 0;
  for (const t of tasks) {
    if (!stateful(t)) continue;
    const target = members.find((x) => out.get(x.memberId)!.active.includes(t))!;
    if (caughtUp(target, t)) continue;
    let best: AssignTasksMember | undefined;
    let bestKey: [number, number, number] | undefined;
    for (const x of members) {
      if (x.processId === target.processId || !caughtUp(x, t)) continue;
      const key: [number, number, number] = [x.previousActive.includes(t) ? 0 : 1, lag(x, t), counts.get(x.memberId)!];
      if (bestKey === undefined || lexLess(key, bestKey)) {
        best = x;
        bestKey = key;
      }
    }
    if (best === undefined) continue; // nobody is caught up: the target restores, as without warmups
    const from = out.get(target.memberId)!;
    from.active.splice(from.active.indexOf(t), 1);
    counts.set(target.memberId, counts.get(target.memberId)! - 1);
    out.get(best.memberId)!.active.push(t);
    counts.set(best.memberId, counts.get(best.memberId)! + 1);
    if (placed < max) {
      placed++;
      (from.warmup ??= []).push(t);
      warmupOf.set(t, target.memberId);
    }
  }
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return false;
}

/** Orders "<subtopology>_<partition>" ids numerically (so "0_10" follows "0_9"). */
export function compareTaskIdStrings(a: string, b: string): number {
  const [as, ap] = a.split('_').map(Number);
  const [bs, bp] = b.split('_').map(Number);
  return (as ?? 0) - (bs ?? 0) || (ap ?? 0) - (bp ?? 0) || (a < b ? -1 : a > b ? 1 : 0);
}
