/*
 * Replaces a small file whole, atomically and durably:
 *   1. write `<file>.tmp` and fsync it,
 *   2. rename it over `<file>` (atomic on POSIX),
 *   3. fsync the directory so the rename itself survives a power cut.
 * A crash at any point leaves either the old or the new file, never a mix; a leftover .tmp file
 * is harmless (the next write overwrites it). Used by the topic registry and the ACL store.
 */
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeFileAtomic(dir: string, name: string, text: string): Promise<void> {
  const file = join(dir, name);
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
