/*
 * The global stores' checkpoint: how far each partition of each global topic has been applied to
 * the persistent global stores — Kafka Streams' `<state.dir>/<application.id>/global/.checkpoint`
 * (OffsetCheckpoint). A global store has no changelog (its source topic is its changelog), and
 * one store reads every partition of its topic, so the single changelog offset a task store keeps
 * with its data does not fit: the offsets live in this file instead.
 *
 * File layout (Kafka's OffsetCheckpoint text format, so the file reads the same as Kafka's):
 *   line 1   version: 0
 *   line 2   number of entries N
 *   N lines  "<topic> <partition> <offset>"   offset = the next offset to read
 *
 * Invariants:
 *  - written only after the stores' data up to those offsets is on disk (the caller flushes the
 *    stores first), so the file never claims more than the stores hold; a crash between the two
 *    re-applies records the stores already have (a table put is idempotent per key);
 *  - written atomically: temporary file, fsync, rename over the old one, fsync of the directory,
 *    so a crash leaves the old or the new file, never a torn one;
 *  - a file that does not parse is treated as absent (the stores are rebuilt from the topics),
 *    with the reason returned so the caller can log it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CHECKPOINT_FILE = '.checkpoint';
const VERSION = 0;

/** "topic\0partition" → next offset to read. */
export type CheckpointOffsets = Map<string, number>;

export function checkpointKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export type CheckpointRead = { readonly offsets: CheckpointOffsets } | { readonly offsets: undefined; readonly problem: string | undefined };

/** Reads `<dir>/.checkpoint`; offsets undefined when absent (problem undefined) or unreadable. */
export function readCheckpoint(dir: string): CheckpointRead {
  const file = join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { offsets: undefined, problem: undefined };
    return { offsets: undefined, problem: `cannot read ${file}: ${(e as Error).message}` };
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== String(VERSION)) return { offsets: undefined, problem: `${file} has version ${JSON.stringify(lines[0] ?? '')}, expected ${VERSION}` };
  const n = Number(lines[1]);
  if (!Number.isInteger(n) || n < 0 || lines.length !== n + 2) return { offsets: undefined, problem: `${file} announces ${lines[1]} entries but holds ${lines.length - 2}` };
  const offsets: CheckpointOffsets = new Map();
  for (const line of lines.slice(2)) {
    // The topic name cannot contain a space (Kafka topic names are [a-zA-Z0-9._-]).
    const m = /^(\S+) (\d+) (\d+)$/.exec(line);
    if (m === null) return { offsets: undefined, problem: `${file} has a malformed entry ${JSON.stringify(line)}` };
    offsets.set(checkpointKey(m[1]!, Number(m[2])), Number(m[3]));
  }
  return { offsets };
}

/** Replaces `<dir>/.checkpoint` atomically (file comment). */
export function writeCheckpoint(dir: string, offsets: ReadonlyMap<string, number>): void {
  mkdirSync(dir, { recursive: true });
  const lines = [String(VERSION), String(offsets.size)];
  for (const [k, offset] of [...offsets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [topic, partition] = k.split('\u0000') as [string, string];
    lines.push(`${topic} ${partition} ${offset}`);
  }
  const file = join(dir, CHECKPOINT_FILE);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${lines.join('\n')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
