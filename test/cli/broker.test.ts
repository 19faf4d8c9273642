/*
 * `tributary broker` end to end: the real binary starts a broker on a free port, prints its
 * bootstrap address, serves a real client (kcat), and shuts down cleanly on SIGTERM; a taken
 * port is a clear user error.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kcatMetadata } from '../conformance/helpers/clients.ts';
import { BIN, looksLikeUserError, tributary } from './run-cli.ts';

/** Starts `tributary broker` on `dir`; `banner` resolves with its bootstrap address once it listens. */
function spawnBroker(dir: string, extra: string[] = []) {
  const child = spawn(process.execPath, [BIN, 'broker', '--data-dir', dir, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const banner = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${stdout}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(stdout);
      if (m && stdout.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { child, exited, banner, output: () => stdout };
}

describe('tributary broker', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('starts, prints how to connect, serves clients and stops cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
    dirs.push(dir);
    const { child, exited, banner, output } = spawnBroker(dir, ['--partitions', '2']);
    try {
      const bootstrap = await banner;
      const stdout = output();
      expect(stdout).toContain(`kcat -b ${bootstrap}`);
      expect(stdout).toContain('tributary consume');

      const created = await tributary(['topics', 'create', 'via-cli', '--bootstrap-server', bootstrap]);
      expect(created.code).toBe(0);
      const md = await kcatMetadata(bootstrap);
      expect(md.brokers).toEqual([{ id: 0, name: bootstrap }]);
      expect(md.topics.map((t) => t.topic)).toContain('via-cli');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output()).toContain('broker stopped cleanly');
    expect((await readdir(dir)).length).toBeGreaterThan(0);
  });

  it('reports a port that is already taken as a user error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
    dirs.push(dir);
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await tributary(['broker', '--data-dir', dir, '--port', String(port)]);
      expect(looksLikeUserError(r)).toBe(true);
      expect(r.stderr).toContain(`port ${port}`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('refuses a second broker on a data dir in use, and starts at once after the holder is killed -9', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
    dirs.push(dir);
    const first = spawnBroker(dir);
    try {
      await first.banner;
      const second = await tributary(['broker', '--data-dir', dir, '--port', '0']);
      expect(second.code).not.toBe(0);
      expect(looksLikeUserError(second)).toBe(true);
      expect(second.stderr).toContain(`data directory ${dir} is in use by another running broker (pid ${first.child.pid}@`);
      expect(second.stderr).toContain('--data-dir');
    } finally {
      first.child.kill('SIGKILL');
    }
    await first.exited;
    // The kernel released the lock with the process: a restart is not refused.
    const third = spawnBroker(dir);
    try {
      await third.banner;
    } finally {
      third.child.kill('SIGTERM');
    }
    expect(await third.exited).toBe(0);
  });

  it('reports a damaged topic-registry.json as a user error naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
    dirs.push(dir);
    await writeFile(join(dir, 'topic-registry.json'), '{"version":1,"topics":[');
    const r = await tributary(['broker', '--data-dir', dir, '--port', '0']);
    expect(looksLikeUserError(r)).toBe(true);
    expect(r.stderr).toContain(`topic registry ${join(dir, 'topic-registry.json')} is damaged`);
    expect(r.stderr).not.toContain('this is a bug');
  });

  it('rejects a negative --group-initial-rebalance-delay-ms, naming the flag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
    dirs.push(dir);
    const r = await tributary(['broker', '--data-dir', dir, '--port', '0', '--group-initial-rebalance-delay-ms', '-5']);
    expect(looksLikeUserError(r)).toBe(true);
    expect(r.stderr).toContain('--group-initial-rebalance-delay-ms');
  });
});
