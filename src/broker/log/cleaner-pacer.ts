/*
 * Paces the log cleaner when it runs on the broker's event loop (a cleaner without its worker
 * thread, cleaner.ts), so that a broker compacting gigabytes of changelog keeps serving produce
 * and fetch (Kafka runs its cleaner on separate threads and can throttle it,
 * log.cleaner.io.max.bytes.per.second; here both then share one thread).
 *
 * Rules, checked once per batch the cleaner processes:
 *   1 slice   the cleaner works at most `sliceMs` (and at most `batchesPerSlice` batches) before
 *             it yields the loop (setImmediate: every I/O callback that is ready runs first);
 *   2 busy?   a yield that took longer than BUSY_TURN_MS means requests were waiting and ran;
 *   3 share   then the cleaner also sleeps worked × (1 − maxShare) / maxShare, so on a busy broker
 *             it takes at most `maxShare` of the loop; on an idle one it runs flat out.
 * step() returns null when no yield is due, so the common case costs one clock read, no promise.
 */
import { performance } from 'node:perf_hooks';

export interface PacerOptions {
  /** Longest stretch of cleaning between two yields, in ms (default 4). */
  sliceMs?: number;
  /** Most batches between two yields, whatever the clock says (default 64). */
  batchesPerSlice?: number;
  /** Largest share of a busy event loop the cleaner takes, in (0, 1] (default 0.25). */
  maxShare?: number;
}

/** A yield longer than this found other work waiting on the loop. */
const BUSY_TURN_MS = 1;

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class CleanerPacer {
  private readonly sliceMs: number;
  private readonly batchesPerSlice: number;
  private readonly maxShare: number;
  private sliceStart = performance.now();
  private batches = 0;
  /** Yields and pauses so far (what a test or a metric can see of the pacing). */
  yields = 0;
  pauses = 0;

  constructor(opts: PacerOptions = {}) {
    this.sliceMs = opts.sliceMs ?? 4;
    this.batchesPerSlice = opts.batchesPerSlice ?? 64;
    this.maxShare = opts.maxShare ?? 0.25;
    if (!(this.sliceMs > 0) || !Number.isInteger(this.batchesPerSlice) || this.batchesPerSlice < 1 || !(this.maxShare > 0 && this.maxShare <= 1)) {
      throw new RangeError(`cleaner pacing needs sliceMs > 0, batchesPerSlice ≥ 1 and 0 < maxShare ≤ 1, got ${JSON.stringify(opts)}`);
    }
  }

  /** Call after each batch; await the promise when one is returned (a yield is due). */
  step(): Promise<void> | null {
    this.batches++;
    const worked = performance.now() - this.sliceStart;
    if (this.batches < this.batchesPerSlice && worked < this.sliceMs) return null;
    return this.pause(worked);
  }

  private async pause(worked: number): Promise<void> {
    this.yields++;
    const before = performance.now();
    await yieldTurn();
    if (performance.now() - before > BUSY_TURN_MS && this.maxShare < 1) {
      this.pauses++;
      await sleep((worked * (1 - this.maxShare)) / this.maxShare);
    }
    this.batches = 0;
    this.sliceStart = performance.now();
  }
}
