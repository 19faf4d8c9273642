// Warm task directories of the process, reported to the assignor as Kafka's getTaskOffsetSums:
// a task directory no stream thread holds (no task lock) reports the offsets its checkpoint kept
// when its last thread closed it (task-checkpoint.ts); a locked one, the calling thread's own
// tasks and directories without a usable checkpoint do not. Through the subscription's bytes and
// the assignor, the process whose removed thread left a task warm on disk gets that task back.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignTasks } from '../../../src/streams/runtime/assignor/assign-tasks.ts';
import { decodeSubscription, encodeSubscription } from '../../../src/streams/runtime/assignor/assignment-codec.ts';
import { StateDirectory, taskLockOwner } from '../../../src/streams/runtime/state-directory.ts';
import { deleteTaskCheckpoint, unlockedTaskOffsetSums, withWarmTaskDirectories, writeTaskCheckpoint } from '../../../src/streams/runtime/task-checkpoint.ts';

describe('warm task directories (task checkpoints)', () => {
  let root: string;
  let dir: StateDirectory;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tributary-task-checkpoint-'));
    dir = new StateDirectory(root, 'app');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A closed task with a persistent store per changelog offset. */
  function closedTask(id: string, ...offsets: number[]): void {
    mkdirSync(dir.taskDir(id), { recursive: true });
    writeTaskCheckpoint(dir.taskDir(id), offsets.map((offset, i) => ({ topic: `app-s${i}-changelog`, partition: Number(id.split('_')[1]), offset })));
  }

  it('reports unlocked checkpointed directories with their offset sums, not locked or own ones', async () => {
    closedTask('0_0', 10, 5);
    closedTask('0_1', 7);
    closedTask('1_0', 3);
    closedTask('1_1'); // no persistent store had an offset: no checkpoint
    mkdirSync(dir.taskDir('1_2'), { recursive: true });
    writeFileSync(join(dir.taskDir('1_2'), '.checkpoint'), 'garbage');
    // Another thread of this process has 0_1 open.
    await new StateDirectory(root, 'app', taskLockOwner(99)).lockTask('0_1');
    expect(unlockedTaskOffsetSums(dir, new Set())).toEqual(new Map([['0_0', 15], ['1_0', 3]]));
    // The calling thread's own tasks come from their stores, which win.
    expect(withWarmTaskDirectories(new Map([['1_0', 40]]), dir)).toEqual(new Map([['1_0', 40], ['0_0', 15]]));
    // A thread opening the task deletes the checkpoint: the stores are the truth from then on.
    deleteTaskCheckpoint(dir.taskDir('0_0'));
    expect(unlockedTaskOffsetSums(dir, new Set())).toEqual(new Map([['1_0', 3]]));
  });

  it('through the subscription, the assignor gives a warm directory\'s task to its process', () => {
    closedTask('0_0', 100);
    closedTask('0_1', 100);
    // Process A's remaining thread owns nothing yet; process B has no state at all (and the smaller
    // member id, which would win every tie without A's warmth).
    const a = decodeSubscription(encodeSubscription({ processId: 'A', applicationServer: null, activeTasks: [], standbyTasks: [], taskOffsets: withWarmTaskDirectories(new Map(), dir) }));
    expect(a.taskOffsets).toEqual(new Map([['0_0', 100], ['0_1', 100]]));
    const out = assignTasks({
      tasks: ['0_0', '0_1', '0_2', '0_3'],
      members: [
        { memberId: 'b-1', processId: 'B', previousActive: [], previousStandby: [], taskOffsets: new Map() },
        { memberId: 'z-1', processId: 'A', previousActive: a.activeTasks, previousStandby: a.standbyTasks, taskOffsets: a.taskOffsets },
      ],
      numStandbyReplicas: 0,
      acceptableRecoveryLag: 10,
      taskEndOffsets: new Map([['0_0', 100], ['0_1', 100], ['0_2', 100], ['0_3', 100]]),
    });
    expect(out.get('z-1')?.active).toEqual(['0_0', '0_1']);
    expect(out.get('b-1')?.active).toEqual(['0_2', '0_3']);
  });
});
