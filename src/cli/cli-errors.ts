/*
 * How the `tributary` command reports failure. A user error (bad flag value, unknown topic,
 * broker not reachable, a Kafka error code from the broker) prints one clear line — what was
 * wrong, with which input, what to do — and exits non-zero with no stack trace. Anything else is
 * a bug in Tributary: it prints the stack so it can be reported.
 *
 * Exit codes: 1 user error or broker-reported error, 2 usage error (commander's own), 70 internal
 * error (EX_SOFTWARE).
 */
import { CommanderError } from 'commander';

export const ExitCode = { ok: 0, userError: 1, usage: 2, internal: 70 } as const;

/** An error caused by the user's input or environment; printed without a stack. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Errors from the wire client that are about the outside world (Kafka error codes, refused
 * connections, timeouts) are user-facing: they mark themselves with `userFacing = true`.
 */
function isUserFacing(err: unknown): err is Error {
  if (err instanceof CliError) return true;
  if (err instanceof Error && (err as { userFacing?: unknown }).userFacing === true) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EADDRINUSE', 'EACCES'].includes(code);
}

/** Prints `err` the way the CLI should and returns the exit code to use. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument, --help).
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (isUserFacing(err)) {
    stderr.write(`error: ${err.message}\n`);
    return ExitCode.userError;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr.write(`internal error (this is a bug in Tributary, please report it):\n${detail}\n`);
  return ExitCode.internal;
}
