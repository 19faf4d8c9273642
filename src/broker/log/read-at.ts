/*
 * Positional file reads on libuv's thread pool for the fetch path (segment-reader.ts,
 * read-ahead.ts): one fs.read per call unless the kernel returns fewer bytes than asked, which
 * for a regular file happens only at its end (or for reads beyond 2 GiB, split by the kernel).
 */
import fs from 'node:fs';

/** fs.read until `buf` is full or the file ends; resolves with the bytes read. */
export function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (): void => {
      fs.read(fd, buf, done, buf.length - done, position + done, (err, n) => {
        if (err) return reject(err);
        done += n;
        if (n === 0 || done === buf.length) resolve(done);
        else step();
      });
    };
    if (buf.length === 0) resolve(0);
    else step();
  });
}
