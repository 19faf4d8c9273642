/*
 * Task ids: one task per sub-topology × input partition number, written "<subtopology>_<partition>"
 * as Kafka Streams' TaskId.toString() ("1_3" is sub-topology 1, partition 3). The string form
 * names state directories (stateDir/applicationId/1_3) and travels in assignment metadata.
 */

export interface TaskId {
  readonly subtopology: number;
  readonly partition: number;
}

export function taskIdToString(id: TaskId): string {
  return `${id.subtopology}_${id.partition}`;
}

export function parseTaskId(text: string): TaskId {
  const m = /^(\d+)_(\d+)$/.exec(text);
  if (m === null) throw new Error(`Task id "${text}" is not of the form "<subtopology>_<partition>", e.g. "0_3".`);
  return { subtopology: Number(m[1]), partition: Number(m[2]) };
}

/** Orders by sub-topology, then partition. */
export function compareTaskIds(a: TaskId, b: TaskId): number {
  return a.subtopology - b.subtopology || a.partition - b.partition;
}
