// StateDirectory.lock: one live instance per application directory, by an OS-level lock (see
// test/util/dir-lock.test.ts for release on kill -9); a second instance is refused with a message
// naming the directory, and the directory is free again after unlock().
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateDirectory } from '../../../src/streams/runtime/state-directory.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('StateDirectory.lock', () => {
  it('refuses a second instance on the same application directory until the first unlocks', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-'));
    dirs.push(stateDir);
    const first = new StateDirectory(stateDir, 'app');
    const second = new StateDirectory(stateDir, 'app');
    first.lock();
    expect(() => second.lock()).toThrow(`State directory ${join(stateDir, 'app')} is in use by another running instance (pid ${process.pid}@`);
    // Another application id in the same state dir is independent.
    const other = new StateDirectory(stateDir, 'other-app');
    other.lock();
    other.unlock();
    first.unlock();
    second.lock();
    second.unlock();
  });
});

describe('StateDirectory task locks (stream threads of one process)', () => {
  const setup = () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'tributary-state-'));
    dirs.push(stateDir);
    return { stateDir, a: new StateDirectory(stateDir, 'app', 'p:1'), b: new StateDirectory(stateDir, 'app', 'p:2') };
  };

  it('lets one thread at a time hold a task: the second waits until the first unlocks', async () => {
    const { a, b } = setup();
    await a.lockTask('0_1');
    await a.lockTask('0_1'); // re-entrant for the holder
    let bHas = false;
    const bLock = b.lockTask('0_1').then(() => (bHas = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(bHas).toBe(false);
    b.unlockTask('0_1'); // not the holder: no effect
    await b.lockTask('0_2'); // other tasks are independent
    a.unlockTask('0_1');
    await bLock;
    expect(bHas).toBe(true);
  });

  it('gives up waiting with an error naming the task and the holder', async () => {
    const { a, b } = setup();
    await a.lockTask('1_0');
    await expect(b.lockTask('1_0', 60)).rejects.toThrow('Task 1_0 is still open in another stream thread of this process (p:1)');
  });

  it('frees the locks of a thread that ended, and every leftover lock when the process takes the directory', async () => {
    const { stateDir, a, b } = setup();
    await a.lockTask('0_0');
    await a.lockTask('0_3');
    await b.lockTask('0_4');
    b.releaseTaskLocksOf('p:1');
    await b.lockTask('0_0', 0);
    await b.lockTask('0_3', 0);
    // A new process (after a crash) takes the application directory: stale task locks go.
    const restarted = new StateDirectory(stateDir, 'app', 'q:0');
    restarted.lock();
    await restarted.lockTask('0_4', 0);
    restarted.unlock();
  });
});
