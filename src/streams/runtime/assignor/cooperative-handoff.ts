/*
 * The cooperative hand-off of the streams assignor (KIP-429, Kafka's StreamsPartitionAssignor
 * under the COOPERATIVE protocol): a task whose input partitions another member still owns is
 * not given to its new owner in the same rebalance. It is left out of every member's active
 * tasks for this generation; its owner — whose assignment no longer holds those partitions —
 * commits and closes it in beforeRevoke and rejoins at once, and the follow-up rebalance gives
 * the task to its new owner, now owned by nobody.
 *
 * Invariant: after holdBackMovingTasks no member is assigned a task any of whose input
 * partitions another member owns (as its subscription reported). Owned partitions come only from
 * cooperative members; an eager member has revoked everything before it joins.
 */
import type { TopicPartition } from '../../../client/types.ts';
import type { AssignTasksOutput } from './assign-tasks.ts';

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/**
 * Removes, in place, every active task whose inputs another member owns; returns the task ids
 * held back (each is revoked by its current owner and assigned in the follow-up rebalance).
 */
export function holdBackMovingTasks(
  result: AssignTasksOutput,
  owned: ReadonlyMap<string, readonly TopicPartition[]>,
  inputsOf: (task: string) => readonly TopicPartition[],
): Set<string> {
  const ownerOf = new Map<string, string>();
  for (const [memberId, tps] of owned) for (const tp of tps) ownerOf.set(key(tp), memberId);
  const held = new Set<string>();
  if (ownerOf.size === 0) return held;
  for (const [memberId, tasks] of result) {
    const keep = tasks.active.filter((task) => {
      const elsewhere = inputsOf(task).some((tp) => {
        const o = ownerOf.get(key(tp));
        return o !== undefined && o !== memberId;
      });
      if (elsewhere) held.add(task);
      return !elsewhere;
    });
    tasks.active.splice(0, tasks.active.length, ...keep);
  }
  return held;
}
