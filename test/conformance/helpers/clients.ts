/*
 * Thin wrappers that run the real clients the conformance suite drives: kcat (librdkafka 2.0.2)
 * and /usr/bin/python3 with the Debian kafka-python 2.0.2 and confluent-kafka 1.7.0 modules.
 * Always /usr/bin/python3: that interpreter has the Debian modules, a venv python may not.
 *
 * Output contracts:
 * - kcat consume runs with -J, one JSON envelope per line (`KcatMessage`).
 * - kcat -L -J prints one JSON document (`KcatMetadata`).
 * - The Python scripts under ./python print one JSON object per line (see each script's header).
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { jsonLines, runProcess, type RunOptions, type RunResult } from './run-process.ts';

export const PYTHON = '/usr/bin/python3';
export const KCAT = 'kcat';
const pythonDir = join(dirname(fileURLToPath(import.meta.url)), 'python');

export interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  key: string | null;
  payload: string | null;
}

export interface KcatMetadata {
  originating_broker: { id: number; name: string };
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[];
    error?: string;
  }[];
}

/** Runs kcat against `bootstrap` with the given mode arguments (the `-b` is added here). */
export function kcat(bootstrap: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return runProcess(KCAT, ['-b', bootstrap, ...args], opts);
}

export async function kcatMetadata(bootstrap: string, topic?: string): Promise<KcatMetadata> {
  const res = await kcat(bootstrap, ['-L', '-J', ...(topic ? ['-t', topic] : [])]);
  return JSON.parse(res.stdout) as KcatMetadata;
}

/** Consumes `topic` from the beginning until the end of every partition (-e) as JSON envelopes. */
export async function kcatConsumeAll(bootstrap: string, topic: string, extra: readonly string[] = []): Promise<KcatMessage[]> {
  const res = await kcat(bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e', '-J', ...extra], { timeoutMs: 60_000 });
  return jsonLines<KcatMessage>(res.stdout);
}

/** Runs one of the scripts in helpers/python with /usr/bin/python3 and parses its JSON lines. */
export async function python<T = Record<string, unknown>>(script: string, args: readonly string[], opts?: RunOptions): Promise<T[]> {
  const res = await runProcess(PYTHON, [join(pythonDir, script), ...args], { timeoutMs: 90_000, ...opts });
  return jsonLines<T>(res.stdout);
}
