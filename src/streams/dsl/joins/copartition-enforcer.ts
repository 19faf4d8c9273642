/*
 * Enforces co-partitioning at start-up — Kafka Streams' CopartitionedTopicsEnforcer. The
 * topology records co-partition groups (joins: the topics feeding both sides, see
 * join-graph-nodes.ts); before tasks are created the runtime must check them against the
 * partition counts of the real topics, because a join over topics with different partition
 * counts would silently miss matches (equal keys land in different task numbers).
 *
 * Rules, per group:
 *  - every non-internal (user) topic must exist with a known partition count, and all of
 *    them must have the SAME count — otherwise an error naming every topic and its count;
 *  - an internal repartition topic with a fixed count (Repartitioned.numberOfPartitions) must
 *    equal that count too;
 *  - an internal topic with no fixed count gets the group's count (the user topics' count or,
 *    in a group of internal topics only, the largest count already decided for them).
 * Returns the partition count decided for each internal topic of any group.
 */

export class CopartitionError extends Error {
  override readonly name = 'CopartitionError';
}

export interface CopartitionInput {
  /** Groups of relative topic names (Topology.copartitionGroups()). */
  readonly groups: ReadonlyArray<readonly string[]>;
  /** Internal topics by relative name, with their fixed partition count if any. */
  readonly internalTopics: ReadonlyMap<string, { readonly numberOfPartitions: number | undefined }>;
  /** Partition count of a user topic, undefined when it does not exist. */
  partitionsOf(topic: string): number | undefined;
  /** Counts already decided for internal topics (e.g. max of their sub-topology's sources). */
  readonly decided?: ReadonlyMap<string, number>;
}

export function enforceCopartitioning(input: CopartitionInput): Map<string, number> {
  const decided = new Map(input.decided ?? []);
  for (const group of input.groups) {
    const counts = new Map<string, number>();
    const unset: string[] = [];
    for (const topic of group) {
      const internal = input.internalTopics.get(topic);
      if (internal === undefined) {
        const n = input.partitionsOf(topic);
        if (n === undefined) throw new CopartitionError(`Topic "${topic}" does not exist, but the join that reads it needs its partition count; create it (with as many partitions as [${group.join(', ')}]) before starting.`);
        counts.set(topic, n);
      } else if (internal.numberOfPartitions !== undefined) {
        counts.set(topic, internal.numberOfPartitions);
      } else {
        // Sized by the group below; a count decided earlier is only a fallback.
        unset.push(topic);
      }
    }
    const distinct = new Set(counts.values());
    if (distinct.size > 1) {
      const detail = [...counts].map(([t, n]) => `${t}=${n}`).join(', ');
      throw new CopartitionError(`Topics are not co-partitioned: ${detail}. Joined topics need the same number of partitions; repartition one side (KStream.repartition with Repartitioned.numberOfPartitions) or recreate the topics.`);
    }
    let target = distinct.size === 1 ? [...distinct][0]! : undefined;
    if (target === undefined) {
      const known = unset.map((t) => decided.get(t)).filter((n): n is number => n !== undefined);
      if (known.length === 0) continue;
      target = Math.max(...known);
    }
    for (const t of unset) decided.set(t, target);
  }
  return decided;
}
