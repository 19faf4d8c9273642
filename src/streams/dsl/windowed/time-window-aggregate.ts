/*
 * The aggregate processor of time-windowed (tumbling / hopping) streams — Kafka Streams'
 * KStreamWindowAggregate, which also serves count and reduce.
 *
 * Per record (key must not be null; a null value reaches the aggregator, as in Kafka):
 *   observedStreamTime = max(observedStreamTime, ts)        (this processor's own stream time)
 *   closeTime = observedStreamTime - grace
 *   for each window [start, end) containing ts, in ascending start:
 *     end > closeTime  → old = store(key, start) or initializer(); new = aggregator(key, value, old)
 *                        timestamp = ts if the window was empty, else max(ts, window's timestamp)
 *                        store it; forward Change(new, old) keyed Windowed(key, [start, end))
 *                        unless emitting on window close
 *     otherwise        → the window is closed (end <= observedStreamTime - grace): drop the
 *                        record for this window — logged and counted as a dropped record
 *   a record no window accepted goes to the late-record output, when configured
 *   emit-on-window-close: forward each window that closed since the last emission, in
 *   (start, key) order, with its max record timestamp; the window range is
 *   [lastEmitCloseTime - size + 1 (or 0 the first time), closeTime - size].
 * Idle watermark (opt-in, task/idle-watermark.ts): an advance of the task's stream time moves
 * observedStreamTime up to it and runs the emit-on-window-close step, with no record.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Windowed } from '../../serde/windowed-serdes.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import type { WindowStore } from '../../state/window/window-store-types.ts';
import { asInternal, type InternalProcessorContext } from '../../task/internal-context.ts';
import { UnlimitedWindows } from '../../windows/unlimited-windows.ts';
import { formatWindow, type FixedSizeWindows } from '../../windows/window-checks.ts';
import type { Change } from '../ops/change.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { StreamRecord } from '../../processor/record.ts';
import { EmitFinalTracker, EmitStrategyType, type EmitStrategy } from './emit-strategy.ts';
import { WindowedForwarder } from './windowed-forwarder.ts';
import { forwardLate, skipExpired, skipNullKey, WindowCloseClock, type WindowedOutputs } from './window-aggregate-support.ts';

export interface WindowAggregateOptions<K, V, VA> extends WindowedOutputs {
  storeName: string;
  emitStrategy: EmitStrategy;
  /** Returns the aggregate of an empty window (null for reduce). */
  initializer: () => VA | null;
  aggregator: (key: K, value: V, aggregate: VA | null) => VA;
}

export function timeWindowAggregateSupplier<K, V, VA>(windows: FixedSizeWindows, o: WindowAggregateOptions<K, V, VA>): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  checkEmitStrategy(windows, o.emitStrategy);
  return () => {
    let ctx: InternalProcessorContext<Windowed<K>, Change<VA>>;
    let store: WindowStore<K, ValueAndTimestamp<VA>>;
    let out: WindowedForwarder<K, VA>;
    const clock = new WindowCloseClock(windows.gracePeriodMs());
    const emit = new EmitFinalTracker(o.emitStrategy);
    const size = windows.size();
    const emitFinal = (closeTime: number, headers: StreamRecord<unknown, unknown>['headers'] | undefined): void => {
      if (!emit.shouldEmitFinal(closeTime, ctx.currentSystemTimeMs())) return;
      const upper = closeTime - size;
      if (upper < 0) return;
      const lower = emit.lastEmitWindowCloseTime === -1 ? 0 : Math.max(0, emit.lastEmitWindowCloseTime - size) + 1;
      if (emit.lastEmitWindowCloseTime !== -1 && sameWindows(windows, upper, lower - 1)) return;
      for (const { key, value } of store.fetchAll(lower, upper)) {
        out.final(key, value.value, value.timestamp, headers);
      }
      emit.lastEmitWindowCloseTime = closeTime;
    };
    return {
      init(context) {
        ctx = asInternal(context);
        emit.attach(ctx, o.storeName);
        store = context.getStateStore<WindowStore<K, ValueAndTimestamp<VA>>>(o.storeName);
        out = WindowedForwarder.create('window', store, ctx, o, emit.onClose);
        clock.followStore(store);
        clock.watch(context as ProcessorContext<unknown, unknown>, (closeTime) => emitFinal(closeTime, undefined));
      },
      process(record) {
        if (record.key === null || record.key === undefined) {
          skipNullKey(ctx);
          return;
        }
        const closeTime = clock.observe(record.timestamp);
        let applied = false;
        for (const [start, window] of windows.windowsFor(record.timestamp)) {
          if (window.end > closeTime) {
            applied = true;
            const previous = store.fetch(record.key, start);
            const oldAgg = previous === undefined || previous.value === null ? o.initializer() : previous.value;
            const timestamp = previous === undefined || previous.value === null ? record.timestamp : Math.max(record.timestamp, previous.timestamp);
            const newAgg = o.aggregator(record.key, record.value, oldAgg);
            store.put(record.key, { value: newAgg, timestamp }, start);
            if (!emit.onClose) out.update({ key: record.key, window }, newAgg, oldAgg, timestamp, record.headers);
          } else {
            skipExpired(ctx, record, formatWindow(window, false), closeTime, clock.observed);
          }
        }
        if (!applied) forwardLate(ctx, o, record);
        emitFinal(closeTime, record.headers);
      },
    };
  };
}

/** Kafka's shouldRangeFetch test: no new window closed when both times fall in the same windows. */
function sameWindows(windows: FixedSizeWindows, a: number, b: number): boolean {
  const x = [...windows.windowsFor(a).keys()];
  const y = [...windows.windowsFor(b).keys()];
  return x.length === y.length && x.every((s, i) => s === y[i]);
}

/** Kafka's KStreamWindowAggregate constructor check: an unlimited window never closes. */
export function checkEmitStrategy(windows: FixedSizeWindows, emitStrategy: EmitStrategy): void {
  if (emitStrategy.type === EmitStrategyType.ON_WINDOW_CLOSE && windows instanceof UnlimitedWindows) {
    throw new RangeError('ON_WINDOW_CLOSE strategy is only supported for TimeWindows and SlidingWindows for TimeWindowedKStream');
  }
}
