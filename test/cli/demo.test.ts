/*
 * `tributary demo` (what `npm start` runs): one command, no setup. It runs the heart-rate streams
 * app on an embedded broker with data and state under ./.tributary/demo, generates readings, prints
 * the window averages the app writes, and stops cleanly on Ctrl-C (SIGINT) or --duration.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from './run-cli.ts';

describe('tributary demo', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the heart-rate app on an embedded broker, prints live averages, and stops cleanly on SIGINT', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-demo-'));
    const child = spawn(process.execPath, [BIN, 'demo', '--interval', '50'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no live averages within 30 s:\n${stdout}\n${stderr}`)), 30_000);
        const check = () => {
          if (/average \d\d:\d\d:\d\d–\d\d:\d\d:\d\d watch-1 +\d+(\.\d)? bpm/.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', check);
      });
      expect(stdout).toContain('Tributary demo');
      expect(stdout).toMatch(/embedded broker listening on 127\.0\.0\.1:\d+/);
      expect(stdout).toContain('[state] REBALANCING → RUNNING');
      expect((await stat(join(dir, '.tributary', 'demo', 'broker'))).isDirectory()).toBe(true);
      expect((await stat(join(dir, '.tributary', 'demo', 'state', 'tributary-demo-heart-rate'))).isDirectory()).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    // The closing tally survives close(): it once read 0 after the thread was gone.
    expect(stdout).toMatch(/processed [1-9]\d* records; demo stopped cleanly/);
    expect(stdout).toContain('PENDING_SHUTDOWN → NOT_RUNNING');
  }, 60_000);

  it('stops by itself after --duration seconds', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-demo-'));
    const child = spawn(process.execPath, [BIN, 'demo', '--duration', '3', '--dir', 'd'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stdout).toContain('--duration 3s reached');
    expect(stdout).toContain('demo stopped cleanly');
  }, 60_000);
});
