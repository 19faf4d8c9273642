/*
 * A streams application under test in its own process (`node bin/run-ts.js APP …args`), as the
 * multi-instance and kill -9 tests run them. The app reports on stdout as JSON lines
 * ({"event": …}); every parsed line goes to `onEvent`, anything else is ignored. The last 3000
 * characters of stderr are kept for failure messages. `killAll` SIGKILLs every process still
 * running and waits for it, so no test leaves one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

export interface AppProcess {
  readonly child: ChildProcess;
  /** The tail of the app's stderr. */
  stderr: string;
  readonly exited: Promise<number | null>;
}

export type AppEvent = { event: string } & Record<string, unknown>;

export function launchApp(app: string, args: readonly string[], onEvent: (event: AppEvent) => void): AppProcess {
  const child = spawn(process.execPath, [RUN_TS, app, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: AppProcess = { child, stderr: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let event: AppEvent;
      try {
        event = JSON.parse(line) as AppEvent;
      } catch {
        continue; // not an event line
      }
      onEvent(event);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (proc.stderr = (proc.stderr + d.toString()).slice(-3000)));
  return proc;
}

/** An app that reports {"event":"state"} and {"event":"progress","processed":N} lines, tracked. */
export interface TrackedApp extends AppProcess {
  state: string;
  processed: number;
}

export function launchTracked(app: string, args: readonly string[]): TrackedApp {
  const tracked: TrackedApp = Object.assign(
    launchApp(app, args, (ev) => {
      if (ev.event === 'state') tracked.state = ev['state'] as string;
      if (ev.event === 'progress') tracked.processed = ev['processed'] as number;
    }),
    { state: 'CREATED', processed: 0 },
  );
  return tracked;
}

/** State, progress, exit and stderr tail, for failure messages. */
export function describeTracked(t: TrackedApp): string {
  return `state=${t.state} processed=${t.processed} exit=${t.child.exitCode ?? t.child.signalCode}\n${t.stderr}`;
}

export function isRunning(p: AppProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** SIGKILLs `p` and waits for its exit. */
export async function killApp(p: AppProcess): Promise<void> {
  if (isRunning(p)) p.child.kill('SIGKILL');
  await p.exited;
}

/** SIGKILLs and reaps every process in `procs`, emptying the list. */
export async function killAll(procs: AppProcess[]): Promise<void> {
  for (const p of procs.splice(0)) await killApp(p);
}
