/*
 * The checkpoint of a CLOSED task directory: how far each persistent store of the task had
 * restored its changelog when the task was closed — Kafka Streams' `<taskDir>/.checkpoint`
 * (OffsetCheckpoint). While a task is open its stores are the truth (each keeps its changelog
 * offset in the same LevelDB batch as its data); this file exists so that a task nobody has open
 * can still say how warm it is without opening LevelDB, which the group subscription (built
 * synchronously, at every join) could not afford.
 *
 * Life: written when a stream thread closes the task (after a rebalance moved it, the thread was
 * removed or replaced, or the instance stopped), deleted when a thread opens it again (its stores
 * then move past it; a crash while open leaves no file, so no stale claim). Format and atomic
 * write: global/global-checkpoint.ts (one line per changelog partition, Kafka's text layout).
 *
 * Warm task directories (Kafka's TaskManager.getTaskOffsetSums over the process's unlocked task
 * directories): every thread's subscription reports, besides its own tasks, each task directory of
 * the process that no stream thread holds (no task lock) and that has a checkpoint, with the sum of
 * its offsets — so the assignor sees the state a removed or replaced thread left on disk, and a
 * restarted instance the state of its previous run. Kafka takes the directories' locks for the
 * length of the rebalance; here the lock is only checked (taking it synchronously would hold up a
 * sibling thread given the task in the same rebalance), so two threads of one process may both
 * report a directory: both are the same process to the assignor.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FILE, checkpointKey, readCheckpoint, writeCheckpoint } from './global/global-checkpoint.ts';
import type { StateDirectory } from './state-directory.ts';

export interface CheckpointedChangelog {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Writes the closed task's checkpoint (nothing, and no file, when no store has an offset). */
export function writeTaskCheckpoint(taskDir: string, changelogs: readonly CheckpointedChangelog[]): void {
  if (changelogs.length === 0) return deleteTaskCheckpoint(taskDir);
  writeCheckpoint(taskDir, new Map(changelogs.map((c) => [checkpointKey(c.topic, c.partition), c.offset])));
}

/** Removes the checkpoint as the task opens (its stores are the truth from now on). */
export function deleteTaskCheckpoint(taskDir: string): void {
  rmSync(join(taskDir, CHECKPOINT_FILE), { force: true });
}

/**
 * Offset sums of the process's task directories that no thread holds and that have a checkpoint,
 * except `skip` (the calling thread's own tasks, reported from their stores).
 */
export function unlockedTaskOffsetSums(stateDir: StateDirectory, skip: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of stateDir.localTaskIds()) {
    if (skip.has(id) || stateDir.isTaskLocked(id)) continue;
    const read = readCheckpoint(stateDir.taskDir(id));
    if (read.offsets === undefined || read.offsets.size === 0) continue;
    let sum = 0;
    for (const o of read.offsets.values()) sum += o;
    out.set(id, sum);
  }
  return out;
}

/** A thread's subscription offsets: its own tasks' (from their stores), then the unlocked warm directories. */
export function withWarmTaskDirectories(own: Map<string, number>, stateDir: StateDirectory): Map<string, number> {
  for (const [id, sum] of unlockedTaskOffsetSums(stateDir, new Set(own.keys()))) own.set(id, sum);
  return own;
}
