// The directory lock: exclusive while held (also through another path to the same directory),
// free again after release, and freed by the kernel when the holder dies — even while the dead
// holder is a zombie its parent has not reaped (where a PID file would still name it).
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireDirLock, DirLockedError, type DirLock } from '../../src/util/dir-lock.ts';

const HOLDER = fileURLToPath(new URL('./dir-lock-holder.ts', import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tributary-lock-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function take(dir: string): DirLock {
  const l = acquireDirLock(dir);
  cleanups.push(() => l.release());
  return l;
}

describe('acquireDirLock', () => {
  it('is exclusive while held, also through a symlink, and free again after release', () => {
    const dir = tempDir();
    const lock = take(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid}@`));
    expect(() => acquireDirLock(dir)).toThrow(DirLockedError);
    const link = join(tempDir(), 'link');
    symlinkSync(dir, link);
    expect(() => acquireDirLock(link)).toThrow(/locked by another running process \(pid \d+@/);
    lock.release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    take(link).release();
    take(dir);
  });

  it.runIf(process.platform === 'linux')('is free as soon as the holder is killed -9, while it is still an unreaped zombie', async () => {
    const dir = tempDir();
    // python3 starts the holder and never waits for it, so the killed holder stays a zombie.
    const parent = spawn(
      '/usr/bin/python3',
      ['-c', 'import subprocess, sys, time\nsubprocess.Popen(sys.argv[1:])\ntime.sleep(120)', process.execPath, '--import', 'tsx', HOLDER, dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => parent.kill('SIGKILL'));
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /locked (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', () => reject(new Error(`holder ended early: ${out}`)));
    });
    expect(() => acquireDirLock(dir)).toThrow(new RegExp(`pid ${pid}@`));
    process.kill(pid, 'SIGKILL');
    // Wait for the kernel to finish the kill: every thread of the holder has exited (only the
    // leader is left in /proc/PID/task) and the leader is a zombie (state Z) that nobody reaps.
    const dead = (): boolean => readdirSync(`/proc/${pid}/task`).length === 1 && /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    while (!dead()) await new Promise((r) => setTimeout(r, 10));
    take(dir);
    expect(dead()).toBe(true);
  });
});
