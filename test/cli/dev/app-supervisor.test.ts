/*
 * The `tributary dev` restart loop on its own: which file changes count, and that a change stops
 * the running child before the next one starts (never two at once), while a child that exits by
 * itself waits for the next change.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppSupervisor, isWatchedChange } from '../../../src/cli/dev/app-supervisor.ts';

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('isWatchedChange', () => {
  it('counts source and JSON files, not dependencies, dot-directories or ignored paths', () => {
    expect(isWatchedChange('topology.ts')).toBe(true);
    expect(isWatchedChange('lib/serdes.mjs')).toBe(true);
    expect(isWatchedChange('config.json')).toBe(true);
    expect(isWatchedChange('README.md')).toBe(false);
    expect(isWatchedChange('node_modules/x/index.js')).toBe(false);
    expect(isWatchedChange('.tributary/dev/state/x.json')).toBe(false);
    expect(isWatchedChange('.git/index')).toBe(false);
    expect(isWatchedChange('out/app.js', ['out'])).toBe(false);
    expect(isWatchedChange('output/app.js', ['out'])).toBe(true);
  });
});

describe('AppSupervisor', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(script: string) {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-dev-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'app.js'), '// v1\n');
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const logs: string[] = [];
    const sup = new AppSupervisor({
      command: [process.execPath, '-e', script],
      watchDir: dir,
      debounceMs: 100,
      stopTimeoutMs: 5000,
      stdio: 'pipe',
      log: (l) => logs.push(l),
      onSpawn: (child) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        events.push('spawn');
        child.once('exit', () => {
          running--;
          events.push('exit');
        });
      },
    });
    cleanups.push(() => sup.stop());
    return { dir, sup, events, logs, maxRunning: () => maxRunning };
  }

  it('restarts the app on a change: the old child exits before the new one starts', async () => {
    // The child takes a moment to stop on SIGTERM, as an app committing would.
    const { dir, sup, events, logs, maxRunning } = await setup("setInterval(() => {}, 1000); process.on('SIGTERM', () => setTimeout(() => process.exit(0), 300));");
    sup.start();
    await until(() => sup.starts === 1, 'first start');
    await new Promise((r) => setTimeout(r, 200));
    await writeFile(join(dir, 'src', 'app.js'), '// v2\n');
    await until(() => sup.starts === 2, 'restart');
    expect(events.slice(0, 3)).toEqual(['spawn', 'exit', 'spawn']);
    expect(maxRunning()).toBe(1);
    expect(logs.some((l) => l.includes('app.js changed: restarting'))).toBe(true);
    // A change the app does not depend on restarts nothing.
    await writeFile(join(dir, 'notes.md'), 'x');
    await new Promise((r) => setTimeout(r, 500));
    expect(sup.starts).toBe(2);
  });

  it('leaves a crashed app down until the next change', async () => {
    const { dir, sup, logs } = await setup('process.exit(3)');
    sup.start();
    await until(() => logs.some((l) => l.includes('the app exited (code 3)')), 'crash report');
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.starts).toBe(1);
    await writeFile(join(dir, 'src', 'app.js'), '// fixed\n');
    await until(() => sup.starts === 2, 'restart after the fix');
  });
});
