/*
 * Durable whole-file replacement: write `<file>.tmp`, fsync it, rename it over `file`, fsync the
 * directory. After a crash at any point the file holds either the old or the new content, never
 * a mix (rename is atomic within a directory; the directory fsync makes the rename durable).
 * Used by the topic registry, the ACL store and the SCRAM credential store (mode 0600).
 */
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeFileAtomic(dir: string, name: string, text: string, mode = 0o644): Promise<void> {
  const file = join(dir, name);
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w', mode);
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
