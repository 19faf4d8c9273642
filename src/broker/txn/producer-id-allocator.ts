/*
 * Producer id allocation that never hands out the same id twice, even across restarts.
 *
 * Ids are reserved in blocks (Kafka's controller does the same with ProducerIdBlocks): the file
 * `<dataDir>/producer-ids.json` holds `{"nextBlockStart": "<decimal int64>"}`, the first id no
 * broker run has reserved yet. Reserving a block writes the new value atomically (temp file,
 * fsync, rename, fsync of the directory) BEFORE any id from the block is returned, so a crash
 * can only waste ids, never repeat one. At start the allocator also stays above every producer id
 * found in the logs (`observe`), in case the file was lost.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRODUCER_ID_BLOCK_SIZE = 1000n;
export const PRODUCER_ID_FILE = 'producer-ids.json';

export class ProducerIdAllocator {
  private next: bigint;
  private blockEnd: bigint;
  private readonly file: string;

  constructor(private readonly dataDir: string) {
    this.file = path.join(dataDir, PRODUCER_ID_FILE);
    this.next = this.readFile();
    this.blockEnd = this.next;
  }

  private readFile(): bigint {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0n;
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as { nextBlockStart?: unknown };
      if (typeof parsed.nextBlockStart !== 'string' || !/^\d+$/.test(parsed.nextBlockStart)) throw new Error('nextBlockStart missing');
      return BigInt(parsed.nextBlockStart);
    } catch (err) {
      throw new Error(
        `${this.file} is corrupt (${(err as Error).message}); expected {"nextBlockStart":"<integer>"}. ` +
          'Delete it only if every producer id in the logs is below the value you put back.',
      );
    }
  }

  private persist(nextBlockStart: bigint): void {
    fs.mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify({ nextBlockStart: nextBlockStart.toString() }));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    try {
      const dfd = fs.openSync(this.dataDir, 'r');
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
    } catch {
      // Directory fsync is not supported everywhere; the rename itself is still atomic.
    }
  }

  /** Makes sure ids at or below `producerId` (seen in a log) are never handed out. */
  observe(producerId: bigint): void {
    if (producerId >= this.next) {
      this.next = producerId + 1n;
      if (this.next > this.blockEnd) this.blockEnd = this.next;
    }
  }

  /** Whether `producerId` is below every id not yet handed out (it may have been allocated). */
  wasAllocated(producerId: bigint): boolean {
    return producerId >= 0n && producerId < this.next;
  }

  allocate(): bigint {
    if (this.next >= this.blockEnd) {
      const end = this.next + PRODUCER_ID_BLOCK_SIZE;
      this.persist(end);
      this.blockEnd = end;
    }
    const id = this.next;
    this.next += 1n;
    return id;
  }
}
