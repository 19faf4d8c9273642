/*
 * What the three windowed aggregate processors share: how they report a dropped record (the
 * task's dropped-records counter plus a log line in Kafka's words, so operators searching for
 * "Skipping record for expired window" find it here too), the optional late-record side output,
 * and how they forward a windowed table update.
 *
 * Forwarding: windowed stores have no cache, so every update is forwarded when it happens as
 * Change(newAgg, oldAgg when sendOldValues else null), with the timestamp the processor computed
 * (time/sliding windows: max record timestamp in the window; sessions: the session end).
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { makeRecord, type StreamRecord } from '../../processor/record.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
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
