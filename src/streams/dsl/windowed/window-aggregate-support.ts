/*
 * What the three windowed aggregate processors share: how they report a dropped record (the
 * task's dropped-records counter plus a log line in Kafka's words, so operators searching for
 * "Skipping record for expired window" find it here too), the optional late-record side output,
 * how they forward a windowed table update, and their clock (WindowCloseClock: observed stream
 * time and the close time derived from it, moved by records and by the opt-in idle watermark).
 *
 * Forwarding (forwardWindowed): Change(newAgg, oldAgg when sendOldValues else null), with the
 * timestamp the processor computed (time/sliding windows: max record timestamp in the window;
 * sessions: the session end) — directly, or from the store's record cache when it flushes
 * (windowed-forwarder.ts decides which).
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { makeRecord, type StreamRecord } from '../../processor/record.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import { onStreamTimeAdvance } from '../../task/idle-watermark.ts';
import { describeOrigin, type InternalProcessorContext } from '../../task/internal-context.ts';
import type { Change } from '../ops/change.ts';
import type { TableOpConfig } from '../ops/table-forwarder.ts';

export type Initializer<VA> = () => VA;
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
export type Reducer<V> = (aggregate: V, value: V) => V;
export type Merger<K, VA> = (key: K, aggregate1: VA, aggregate2: VA) => VA;

/**
 * Where a windowed aggregate forwards: without a late-record output, results go to every child;
 * with one (withLateRecords), results go to `resultsChild` only and records that could not be
 * added to ANY window (all closed) go to `lateChild` (a sink), with their own key, value and
 * timestamp. Partially late records (a hopping window closed, the next still open) are not sent
 * there: they count in the open windows.
 */
export interface WindowedOutputs {
  config: TableOpConfig;
  resultsChild?: string | undefined;
  lateChild?: string | undefined;
}

/** Sends a record that no window accepted to the late-record output, when there is one. */
export function forwardLate<K, V>(ctx: ProcessorContext<unknown, unknown>, outputs: WindowedOutputs, record: StreamRecord<K, V>): void {
  if (outputs.lateChild !== undefined) ctx.forward(record as StreamRecord<unknown, unknown>, outputs.lateChild);
}

export function skipNullKey(ctx: InternalProcessorContext<unknown, unknown>): void {
  ctx.recordDropped(`Skipping record due to null key. ${describeOrigin(ctx)}`);
}

export function skipNullKeyOrValue(ctx: InternalProcessorContext<unknown, unknown>, key: unknown, value: unknown): void {
  ctx.recordDropped(`Skipping record due to null key or value. key=[${String(key)}] value=[${String(value)}] ${describeOrigin(ctx)}`);
}

/** Kafka's logSkippedRecordForExpiredWindow: logs and counts a record dropped for one window. */
export function skipExpired<K, V>(
  ctx: InternalProcessorContext<unknown, unknown>,
  record: StreamRecord<K, V>,
  window: string,
  closeTime: number,
  streamTime: number,
): void {
  const m = ctx.recordMetadata();
  const origin = m === undefined ? 'Topic, partition, and offset not known. ' : `topic=[${m.topic}] partition=[${m.partition}] offset=[${m.offset}] `;
  ctx.recordDropped(
    `Skipping record for expired window. ${origin}timestamp=[${record.timestamp}] window=${window} expiration=[${closeTime}] streamTime=[${streamTime}]`,
  );
}

export function forwardWindowed<K, VA>(
  ctx: ProcessorContext<Windowed<K>, Change<VA>>,
  outputs: WindowedOutputs,
  key: Windowed<K>,
  newAgg: VA | null,
  oldAgg: VA | null,
  timestamp: number,
  headers?: StreamRecord<unknown, unknown>['headers'],
): void {
  ctx.forward(makeRecord(key, { newValue: newAgg, oldValue: outputs.config.sendOldValues ? oldAgg : null }, timestamp, headers), outputs.resultsChild);
}

/**
 * The stream time one windowed-aggregate processor has observed (−1 before any record) and the
 * close time derived from it: closeTime = observed − closeLag, where closeLag is the grace period
 * (plus the inactivity gap for sessions). Observed time never goes back.
 *
 * After a restart the processor has observed nothing, but its store was restored from the
 * changelog and has observed every time it holds (it will not return or take windows older
 * than its own observed time minus retention). Records processed again after a crash
 * (at-least-once) are older than that: without a floor the processor would take their windows
 * for open, find nothing in the store, and forward an aggregate of the replayed record alone,
 * overwriting the right result downstream. So the store's observed time (minus `storeLag`: how
 * far a store time may run ahead of the record time that produced it) is a floor of this
 * clock when it starts; replayed records whose windows the store has closed are skipped as
 * expired — their updates are in the restored store already.
 */
export class WindowCloseClock {
  observed = -1;
  #store: { readonly observedStreamTime?: number } | undefined;
  #storeLag = 0;

  constructor(private readonly closeLag: number) {}

  /** Uses `store`'s observed time as a floor (see the class comment). */
  followStore(store: object, storeLag = 0): void {
    this.#store = store as { readonly observedStreamTime?: number };
    this.#storeLag = storeLag;
  }

  /**
   * Moves observed time up to a record's timestamp; returns the close time. The store floor is
   * taken once, at the first record after init (the restart case): afterwards the processor's
   * own clock rules, as in Kafka — several processors sharing one store (a windowed cogroup)
   * keep their own observed times.
   */
  observe(timestamp: number): number {
    if (this.observed < 0) {
      const floor = this.#store?.observedStreamTime;
      if (typeof floor === 'number' && floor >= 0) this.observed = floor - this.#storeLag;
    }
    this.observed = Math.max(this.observed, timestamp);
    return this.observed - this.closeLag;
  }

  /**
   * Idle watermark (opt-in, task/idle-watermark.ts): when the task's stream time moves past the
   * observed time without a record, move observed time with it and call `onAdvance(closeTime)`.
   */
  watch(context: ProcessorContext<unknown, unknown>, onAdvance: (closeTime: number) => void): void {
    onStreamTimeAdvance(context, (streamTime) => {
      if (streamTime <= this.observed) return;
      this.observed = streamTime;
      onAdvance(this.observed - this.closeLag);
    });
  }
}
