/*
 * The aggregate processor of sliding windows — Kafka Streams' KStreamSlidingWindowAggregate
 * (its reverse-iterator path), which also serves count and reduce. Windows are [start, end]
 * with end = start + d (d = time difference), both bounds inclusive; see sliding-windows.ts.
 *
 * Per record at ts (null key or null value: dropped and counted):
 *   closeTime = observedStreamTime - grace; if ts + d < closeTime the record's own window is
 *   closed: drop it. If ts < d: processEarly (below). Otherwise walk this key's windows with
 *   start in [max(0, ts - 2d), ts + 1], NEWEST FIRST:
 *     start == ts + 1            the record's right window exists already
 *     end > ts (start <= ts)     a window containing ts: fold the record in; the first one seen
 *                                is the aggregate of the right window (records after ts)
 *     end == ts                  the record's left window exists: fold in; if its max timestamp
 *                                < ts, that is the previous record's time, else stop (nothing
 *                                to create: a record with this ts was seen already)
 *     end < ts                   the newest window before ts: its aggregate is what the left
 *                                window starts from; its max timestamp is the previous record
 *   then create what is missing: the previous record's right window [prev + 1, prev + 1 + d]
 *   if it would contain ts; the record's left window [ts - d, ts] (from the previous aggregate
 *   when prev >= ts - d, else from the initializer); the record's right window
 *   [ts + 1, ts + 1 + d] from the right-window aggregate, when later records exist.
 *   processEarly: records with ts < d all share the window [0, d] instead of a left window.
 * Every window update (updateWindowAndForward) checks end >= closeTime, else drops; forwards
 * Change(new, old) with timestamp max(ts, window's timestamp), old = the window's previous
 * aggregate (the initializer's value for a new window).
 * Emit-on-window-close: windows with start in [max(0, lastEmitClose - d), closeTime - d - 1].
 */
import type { StreamRecord } from '../../processor/record.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Windowed, WindowBounds } from '../../serde/windowed-serdes.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import type { WindowStore } from '../../state/window/window-store-types.ts';
import { asInternal, type InternalProcessorContext } from '../../task/internal-context.ts';
import type { SlidingWindows } from '../../windows/sliding-windows.ts';
import { formatWindow } from '../../windows/window-checks.ts';
import type { Change } from '../ops/change.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { EmitFinalTracker } from './emit-strategy.ts';
import type { WindowAggregateOptions } from './time-window-aggregate.ts';
import { WindowedForwarder } from './windowed-forwarder.ts';
import { forwardLate, skipExpired, skipNullKeyOrValue, WindowCloseClock } from './window-aggregate-support.ts';

type Vat<VA> = ValueAndTimestamp<VA | null>;

