/*
 * Runs a real client (kcat, /usr/bin/python3 scripts) as a child process with a hard timeout, so a
 * client that hangs against a misbehaving broker fails its test with a message instead of
 * stalling the suite. Output is collected whole; conformance clients print line-oriented JSON
 * (kcat -J, our Python scripts) that the callers parse with `jsonLines`.
 *
 * Invariants: the child is always reaped (SIGKILL on timeout), stdin is closed after `input` is
 * written, and a non-zero exit or a timeout rejects with the command line, exit status and the
 * tail of stderr — the details needed to debug a conformance failure from CI logs alone.
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  /** Bytes or text written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the child after this long (default 30 s). */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Resolve even when the exit code is non-zero (the caller inspects `code`). */
  allowFailure?: boolean;
  cwd?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class ProcessError extends Error {
  constructor(
    message: string,
    readonly result: RunResult,
  ) {
    super(message);
    this.name = 'ProcessError';
  }
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const line = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start \`${command}\`: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (timedOut) {
        reject(new ProcessError(`\`${line}\` did not finish within ${timeoutMs} ms; stderr:\n${tail(result.stderr)}`, result));
      } else if (code !== 0 && !opts.allowFailure) {
        reject(
          new ProcessError(
            `\`${line}\` exited with ${code ?? signal}; stderr:\n${tail(result.stderr)}\nstdout:\n${tail(result.stdout, 10)}`,
            result,
          ),
        );
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {
      // The child may exit before reading all input (e.g. kcat -c N); the exit status tells.
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Parses one JSON value per non-empty line. Throws naming the first bad line. */
export function jsonLines<T = unknown>(text: string): T[] {
  const rows: T[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch {
      throw new Error(`line ${i + 1} of client output is not JSON: ${line.slice(0, 200)}`);
    }
  }
  return rows;
}
