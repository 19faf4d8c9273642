/*
 * fsync helpers for the small writes of the log (index files at roll/close, checkpoints, the
 * clean-shutdown marker, compaction swaps): synchronous ones for the rare writes, asynchronous
 * ones (thread pool) for the writes that follow every segment roll while producers are writing
 * (the recovery point's advance), so that a roll does not stall the event loop for the length of
 * an fsync. Hot-path durability (segment data for acks=-1) goes through the asynchronous Syncer
 * of the flush scheduler instead.
 *
 * Why directories too: creating or renaming a file changes its directory, and only an fsync of
 * the directory makes that change survive a power loss (a file fsynced into a directory whose
 * entry was never persisted can vanish).
 */
import fs from 'node:fs';

/** fsync of a file by path. */
export function fsyncPath(path: string): void {
  const fd = fs.openSync(path, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync of a directory (persists file creations, renames and deletions in it). */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync of a file (or, with flags 'r', a directory) by path, on the thread pool. */
export async function fsyncPathAsync(path: string, flags: 'r+' | 'r' = 'r+'): Promise<void> {
  const handle = await fs.promises.open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
