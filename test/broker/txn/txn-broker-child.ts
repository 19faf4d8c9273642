/*
 * Test helper: runs txn-broker-process.ts in a child process (so it can be SIGKILLed) and reads
 * its ephemeral port from its "listening on" line. killChildren() in afterEach stops what is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../../../bin/run-ts.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./txn-broker-process.ts', import.meta.url));
const children: ChildProcess[] = [];

export function killChildren(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export interface Child {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

/** `options`: extra broker options for the child (JSON-encoded into TXN_BROKER_OPTIONS). */
export async function spawnBroker(dataDir: string, crashAtMarker?: number, options?: object): Promise<Child> {
  const args = [RUN_TS, CHILD, dataDir, ...(crashAtMarker === undefined ? [] : [String(crashAtMarker)])];
  const env = options === undefined ? process.env : { ...process.env, TXN_BROKER_OPTIONS: JSON.stringify(options) };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  children.push(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`broker child exited with ${code} before listening:\n${out}\n${err}`)));
  });
  return { child, port, exited };
}

export async function kill(c: Child): Promise<void> {
  c.child.kill('SIGKILL');
  await c.exited;
}

