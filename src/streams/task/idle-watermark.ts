/*
 * Idle watermark (beyond Kafka Streams, opt-in, OFF by default): when a task's inputs stay quiet,
 * let its stream time follow the wall clock, so windows, suppress buffers and stream-time
 * punctuators make progress without new records — Kafka Streams' most requested gap (a device
 * that goes silent never sees its last window closed there).
 *
 * The rule (one rule, used at two scopes — the task-wide `idleWatermarkMs` streams config, and
 * a single suppress buffer's `Suppressed.withIdleWatermark(idleMs)`):
 *
 *   on each record taken:   lastWall = wall clock now, base = stream time after that record
 *   on each check at wall clock `now`:
 *     idle      = lastWall is known AND now - lastWall >= idleMs
 *     watermark = base + (now - lastWall)
 *     if idle and watermark > current stream time: stream time := watermark
 *
 * i.e. after idleMs of silence, stream time advances by exactly the wall-clock time elapsed
 * since the last record. Relative (not "wall clock - idleMs") on purpose: event time need not
 * match the wall clock (replays, backfills, test drivers), and the jump is then bounded by the
 * real silence instead of by the distance between event time and now. Before the first record
 * there is no base, so nothing advances (stream time is still unknown, nothing can close).
 * Deterministic given the wall clock: the TopologyTestDriver's mock clock makes tests exact.
 *
 * Trade-off (why it is opt-in): a record delayed by more than idleMs of wall-clock time may find
 * its window already closed by the watermark (late → dropped, or sent to the late-record output).
 *
 * Delivery: stream time is per processor in Kafka (windowed processors keep their own observed
 * stream time), so the task broadcasts each advance to processors that asked for it, in
 * topology order, through `onStreamTimeAdvance(context, listener)`. Processors that do not
 * register ignore the watermark; the task's stream-time punctuators see it too.
 */
import type { ProcessorContext } from '../processor/processor-context.ts';

/** Called with the task's new stream time after an idle-watermark advance. */
export type StreamTimeAdvanceListener = (streamTime: number) => void;

/** What the task's processor contexts add so processors can hear watermark advances. */
export interface StreamTimeAdvanceSource {
  registerStreamTimeAdvanceListener(listener: StreamTimeAdvanceListener): void;
}

/**
 * Registers `listener` for idle-watermark advances of the task running `context`. Returns false
 * (registering nothing) when the context is not a task context (e.g. a mock context in a unit test).
 */
export function onStreamTimeAdvance(context: ProcessorContext<unknown, unknown>, listener: StreamTimeAdvanceListener): boolean {
  const source = context as Partial<StreamTimeAdvanceSource>;
  if (typeof source.registerStreamTimeAdvanceListener !== 'function') return false;
  source.registerStreamTimeAdvanceListener(listener);
  return true;
}

/** Validates an idle-watermark duration (a positive whole number of ms) or undefined (= off). */
export function checkIdleWatermarkMs(what: string, idleMs: number | undefined): number | undefined {
  if (idleMs === undefined) return undefined;
  if (!(Number.isSafeInteger(idleMs) && idleMs >= 1)) {
    throw new RangeError(`${what} needs a positive whole number of ms (or undefined to turn it off), got ${String(idleMs)}`);
  }
  return idleMs;
}

/** The rule of the file comment, for one scope (a task, or one suppress buffer). */
export class IdleWatermark {
  #lastWall = -1;
  #base = -1;

  constructor(readonly idleMs: number) {
    checkIdleWatermarkMs('IdleWatermark', idleMs);
  }

  /** A record arrived at wall clock `wallNow`; `streamTime` is the stream time after it. */
  recordActivity(wallNow: number, streamTime: number): void {
    this.#lastWall = wallNow;
    this.#base = streamTime;
  }

  /**
   * The stream time the watermark moves to at wall clock `now`, or undefined when it does not
   * move: not idle long enough, no record seen yet, or not ahead of `currentStreamTime`.
   */
  advance(now: number, currentStreamTime: number): number | undefined {
    if (this.#lastWall < 0 || this.#base < 0) return undefined;
    const elapsed = now - this.#lastWall;
    if (elapsed < this.idleMs) return undefined;
    const watermark = this.#base + elapsed;
    return watermark > currentStreamTime ? watermark : undefined;
  }
}
