/*
 * EmitStrategy: when a windowed aggregation forwards results — Kafka Streams' EmitStrategy
 * (KIP-825).
 *
 *   onWindowUpdate()   every update of a window is forwarded as it happens (the default)
 *   onWindowClose()    nothing is forwarded while a window is open; once stream time closes it
 *                      (observedStreamTime - grace >= end for time windows), its final value is
 *                      forwarded once, with the window's max record timestamp. Closed windows
 *                      are looked up at most once per emit interval of WALL-CLOCK time (Kafka's
 *                      internal `emit.interval.ms.kstreams.windowed.aggregation`), so a burst of
 *                      records does not scan the store per record. The interval is the task's
 *                      (`windowedAggregationEmitIntervalMs`: 1000 ms in the runtime, 0 in the
 *                      TopologyTestDriver, as Kafka's driver forces) unless the strategy names its
 *                      own (`onWindowClose({ emitIntervalMs })`, beyond Kafka).
 *
 * Unlike suppress(untilWindowCloses), onWindowClose needs no extra buffer: the window store
 * already holds every open window.
 */
import { checkMs } from '../../windows/window-checks.ts';

export const EmitStrategyType = { ON_WINDOW_UPDATE: 'ON_WINDOW_UPDATE', ON_WINDOW_CLOSE: 'ON_WINDOW_CLOSE' } as const;
export type EmitStrategyType = (typeof EmitStrategyType)[keyof typeof EmitStrategyType];

export interface EmitStrategy {
  readonly type: EmitStrategyType;
  /**
   * ON_WINDOW_CLOSE only: minimum wall-clock ms between two scans for closed windows; undefined =
   * the task's `windowedAggregationEmitIntervalMs`.
   */
  readonly emitIntervalMs: number | undefined;
}

/** The runtime's interval when neither the strategy nor the task names one (Kafka's default). */
export const DEFAULT_WINDOWED_EMIT_INTERVAL_MS = 1000;

export const EmitStrategy = {
  onWindowUpdate(): EmitStrategy {
    return { type: EmitStrategyType.ON_WINDOW_UPDATE, emitIntervalMs: 0 };
  },
  onWindowClose(options: { emitIntervalMs?: number } = {}): EmitStrategy {
    const emitIntervalMs = options.emitIntervalMs === undefined ? undefined : checkMs('EmitStrategy.onWindowClose', 'emitIntervalMs', options.emitIntervalMs, 0);
    return { type: EmitStrategyType.ON_WINDOW_CLOSE, emitIntervalMs };
  },
};

/** Where a tracker keeps its last emit time across restarts (the task's processor metadata). */
export interface EmitTimeStore {
  processorMetadataForKey(key: string): number | undefined;
  addProcessorMetadataKeyValue(key: string, value: number): void;
  /** The task's emit interval for strategies that name none (absent = the runtime's default). */
  readonly windowedAggregationEmitIntervalMs?: number;
}

/**
 * The per-processor state of emit-on-window-close: the wall-clock throttle and the close time
 * of the last emission (Kafka's TimeTracker + lastEmitWindowCloseTime). Once attached to the
 * task's processor metadata (keyed by the aggregate's store name, as Kafka), every new value is
 * put there and committed with the input offsets (task/commit-metadata.ts), and the first read
 * takes the value committed before a restart — read lazily, because the task receives its
 * committed metadata after its processors' init(), before it processes anything. So windows
 * emitted before a restart are not emitted again.
 */
export class EmitFinalTracker {
  #nextTimeToEmit = 0;
  #last = -1;
  #store: { metadata: EmitTimeStore; key: string } | undefined;
  #loaded = false;

  constructor(readonly strategy: EmitStrategy) {}

  /** Keeps the last emit time in `metadata` under `key` (only for emit-on-window-close). */
  attach(metadata: EmitTimeStore, key: string): void {
    if (this.onClose) this.#store = { metadata, key };
  }

  /** The close time of the last emission; -1 before the first. */
  get lastEmitWindowCloseTime(): number {
    if (!this.#loaded) {
      this.#loaded = true;
      const committed = this.#store?.metadata.processorMetadataForKey(this.#store.key);
      if (committed !== undefined && committed > this.#last) this.#last = committed;
    }
    return this.#last;
  }

  set lastEmitWindowCloseTime(closeTime: number) {
    this.#loaded = true;
    this.#last = closeTime;
    this.#store?.metadata.addProcessorMetadataKeyValue(this.#store.key, closeTime);
  }

  #interval(): number {
    return this.strategy.emitIntervalMs ?? this.#store?.metadata.windowedAggregationEmitIntervalMs ?? DEFAULT_WINDOWED_EMIT_INTERVAL_MS;
  }

  get onClose(): boolean {
    return this.strategy.type === EmitStrategyType.ON_WINDOW_CLOSE;
  }

  /** Kafka's shouldEmitFinal: throttled by wall clock, and only when the close time moved on. */
  shouldEmitFinal(windowCloseTime: number, now: number): boolean {
    if (!this.onClose) return false;
    if (now < this.#nextTimeToEmit) return false;
    this.#nextTimeToEmit = now + this.#interval();
    return this.lastEmitWindowCloseTime === -1 || this.lastEmitWindowCloseTime < windowCloseTime;
  }
}
