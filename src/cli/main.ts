/*
 * Entry point of the `tributary` command (bin/tributary.js runs the compiled file). Parses argv,
 * runs the command, and turns any failure into a one-line message and a non-zero exit code
 * (cli-errors.ts). It never calls process.exit on success: commands close what they open, so the
 * process ends when the event loop is empty and stdout is flushed.
 */
import { reportError } from './cli-errors.ts';
import { buildProgram } from './program.ts';

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
