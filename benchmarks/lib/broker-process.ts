/*
 * The broker under test in its own process (`node bin/tributary.js broker --port 0`), as a real
 * deployment runs it: the benchmarked client or streams app shares the machine but not the event
 * loop. Started on a fresh data directory; stop() kills it (SIGTERM, then SIGKILL after 5 s) and
 * removes the directory. The bootstrap address is read from the "listening on HOST:PORT" line.
 *
 * With `--config FILE` among the arguments the listeners come from that file (its `listeners=`,
 * e.g. PLAINTEXT + SSL + SASL_SSL on port 0), so no `--port 0` is added; `banner` holds what the
 * broker printed up to its "listening on" line, including the "listener NAME (PROTOCOL) on
 * HOST:PORT" lines (listenerAddress reads them).
 *
 * `{ dataDir }` starts it on an existing directory instead (e.g. one holding logs, to time a
 * restart); the caller owns that directory and stop() leaves it in place. `stop('SIGKILL')` kills
 * it without a clean shutdown, so the next start on the same directory runs log recovery.
 *
 * With BENCH_BROKER_CPU_PROF_DIR=DIR in the environment the broker runs under V8's CPU profiler
 * (`--cpu-prof`), which writes DIR/CPU.<date>.<pid>…cpuprofile when the broker exits after a clean
 * stop (not after SIGKILL): what the broker spent its thread on while a workload ran.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './results.ts';

export interface BrokerProcess {
  readonly bootstrap: string;
  readonly pid: number;
  /** stdout up to and including the "listening on" line. */
  readonly banner: string;
  /** SIGTERM (default; SIGKILL after 5 s) or SIGKILL (a crash); removes a temp data dir. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export interface BrokerProcessOptions {
  /** Use this (caller-owned, kept on stop) data directory instead of a fresh temp one. */
  readonly dataDir?: string;
}

export async function startBrokerProcess(extraArgs: readonly string[] = [], options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tributary-bench-broker-')));
  const port = extraArgs.includes('--config') ? [] : ['--port', '0'];
  const profDir = process.env.BENCH_BROKER_CPU_PROF_DIR;
  const prof = profDir === undefined || profDir === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', profDir];
  const child: ChildProcess = spawn(process.execPath, [...prof, join(repoRoot, 'bin/tributary.js'), 'broker', '--data-dir', dataDir, ...port, ...extraArgs], {
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
    banner: out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** "HOST:PORT" of the listener named `name` in a broker banner; throws naming what is missing. */
export function listenerAddress(banner: string, name: string): string {
  const m = new RegExp(`listener ${name} \\(\\w+\\) on (\\S+)`).exec(banner);
  if (m === null) throw new Error(`the broker printed no "listener ${name} (...) on HOST:PORT" line: ${banner.slice(0, 400)}`);
  return m[1]!;
}
