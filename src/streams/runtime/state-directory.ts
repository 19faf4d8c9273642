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
 *
 * Invariants:
 *  - Two live instances must not share an application directory (LevelDB would refuse the second
 *    open anyway, with a less helpful message): lock() takes an OS-level lock that the kernel
 *    releases when the process dies, so a restart right after kill -9 is never refused.
 *  - A task directory is only wiped when its state is known to be bad (a store failed to open, or
 *    its checkpoint is ahead of the changelog end): the task is then rebuilt from the changelog.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { acquireDirLock, DirLockedError, type DirLock } from '../../util/dir-lock.ts';

export class StateDirectory {
  readonly appDir: string;
  #lock: DirLock | null = null;

  constructor(stateDir: string, applicationId: string) {
    this.appDir = resolve(stateDir, applicationId);
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
