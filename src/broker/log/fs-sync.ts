/*
 * Synchronous fsync helpers for the small, rare writes of the log (index files at roll/close,
 * checkpoints, the clean-shutdown marker, compaction swaps). Hot-path durability (segment data
 * for acks=-1) goes through the asynchronous Syncer of the flush scheduler instead.
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
