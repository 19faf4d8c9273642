/*
 * EmitStrategy: when a windowed aggregation forwards results — Kafka Streams' EmitStrategy
 * (KIP-825).
 *
 *   onWindowUpdate()   every update of a window is forwarded as it happens (the default)
 *   onWindowClose()    nothing is forwarded while a window is open; once stream time closes it
 *                      (observedStreamTime - grace >= end for time windows), its final value is
 *                      forwarded once, with the window's max record timestamp. Closed windows
 *                      are looked up at most once per `emitIntervalMs` of WALL-CLOCK time (Kafka's
 *                      internal `emit.interval.ms.kstreams.windowed.aggregation`, default 1000 ms),
 *                      so a burst of records does not scan the store per record. Kafka's
 *                      TopologyTestDriver forces that interval to 0; Tributary's driver does not
 *                      (the strategy carries it), so driver tests pass { emitIntervalMs: 0 }.
 *
 * Unlike suppress(untilWindowCloses), onWindowClose needs no extra buffer: the window store
 * already holds every open window.
 */
import { checkMs } from '../../windows/window-checks.ts';

export const EmitStrategyType = { ON_WINDOW_UPDATE: 'ON_WINDOW_UPDATE', ON_WINDOW_CLOSE: 'ON_WINDOW_CLOSE' } as const;
export type EmitStrategyType = (typeof EmitStrategyType)[keyof typeof EmitStrategyType];

export interface EmitStrategy {
  readonly type: EmitStrategyType;
  /** ON_WINDOW_CLOSE only: minimum wall-clock ms between two scans for closed windows. */
  readonly emitIntervalMs: number;
}

const DEFAULT_EMIT_INTERVAL_MS = 1000;

export const EmitStrategy = {
  onWindowUpdate(): EmitStrategy {
    return { type: EmitStrategyType.ON_WINDOW_UPDATE, emitIntervalMs: 0 };
  },
  onWindowClose(options: { emitIntervalMs?: number } = {}): EmitStrategy {
    const emitIntervalMs = checkMs('EmitStrategy.onWindowClose', 'emitIntervalMs', options.emitIntervalMs ?? DEFAULT_EMIT_INTERVAL_MS, 0);
    return { type: EmitStrategyType.ON_WINDOW_CLOSE, emitIntervalMs };
  },
};

/**
 * The per-processor state of emit-on-window-close: the wall-clock throttle and the close time
 * of the last emission (Kafka's TimeTracker + lastEmitWindowCloseTime). In memory only: after a
 * restart the first emission starts from 0 again (Kafka persists it with the committed offsets).
 */
export class EmitFinalTracker {
  #nextTimeToEmit = 0;
  lastEmitWindowCloseTime = -1;

  constructor(readonly strategy: EmitStrategy) {}

  get onClose(): boolean {
    return this.strategy.type === EmitStrategyType.ON_WINDOW_CLOSE;
  }

  /** Kafka's shouldEmitFinal: throttled by wall clock, and only when the close time moved on. */
  shouldEmitFinal(windowCloseTime: number, now: number): boolean {
    if (!this.onClose) return false;
    if (now < this.#nextTimeToEmit) return false;
    this.#nextTimeToEmit = now + this.strategy.emitIntervalMs;
    return this.lastEmitWindowCloseTime === -1 || this.lastEmitWindowCloseTime < windowCloseTime;
  }
}
