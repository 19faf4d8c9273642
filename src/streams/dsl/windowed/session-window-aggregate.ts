/*
 * The aggregate processor of session windows — Kafka Streams' KStreamSessionWindowAggregate,
 * which also serves count and reduce.
 *
 * Per record at ts (null key: dropped and counted; a null value reaches the aggregator):
 *   closeTime = observedStreamTime - grace - gap
 *   merge: every stored session of the key with end >= ts - gap and start <= ts + gap, oldest
 *          end first; agg = merger(key, agg, session agg) starting from initializer();
 *          window = the smallest session covering [ts, ts] and all of them
 *   if the merged window's end < closeTime: the record is late — drop (logged, counted)
 *   else: if the record joined existing sessions, each of them is removed from the store and a
 *         tombstone Change(null, old) is forwarded for it (timestamp = its end); then
 *         agg = aggregator(key, value, agg) is stored under the merged window and forwarded as
 *         Change(agg, null) with timestamp = the merged window's end.
 *   emit-on-window-close: forward every session with end in [max(0, lastEmitClose),
 *   closeTime - 1], by (end, key, start), timestamp = its end.
 * A single-record session has start = end = ts (both inclusive).
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Windowed, WindowBounds } from '../../serde/windowed-serdes.ts';
import type { SessionStore } from '../../state/window/window-store-types.ts';
import { asInternal, type InternalProcessorContext } from '../../task/internal-context.ts';
import { mergeSessionWindows, type SessionWindows } from '../../windows/session-windows.ts';
import { formatWindow } from '../../windows/window-checks.ts';
import type { Change } from '../ops/change.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { StreamRecord } from '../../processor/record.ts';
import { EmitFinalTracker } from './emit-strategy.ts';
import type { WindowAggregateOptions } from './time-window-aggregate.ts';
import { WindowedForwarder } from './windowed-forwarder.ts';
import { forwardLate, skipExpired, skipNullKey, WindowCloseClock } from './window-aggregate-support.ts';

export interface SessionAggregateOptions<K, V, VA> extends WindowAggregateOptions<K, V, VA> {
  /** Combines two sessions' aggregates when a record bridges them (null only for reduce's empty start). */
  merger: (key: K, aggregate1: VA | null, aggregate2: VA) => VA | null;
}

export function sessionWindowAggregateSupplier<K, V, VA>(windows: SessionWindows, o: SessionAggregateOptions<K, V, VA>): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const gap = windows.inactivityGap();
  return () => {
    let ctx: InternalProcessorContext<Windowed<K>, Change<VA>>;
    let store: SessionStore<K, VA>;
    let out: WindowedForwarder<K, VA>;
    const clock = new WindowCloseClock(windows.gracePeriodMs() + gap);
    const emit = new EmitFinalTracker(o.emitStrategy);
    const emitFinal = (closeTime: number, headers: StreamRecord<unknown, unknown>['headers'] | undefined): void => {
      if (!emit.shouldEmitFinal(closeTime, ctx.currentSystemTimeMs())) return;
      const upper = closeTime - 1;
      const lower = Math.max(0, emit.lastEmitWindowCloseTime);
      if (upper < 0 || upper < lower) return;
      for (const { key, value } of store.findSessionsByEndTime(lower, upper)) {
        out.final(key, value, key.window.end, headers);
      }
      emit.lastEmitWindowCloseTime = closeTime;
    };
    return {
      init(context) {
        ctx = asInternal(context);
        emit.attach(ctx, o.storeName);
        store = context.getStateStore<SessionStore<K, VA>>(o.storeName);
        out = WindowedForwarder.create('session', store, ctx, o, emit.onClose);
        // Idle watermark (opt-in, task/idle-watermark.ts): move observed time, emit closed sessions.
        clock.followStore(store);
        clock.watch(context as ProcessorContext<unknown, unknown>, (closeTime) => emitFinal(closeTime, undefined));
      },
      process(record) {
        if (record.key === null || record.key === undefined) {
          skipNullKey(ctx);
          return;
        }
        const ts = record.timestamp;
        const closeTime = clock.observe(ts);
        const merged: Array<{ key: Windowed<K>; value: VA }> = [];
        const own: WindowBounds = { start: ts, end: ts };
        let window = own;
        let agg: VA | null = o.initializer();
        for (const session of store.findSessions(record.key, ts - gap, ts + gap)) {
          merged.push(session);
          agg = o.merger(record.key, agg, session.value);
          window = mergeSessionWindows(window, session.key.window);
        }
        if (window.end < closeTime) {
          skipExpired(ctx, record, formatWindow(window, true), closeTime, clock.observed);
          forwardLate(ctx, o, record);
        } else {
          if (window.start !== own.start || window.end !== own.end) {
            for (const session of merged) {
              store.remove(session.key);
              if (!emit.onClose) out.update(session.key, null, session.value, session.key.window.end, record.headers);
            }
          }
          const newAgg = o.aggregator(record.key, record.value, agg);
          const key: Windowed<K> = { key: record.key, window };
          store.put(key, newAgg);
          if (!emit.onClose) out.update(key, newAgg, null, window.end, record.headers);
        }
        emitFinal(closeTime, record.headers);
      },
    };
  };
}
