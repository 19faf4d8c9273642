/*
 * StateDirectory: where an application's local state lives, and the only code that deletes it.
 *
 *   <stateDir>/<applicationId>/            the application directory (cleanUp() removes it)
 *   <stateDir>/<applicationId>/<taskId>/   one directory per task; each persistent store keeps
 *                                          its LevelDB database in <taskId>/<storeName>/
 *   <stateDir>/<applicationId>/.lock       the running instance's pid@host (advisory; the lock itself
 *                                          is held by the kernel, see src/util/dir-lock.ts)
 *   <stateDir>/<applicationId>/.process-id a random id kept across restarts: the assignor knows the
 *                                          instance (and its warm stores) when it comes back
 *   <stateDir>/<applicationId>/.task-locks/<taskId>  the stream thread of this process that has the
 *                                          task's stores open ("<pid>:<threadId>"); see lockTask()
 *
 * Invariants:
 *  - Two live instances must not share an application directory (LevelDB would refuse the second
 *    open anyway, with a less helpful message): lock() takes an OS-level lock that the kernel
 *    releases when the process dies, so a restart right after kill -9 is never refused.
 *  - A task directory is only wiped when its state is known to be bad (a store failed to open, or
 *    its checkpoint is ahead of the changelog end): the task is then rebuilt from the changelog.
 *  - Per-task locks (Kafka's StateDirectory.lock(taskId)): with several stream threads in one
 *    process (threads/), a task moving from thread A to thread B in a rebalance must not be opened
 *    by B before A closed it — LevelDB would refuse the second open, which would read as corrupt
 *    state and wipe it. A task lock is a file created with O_EXCL ('wx'), so it is atomic across
 *    worker threads without shared memory; its content names the owner. The application lock
 *    makes this process the only user of the directory, so at lock() every task lock left over is
 *    stale and removed; the locks of a worker that died are removed by releaseTaskLocksOf().
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { acquireDirLock, DirLockedError, type DirLock } from '../../util/dir-lock.ts';

/** How long lockTask() waits for another thread of this process to close the task. */
const TASK_LOCK_WAIT_MS = 60_000;
const TASK_LOCK_POLL_MS = 20;

/** The task-lock owner name of the calling JS thread (main thread: threadId 0). */
export function taskLockOwner(thread: number = threadId): string {
  return `${process.pid}:${thread}`;
}

export class StateDirectory {
  readonly appDir: string;
  #lock: DirLock | null = null;
  readonly #owner: string;

  /** `owner`: whose task locks this object takes (default: the calling thread, taskLockOwner()). */
  constructor(stateDir: string, applicationId: string, owner: string = taskLockOwner()) {
    this.appDir = resolve(stateDir, applicationId);
    this.#owner = owner;
  }

  get #lockDir(): string {
    return join(this.appDir, '.task-locks');
  }

  taskDir(taskId: string): string {
    return join(this.appDir, taskId);
  }

  /** Task ids that have a directory here (state this instance could warm-start from). */
  localTaskIds(): string[] {
    if (!existsSync(this.appDir)) return [];
    return readdirSync(this.appDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^\d+_\d+$/.test(d.name))
      .map((d) => d.name);
  }

  /** This instance's stable id (created on first use). */
  processId(): string {
    const file = join(this.appDir, '.process-id');
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id.length > 0) return id;
    } catch {
      // absent: create below
    }
    mkdirSync(this.appDir, { recursive: true });
    const id = randomUUID();
    writeFileSync(file, id);
    return id;
  }

  /** Takes the application directory for this process; throws if a live process holds it. */
  lock(): void {
    if (this.#lock !== null) return;
    try {
      this.#lock = acquireDirLock(this.appDir);
    } catch (e) {
      if (!(e instanceof DirLockedError)) throw e;
      throw new Error(
        `State directory ${this.appDir} is in use by another running instance (${e.holder}); two instances of one application need different stateDir values.`,
      );
    }
    // This process now owns the directory: task locks still there belong to a dead process.
    rmSync(this.#lockDir, { recursive: true, force: true });
  }

  /**
   * Takes task `taskId` for the calling thread before its stores open; waits while another thread
   * of this process holds it (it closes the task in the same rebalance). Re-entrant per thread.
   * Throws (a retriable error: the thread rejoins) when the holder does not let go in time.
   */
  async lockTask(taskId: string, waitMs: number = TASK_LOCK_WAIT_MS): Promise<void> {
    mkdirSync(this.#lockDir, { recursive: true });
    const file = join(this.#lockDir, taskId);
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        writeFileSync(file, this.#owner, { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readOwner(file);
      if (holder === this.#owner) return;
      if (holder === undefined) continue; // released between our create and read: try again
      if (Date.now() >= deadline) throw new Error(`Task ${taskId} is still open in another stream thread of this process (${holder}) after ${waitMs} ms; rejoining the group.`);
      await sleep(TASK_LOCK_POLL_MS);
    }
  }

  /** True while some stream thread of this process holds `taskId` (has its stores open or opening). */
  isTaskLocked(taskId: string): boolean {
    return existsSync(join(this.#lockDir, taskId));
  }

  /** Releases the calling thread's lock on `taskId` (after its stores closed). */
  unlockTask(taskId: string): void {
    const file = join(this.#lockDir, taskId);
    if (readOwner(file) === this.#owner) rmSync(file, { force: true });
  }

  /** Releases every task lock of `owner` (taskLockOwner(worker.threadId)) — a worker that ended. */
  releaseTaskLocksOf(owner: string): void {
    if (!existsSync(this.#lockDir)) return;
    for (const name of readdirSync(this.#lockDir)) {
      const file = join(this.#lockDir, name);
      if (readOwner(file) === owner) rmSync(file, { force: true });
    }
  }

  unlock(): void {
    this.#lock?.release();
    this.#lock = null;
  }

  /** Removes one task's local state (it will be restored from the changelog). */
  wipeTask(taskId: string): void {
    rmSync(this.taskDir(taskId), { recursive: true, force: true });
  }

  /** Removes all local state of the application (KafkaStreams.cleanUp()). */
  cleanUp(): void {
    rmSync(this.appDir, { recursive: true, force: true });
  }
}

function readOwner(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