export function slidingWindowAggregateSupplier<K, V, VA>(windows: SlidingWindows, o: WindowAggregateOptions<K, V, VA>): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const d = windows.timeDifferenceMs;
  return () => {
    let ctx: InternalProcessorContext<Windowed<K>, Change<VA>>;
    let store: WindowStore<K, Vat<VA>>;
    let out: WindowedForwarder<K, VA>;
    const clock = new WindowCloseClock(windows.gracePeriodMs());
    /** Whether the record being processed was added to at least one window. */
    let applied = false;
    const emit = new EmitFinalTracker(o.emitStrategy);

    const update = (window: WindowBounds, vat: Vat<VA>, record: StreamRecord<K, V>, closeTime: number): void => {
      if (window.end >= closeTime) {
        applied = true;
        const oldAgg = vat.value;
        const newAgg = o.aggregator(record.key, record.value, oldAgg);
        const timestamp = oldAgg === null ? record.timestamp : Math.max(record.timestamp, vat.timestamp);
        store.put(record.key, { value: newAgg, timestamp }, window.start);
        if (!emit.onClose) out.update({ key: record.key, window }, newAgg, oldAgg, timestamp, record.headers);
      } else {
        skipExpired(ctx, record, formatWindow(window, true), closeTime, clock.observed);
      }
    };

    const win = (start: number): WindowBounds => ({ start, end: start + d });

    const createCurrentRight = (record: StreamRecord<K, V>, rightAgg: Vat<VA>): void => {
      const window = win(record.timestamp + 1);
      store.put(record.key, rightAgg, window.start);
      if (!emit.onClose) out.update({ key: record.key, window }, rightAgg.value, null, rightAgg.timestamp, record.headers);
    };

    const createPreviousRight = (start: number, record: StreamRecord<K, V>, closeTime: number): void => {
      update(win(start), { value: o.initializer(), timestamp: record.timestamp }, record, closeTime);
    };

    const processEarly = (record: StreamRecord<K, V>, closeTime: number): void => {
      const ts = record.timestamp;
      let combined: { start: number; vat: Vat<VA> } | undefined;
      let rightAgg: Vat<VA> | undefined;
      let rightCreated = false;
      let previous: number | undefined;
      const starts = new Set<number>();
      for (const { key: start, value } of store.fetch(record.key, 0, ts + 1)) {
        starts.add(start);
        if (start === 0) {
          combined = { start, vat: value };
          if (value.timestamp < ts) previous = value.timestamp;
        } else if (start <= ts) {
          rightAgg = value;
          update(win(start), value, record, closeTime);
        } else if (start === ts + 1) {
          rightCreated = true;
        } else {
          throw new Error(`Unexpected sliding window [${start},${start + d}] when processing a record at ${ts}; the store "${o.storeName}" is inconsistent`);
        }
      }
      if (rightAgg === undefined && combined !== undefined && combined.vat.timestamp > ts) rightAgg = combined.vat;
      if (!rightCreated && rightAgg !== undefined && rightAgg.timestamp > ts) createCurrentRight(record, rightAgg);
      if (previous !== undefined && !starts.has(previous + 1)) createPreviousRight(previous + 1, record, closeTime);
      if (combined === undefined) update(win(0), { value: o.initializer(), timestamp: ts }, record, closeTime);
      else update(win(0), combined.vat, record, closeTime);
    };

    const processReverse = (record: StreamRecord<K, V>, closeTime: number): void => {
      const ts = record.timestamp;
      const starts = new Set<number>();
      let leftAgg: Vat<VA> | undefined;
      let rightAgg: Vat<VA> | undefined;
      let leftCreated = false;
      let rightCreated = false;
      let previous: number | undefined;
      for (const { key: start, value } of store.backwardFetch(record.key, Math.max(0, ts - 2 * d), ts + 1)) {
        starts.add(start);
        const end = start + d;
        if (start === ts + 1) {
          rightCreated = true;
        } else if (end > ts) {
          rightAgg ??= value;
          update(win(start), value, record, closeTime);
        } else if (end === ts) {
          leftCreated = true;
          update(win(start), value, record, closeTime);
          if (value.timestamp < ts) previous = value.timestamp;
          else return;
        } else {
          leftAgg = value;
          previous = value.timestamp;
          break;
        }
      }
      if (previous !== undefined) {
        const previousRightStart = previous + 1;
        if (!starts.has(previousRightStart) && previousRightStart + d >= ts) createPreviousRight(previousRightStart, record, closeTime);
      }
      if (!leftCreated) {
        const base = previous !== undefined && ts - d <= previous && leftAgg !== undefined ? leftAgg.value : o.initializer();
        update(win(ts - d), { value: base, timestamp: ts }, record, closeTime);
      }
      if (!rightCreated && rightAgg !== undefined && rightAgg.timestamp > ts) createCurrentRight(record, rightAgg);
    };

    const emitFinal = (closeTime: number, headers: StreamRecord<K, V>['headers'] | undefined): void => {
      if (!emit.shouldEmitFinal(closeTime, ctx.currentSystemTimeMs())) return;
      const upper = closeTime - d - 1;
      if (upper < 0) return;
      const lower = emit.lastEmitWindowCloseTime === -1 ? 0 : Math.max(0, emit.lastEmitWindowCloseTime - d);
      for (const { key, value } of store.fetchAll(lower, upper)) {
        out.final(key, value.value, value.timestamp, headers);
      }
      emit.lastEmitWindowCloseTime = closeTime;
    };

    return {
      init(context) {
        ctx = asInternal(context);
        emit.attach(ctx, o.storeName);
        store = context.getStateStore<WindowStore<K, Vat<VA>>>(o.storeName);
        out = WindowedForwarder.create('window', store, ctx, o, emit.onClose);
        // A right window starts 1 ms after its record: the store's time runs up to 1 ms ahead.
        clock.followStore(store, 1);
        // Idle watermark (opt-in, task/idle-watermark.ts): move observed time, emit closed windows.
        clock.watch(context as ProcessorContext<unknown, unknown>, (closeTime) => emitFinal(closeTime, undefined));
      },
      process(record) {
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
          skipNullKeyOrValue(ctx, record.key, record.value);
          return;
        }
        const closeTime = clock.observe(record.timestamp);
        const ts = record.timestamp;
        if (ts + d < closeTime) {
          skipExpired(ctx, record, formatWindow({ start: ts, end: ts + d }, true), closeTime, clock.observed);
          forwardLate(ctx, o, record);
          return;
        }
        applied = false;
        if (ts < d) {
          processEarly(record, closeTime);
          if (!applied) forwardLate(ctx, o, record);
          return;
        }
        processReverse(record, closeTime);
        if (!applied) forwardLate(ctx, o, record);
        emitFinal(closeTime, record.headers);
      },
    };
  };
}
