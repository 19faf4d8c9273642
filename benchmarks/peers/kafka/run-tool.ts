/*
 * Runs a JVM tool (a Kafka script, javac, kafka-run-class.sh) to completion for the peer suites:
 * resolves with its stdout; rejects with the tail of its output when it exits non-zero, cannot
 * be started, or outlives `timeoutMs` (then it is killed with SIGKILL, so no run is left behind).
 */
import { spawn } from 'node:child_process';

export function runTool(command: string, args: readonly string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited with ${code}: ${(err || out).slice(-600)}`));
    });
  });
}
