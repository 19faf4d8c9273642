/*
 * StateDirectory: where an application's local state lives, and the only code that deletes it.
 *
 *   <stateDir>/<applicationId>/            the application directory (cleanUp() removes it)
 *   <stateDir>/<applicationId>/<taskId>/   one directory per task; each persistent store keeps
 *                                          its LevelDB database in <taskId>/<storeName>/
 *   <stateDir>/<applicationId>/.lock       this process's pid while an instance runs here
 *   <stateDir>/<applicationId>/.process-id a random id kept across restarts: the assignor knows the
 *                                          instance (and its warm stores) when it comes back
 *
 * Invariants:
 *  - Two live instances must not share an application directory (LevelDB would refuse the second
 *    open anyway, with a less helpful message): lock() writes the pid exclusively; a lock left by
 *    a process that no longer exists (a SIGKILL) is taken over.
 *  - A task directory is only wiped when its state is known to be bad (a store failed to open, or
 *    its checkpoint is ahead of the changelog end): the task is then rebuilt from the changelog.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class StateDirectory {
  readonly appDir: string;
  #locked = false;

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
    mkdirSync(this.appDir, { recursive: true });
    const file = join(this.appDir, '.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
        this.#locked = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = Number(readFileSync(file, 'utf8').trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
          throw new Error(
            `State directory ${this.appDir} is in use by process ${holder}; two instances of one application need different stateDir values.`,
          );
        }
        rmSync(file, { force: true });
      }
    }
    throw new Error(`Could not lock state directory ${this.appDir}; remove ${file} if no instance is running.`);
  }

  unlock(): void {
    if (!this.#locked) return;
    this.#locked = false;
    rmSync(join(this.appDir, '.lock'), { force: true });
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

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
