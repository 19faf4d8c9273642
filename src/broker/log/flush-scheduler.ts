/*
 * Group commit: one fsync pass covers every append that arrived before it started.
 *
 * Partitions with acks=-1 waiters (or freshly rolled segments) call `request(partition)`. The
 * scheduler runs passes one after another, never two at once:
 *
 *   idle ──request──▶ scheduled (setImmediate: gather the rest of this event-loop turn)
 *   scheduled ──▶ running: take the pending set, call syncPass on each (fdatasyncs run in
 *                 parallel on the libuv pool), wait for all
 *   running ──request──▶ (added to the next pending set)
 *   running ──pass done──▶ running again if anything is pending, else idle
 *
 * Invariant: a partition resolves a waiter only after an fdatasync that *started after* the
 * waiter's bytes were written (syncPass captures the log end offset before it issues the syncs),
 * so no acknowledgement runs ahead of the disk. Appends that arrive during a pass wait for the
 * next pass, which is what lets N concurrent producers share a handful of fsyncs.
 */
import fs from 'node:fs';
import type { Syncer } from './log-segment.ts';

/** Something with dirty data the scheduler can make durable (a PartitionLog). */
export interface SyncTarget {
  syncPass(syncer: Syncer): Promise<void>;
}

/** The production syncer: fdatasync on the libuv thread pool. */
export const fdatasyncSyncer: Syncer = {
  sync: (fd: number) =>
    new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()));
    }),
};

/** `inner`, telling `onDone` how long each sync took (ms), failed ones included. */
export function timedSyncer(inner: Syncer, onDone: (ms: number) => void): Syncer {
  return {
    sync: (fd: number) => {
      const start = performance.now();
      return inner.sync(fd).finally(() => onDone(performance.now() - start));
    },
  };
}

export class FlushScheduler {
  private pending = new Set<SyncTarget>();
  private scheduled = false;
  private running: Promise<void> | null = null;
  /** Passes started, for diagnostics and tests. */
  passes = 0;

  constructor(readonly syncer: Syncer = fdatasyncSyncer) {}

  request(target: SyncTarget): void {
    this.pending.add(target);
    if (this.scheduled || this.running !== null) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.runPasses().finally(() => {
        this.running = null;
        // A request that raced with the end of the last pass.
        if (this.pending.size > 0) this.request([...this.pending][0]!);
      });
    });
  }

  private async runPasses(): Promise<void> {
    while (this.pending.size > 0) {
      const targets = [...this.pending];
      this.pending.clear();
      this.passes++;
      // syncPass reports its own failures to its waiters; one partition's EIO must not stop others.
      await Promise.allSettled(targets.map((t) => t.syncPass(this.syncer)));
    }
  }

  /** Resolves when no pass is scheduled or running (used by close). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running !== null) {
      if (this.running !== null) await this.running;
      else await new Promise<void>((r) => setImmediate(r));
    }
  }
}
