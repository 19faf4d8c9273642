/*
 * Writes one partition's checkpoint file (log-checkpoint.ts has its layout), either at once on the
 * event loop or with its fsyncs on the thread pool.
 *
 * Why both: the rare writers (retention, DeleteRecords, open, close) must have the file on disk
 * before they go on, and write synchronously. The frequent one — the recovery point moving past
 * a segment that was just rolled and fsynced, once per segment.bytes of produced data — would
 * otherwise block the event loop for two fsyncs (the file, then its directory) while producers are
 * writing, which is exactly when the disk is slowest.
 *
 * An asynchronous write, numbered:
 *   1. capture the content and take a generation number (every write, sync or async, takes the next);
 *   2. write it to `partition.checkpoint.async.tmp` and fsync that file (thread pool);
 *   3. only if no write took a generation since step 1: rename it over the checkpoint (on the event
 *      loop, so no synchronous write can slip between the check and the rename); otherwise drop
 *      it, because a later write holds newer values;
 *   4. fsync the directory (thread pool), so the rename survives a power loss.
 * Invariant: the checkpoint file only ever holds the content of the newest write that reached
 * step 3, so a slow asynchronous write never puts back a log start offset that retention or
 * DeleteRecords has since moved. Asynchronous writes run one at a time (they share the temp file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILE, checkpointText, writeCheckpoint, type PartitionCheckpoint } from './log-checkpoint.ts';
import { fsyncPathAsync } from './fs-sync.ts';

export const ASYNC_CHECKPOINT_TMP = CHECKPOINT_FILE + '.async.tmp';

export class CheckpointWriter {
  private generation = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
  ) {}

  /** Writes `cp` now, on the event loop (fsynced when the policy asks). */
  write(cp: PartitionCheckpoint): void {
    this.generation++;
    writeCheckpoint(this.dir, cp, this.fsync);
  }

  /**
   * Writes `cp` with the fsyncs off the event loop. Resolves true when it became the checkpoint,
   * false when a later write superseded it; rejects when a file operation failed (the previous
   * checkpoint then stays in place, which is always safe: its recovery point is lower).
   */
  writeAsync(cp: PartitionCheckpoint): Promise<boolean> {
    const generation = ++this.generation; // 1
    const text = checkpointText(cp);
    const run = this.chain.then(() => this.writeSteps(generation, text));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no asynchronous write is in flight (close waits for it). */
  async idle(): Promise<void> {
    await this.chain;
  }

  private async writeSteps(generation: number, text: string): Promise<boolean> {
    const tmp = path.join(this.dir, ASYNC_CHECKPOINT_TMP);
    const handle = await fs.promises.open(tmp, 'w'); // 2
    try {
      await handle.writeFile(text);
      if (this.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    if (generation !== this.generation) {
      await fs.promises.rm(tmp, { force: true });
      return false;
    }
    fs.renameSync(tmp, path.join(this.dir, CHECKPOINT_FILE)); // 3
    if (this.fsync) await fsyncPathAsync(this.dir, 'r'); // 4
    return true;
  }
}
