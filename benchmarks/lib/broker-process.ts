/*
 * The broker under test in its own process (`node bin/tributary.js broker --port 0`), as a real
 * deployment runs it: the benchmarked client or streams app shares the machine but not the event
 * loop. Started on a fresh data directory; stop() kills it (SIGTERM, then SIGKILL after 5 s) and
 * removes the directory. The bootstrap address is read from the "listening on HOST:PORT" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './results.ts';

export interface BrokerProcess {
  readonly bootstrap: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startBrokerProcess(extraArgs: readonly string[] = []): Promise<BrokerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-broker-'));
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin/tributary.js'), 'broker', '--data-dir', dataDir, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const bootstrap = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`broker process exited with code ${code} before listening; output: ${out}`)));
  });
  child.stdout!.resume();
  return {
    bootstrap,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
