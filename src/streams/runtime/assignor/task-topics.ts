/*
 * From a topology to tasks and their input partitions, as the assignor needs them.
 *
 *   sourceTopics(topology, appId)   the topics the group subscribes to: every source topic of every
 *                                   task sub-topology (global ones excluded), internal ones resolved
 *                                   to "<appId>-<name>"; patterns are returned separately
 *   computeTasks(…, topicPartitions) sub-topology s with source topics T (pattern matches included)
 *                                   has max(partitions(t) for t in T) tasks "s_p"; task s_p reads
 *                                   partition p of every t in T that has it. So co-partitioned topics'
 *                                   partition p always land in the same task, on the same member.
 *                                   A source topic that does not exist yet is skipped (its
 *                                   sub-topology may then have fewer tasks until it appears).
 */
import type { TopicPartition } from '../../../client/types.ts';
import type { Topology } from '../../topology/topology.ts';
import { patternSubtopology } from '../pattern-subscription.ts';

export interface TaskTopology {
  /** taskId → the partitions it reads. */
  readonly tasks: ReadonlyMap<string, readonly TopicPartition[]>;
  /** Tasks whose sub-topology has state stores. */
  readonly statefulTasks: ReadonlySet<string>;
  /** taskId → its stores' changelog partitions (resolved topic names). */
  readonly changelogPartitions: ReadonlyMap<string, readonly TopicPartition[]>;
}

export function sourceTopics(topology: Topology, applicationId: string): { topics: string[]; patterns: RegExp[] } {
  const topics = new Set<string>();
  const patterns: RegExp[] = [];
  for (const s of topology.subtopologies()) {
    for (const t of s.sourceTopics) topics.add(topology.resolveTopic(t, applicationId));
    patterns.push(...s.sourcePatterns);
  }
  return { topics: [...topics].sort(), patterns };
}

export function computeTasks(topology: Topology, applicationId: string, topicPartitions: ReadonlyMap<string, number>): TaskTopology {
  const tasks = new Map<string, TopicPartition[]>();
  const statefulTasks = new Set<string>();
  const changelogPartitions = new Map<string, TopicPartition[]>();
  const subs = topology.subtopologies();
  const named = new Set(subs.flatMap((s) => s.sourceTopics.map((t) => topology.resolveTopic(t, applicationId))));
  for (const s of subs) {
    const topics = new Set(s.sourceTopics.map((t) => topology.resolveTopic(t, applicationId)));
    // A matched topic belongs to one sub-topology: not one named elsewhere, else the first whose pattern matches.
    if (s.sourcePatterns.length > 0) {
      for (const t of topicPartitions.keys()) if (!named.has(t) && patternSubtopology(subs, t) === s) topics.add(t);
    }
    let count = 0;
    for (const t of topics) count = Math.max(count, topicPartitions.get(t) ?? 0);
    const changelogs = [...s.changelogTopics.keys()].map((store) => `${applicationId}-${s.changelogTopics.get(store)!}`);
    for (let p = 0; p < count; p++) {
      const id = `${s.id}_${p}`;
      const inputs: TopicPartition[] = [];
      for (const t of [...topics].sort()) if (p < (topicPartitions.get(t) ?? 0)) inputs.push({ topic: t, partition: p });
      tasks.set(id, inputs);
      if (s.stores.length > 0) statefulTasks.add(id);
      changelogPartitions.set(id, changelogs.map((topic) => ({ topic, partition: p })));
    }
  }
  return { tasks, statefulTasks, changelogPartitions };
}
