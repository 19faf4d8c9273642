/*
 * Test helper: runs the real `tributary` binary (bin/tributary.js, the same entry npm installs)
 * as a child process and returns its exit code and output.
 */
import { fileURLToPath } from 'node:url';
import { runProcess, type RunResult } from '../conformance/helpers/run-process.ts';

export const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

export function tributary(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return runProcess(process.execPath, [BIN, ...args], { allowFailure: true, timeoutMs: opts.timeoutMs ?? 30_000, ...(opts.input !== undefined ? { input: opts.input } : {}) });
}

/** Asserts-friendly view: a user error has one `error:` line and no stack frames. */
export function looksLikeUserError(r: RunResult): boolean {
  return r.code === 1 && /^error: /m.test(r.stderr) && !/\n\s+at /.test(r.stderr);
}
