/*
 * The `.position` checkpoint of a persistent store: `<task directory>/<store name>.position`,
 * as Kafka's RocksDBStore keeps beside its data (StoreQueryUtils.checkpointPosition /
 * readPositionFromCheckpoint), so a restarted task answers bounded queries at once instead of
 * waiting for its first record.
 *
 * Layout: Kafka's OffsetCheckpoint text file (one entry per input topic-partition; topic names
 * hold no whitespace):
 *
 *   0                         version
 *   2                         number of entries
 *   orders 0 41               topic, partition, offset of the last record the store saw
 *   orders 1 7
 *
 * Written at commit step 5, after the store's own batch (so on disk it is never ahead of the
 * data it describes: a crash between the two leaves it behind, which only makes bounded queries
 * wait for newer records), to a temporary file renamed over the old one (atomic on POSIX).
 * Reading: a missing file is an empty position; a malformed one is reported through `warn` and
 * read as empty — a position that is too low delays answers, never gives a wrong one.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Position } from './position.ts';

export function positionCheckpointPath(taskDir: string, storeName: string): string {
  return join(taskDir, `${storeName}.position`);
}

export function formatPositionCheckpoint(position: Position): string {
  const lines: string[] = [];
  for (const topic of [...position.getTopics()].sort()) {
    for (const [partition, offset] of [...position.getPartitionPositions(topic)].sort(([a], [b]) => a - b)) lines.push(`${topic} ${partition} ${offset}`);
  }
  return `0\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** Parses the layout above; throws an Error naming the line that is wrong. */
export function parsePositionCheckpoint(text: string): Position {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0]?.trim() !== '0') throw new Error(`unknown position checkpoint version ${JSON.stringify(lines[0] ?? '')} (expected 0)`);
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0) throw new Error(`bad entry count ${JSON.stringify(lines[1] ?? '')}`);
  if (lines.length !== count + 2) throw new Error(`expected ${count} entries but found ${lines.length - 2}`);
  const p = Position.emptyPosition();
  for (let i = 2; i < lines.length; i++) {
    const parts = lines[i]!.trim().split(/\s+/);
    const partition = Number(parts[1]);
    const offset = Number(parts[2]);
    if (parts.length !== 3 || parts[0]!.length === 0 || !Number.isInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new Error(`line ${i + 1} is not "<topic> <partition> <offset>": ${JSON.stringify(lines[i])}`);
    }
    p.withComponent(parts[0]!, partition, offset);
  }
  return p;
}

export async function readPositionCheckpoint(file: string, warn: (message: string) => void): Promise<Position> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Position.emptyPosition();
    warn(`cannot read position checkpoint ${file} (${(e as Error).message}); the store's position starts empty`);
    return Position.emptyPosition();
  }
  try {
    return parsePositionCheckpoint(text);
  } catch (e) {
    warn(`position checkpoint ${file} is malformed (${(e as Error).message}); the store's position starts empty`);
    return Position.emptyPosition();
  }
}

export async function writePositionCheckpoint(file: string, position: Position): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, formatPositionCheckpoint(position));
  await rename(tmp, file);
}
