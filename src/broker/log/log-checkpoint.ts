/*
 * Small per-partition files that let the log restart correctly.
 *
 *   partition.checkpoint   JSON {"version":1,"logStartOffset":N,"recoveryPoint":N}
 *       logStartOffset — first offset a reader may see; moved by retention and DeleteRecords.
 *                        Persisted because after DeleteRecords it lies inside a segment, where
 *                        the files alone cannot tell it.
 *       recoveryPoint  — every segment whose base offset is below it was fsynced completely
 *                        after it stopped being active, so an unclean restart only re-checks
 *                        segments at or above it.
 *     Written atomically: temp file, (fsync), rename over the old one, (fsync of the directory).
 *
 *   .clean-shutdown        empty marker written as the last step of close(), removed at open.
 *       Present at open → the indexes were flushed by close and can be trusted; absent → the
 *       process stopped uncleanly and segments from the recovery point on are re-verified.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, fsyncPath } from './fs-sync.ts';

export const CHECKPOINT_FILE = 'partition.checkpoint';
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';

export interface PartitionCheckpoint {
  logStartOffset: number;
  recoveryPoint: number;
}

/** The checkpoint in `dir`, or null when missing or unreadable (the log then starts from its files). */
export function readCheckpoint(dir: string): PartitionCheckpoint | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const ls = v['logStartOffset'];
    const rp = v['recoveryPoint'];
    if (v['version'] !== 1 || !Number.isSafeInteger(ls) || !Number.isSafeInteger(rp)) return null;
    return { logStartOffset: ls as number, recoveryPoint: rp as number };
  } catch {
    return null;
  }
}

/** The checkpoint file's content. */
export function checkpointText(cp: PartitionCheckpoint): string {
  return JSON.stringify({ version: 1, logStartOffset: cp.logStartOffset, recoveryPoint: cp.recoveryPoint });
}

export function writeCheckpoint(dir: string, cp: PartitionCheckpoint, fsync: boolean): void {
  const file = path.join(dir, CHECKPOINT_FILE);
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, checkpointText(cp));
  if (fsync) fsyncPath(tmp);
  fs.renameSync(tmp, file);
  if (fsync) fsyncDir(dir);
}

export function hasCleanShutdownMarker(dir: string): boolean {
  return fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
}

export function writeCleanShutdownMarker(dir: string, fsync: boolean): void {
  const file = path.join(dir, CLEAN_SHUTDOWN_FILE);
  fs.writeFileSync(file, '');
  if (fsync) {
    fsyncPath(file);
    fsyncDir(dir);
  }
}

export function removeCleanShutdownMarker(dir: string): void {
  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
}
