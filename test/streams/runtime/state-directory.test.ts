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
