/*
 * KStream–KStream windowed joins — Kafka Streams' KStreamJoinWindow, KStreamKStreamJoin
 * (LeftSide / RightSide) and the shared TimeTracker, with Kafka 3.x's spurious-result fix.
 *
 * Topology: each side's records pass a "windowed" processor (forward, then remember the record
 * in this side's window store) into that side's join processor, which looks up the OTHER
 * side's window store; both join processors feed a pass-through merge.
 *
 * Join processor, per record (key K, value V, time t), with [from, to] = [max(0, t − before),
 * max(0, t + after)] where before/after are this side's view of the JoinWindows:
 *   1. shared stream time = max(shared stream time, t)  (one tracker per task, both sides)
 *   2. outer side and null key with a value: forward joiner(V, null) now (Kafka 3.7+); else a
 *      null key or null value is dropped, logged and counted
 *   3. if t is the new stream time, emit closed "no match" records from the outer store (below)
 *   4. for every other-side record (t', V') of K in [from, to]: delete the other record's entry
 *      from the outer store (it has now matched) and forward joiner(V, V') at max(t, t')
 *   5. no match and this side is outer: if the window can no longer match (to < stream time)
 *      or there is no outer store, forward joiner(V, null) now; else park the record in the
 *      outer store and lower the tracker's minTime.
 * Emitting from the outer store (only when minTime + after + grace < stream time): scan in
 * (timestamp, side, key) order; an entry is closed when ts + lookBack + grace < stream time,
 * with lookBack = the JoinWindows' after for left entries, before for right entries; closed
 * entries are forwarded as joiner(left|null, right|null) at their own timestamp and deleted;
 * the scan stops once both sides have met an open entry. minTime becomes the last timestamp
 * seen. The scan is throttled as Kafka's: at most once per `outerJoinEmitIntervalMs` of wall-clock
 * time per task (Kafka's internal emit.interval.ms.kstreams.outer.join.spurious.results.fix,
 * default 1000 ms; 0 in the TopologyTestDriver), nextTimeToEmit = now + interval at each scan.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { WindowStore } from '../../state/window/window-store-types.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import { onStreamTimeAdvance } from '../../task/idle-watermark.ts';
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { EMPTY_HEADERS } from '../../processor/record.ts';
import type { JoinWindows } from './join-windows.ts';
import type { StreamValueJoiner } from './kstream-ktable-join.ts';
import type { OuterJoinStore } from './stream-join-stores.ts';

/** Join-local clocks shared by the two join processors of one task. */
export class TimeTracker {
  streamTime = -1;
  minTime = Number.MAX_SAFE_INTEGER;
  /** Wall-clock time before which no outer-join scan runs. */
  nextTimeToEmit = 0;

  advanceStreamTime(t: number): void {
    if (t > this.streamTime) this.streamTime = t;
  }

  updatedMinTime(t: number): void {
    if (t < this.minTime) this.minTime = t;
  }
}

/** One TimeTracker per task id, shared by both sides' processors. */
export class TimeTrackers {
  readonly #byTask = new Map<string, TimeTracker>();
  get(taskId: string): TimeTracker {
    let t = this.#byTask.get(taskId);
    if (t === undefined) this.#byTask.set(taskId, (t = new TimeTracker()));
    return t;
  }
  remove(taskId: string): void {
    this.#byTask.delete(taskId);
  }
}

/** KStreamJoinWindow: forward, then remember the record in this side's window store. */
export function joinWindowSupplier<K, V>(windowStoreName: string): ProcessorSupplier<K, V, K, V> {
  return () => {
    let ctx: Parameters<NonNullable<ReturnType<ProcessorSupplier<K, V, K, V>>['init']>>[0];
    let window: WindowStore<K, V>;
    return {
      init(context) {
        ctx = context;
        window = context.getStateStore<WindowStore<K, V>>(windowStoreName);
      },
      process(record) {
        ctx.forward(record);
        if (record.key !== null && record.key !== undefined) window.put(record.key, record.value, record.timestamp);
      },
    };
  };
}

export interface StreamJoinSide<K, VThis, VOther, VOut> {
  readonly isLeftSide: boolean;
  readonly otherWindowStoreName: string;
  readonly outer: boolean;
  readonly outerStoreName: string | undefined;
  readonly windows: JoinWindows;
  /** The user's joiner, always called as (leftValue, rightValue, key). */
  readonly joiner: StreamValueJoiner<K, unknown, unknown, VOut>;
  readonly trackers: TimeTrackers;
  /** Phantom: this side's value and the other's. */
  readonly _types?: [VThis, VOther];
}

export function streamStreamJoinSupplier<K, VThis, VOther, VOut>(side: StreamJoinSide<K, VThis, VOther, VOut>): ProcessorSupplier<K, VThis, K, VOut> {
  const { isLeftSide, windows, joiner } = side;
  const joinBeforeMs = isLeftSide ? windows.beforeMs : windows.afterMs;
  const joinAfterMs = isLeftSide ? windows.afterMs : windows.beforeMs;
  const graceMs = windows.gracePeriodMs();
  /** (this, other) → the user's (left, right) order. */
  const join = (key: K, thisValue: unknown, otherValue: unknown): VOut => (isLeftSide ? joiner(thisValue, otherValue, key) : joiner(otherValue, thisValue, key));
  return () => {
    let ctx: ReturnType<typeof asInternal<K, VOut>>;
    let otherWindow: WindowStore<K, VOther>;
    let outerStore: OuterJoinStore<K, unknown, unknown> | undefined;
    let tracker: TimeTracker;
    let taskId: string;

    const emitNonJoinedOuterRecords = (store: OuterJoinStore<K, unknown, unknown>, headers: Parameters<typeof ctx.forward>[0]['headers']): void => {
      if (tracker.minTime + joinAfterMs + graceMs >= tracker.streamTime) return;
      const now = ctx.currentSystemTimeMs();
      if (now < tracker.nextTimeToEmit) return;
      tracker.nextTimeToEmit = now + ctx.outerJoinEmitIntervalMs;
      tracker.minTime = Number.MAX_SAFE_INTEGER;
      const emitted: Buffer[] = [];
      let leftOpen = false;
      let rightOpen = false;
      let prevKey: Buffer | undefined;
      for (const entry of store.entries()) {
        tracker.minTime = entry.timestamp;
        if (leftOpen && rightOpen) break;
        const lookBack = entry.isLeft ? windows.afterMs : windows.beforeMs;
        if (tracker.minTime + lookBack + graceMs >= tracker.streamTime) {
          if (entry.isLeft) leftOpen = true;
          else rightOpen = true;
          continue;
        }
        ctx.forward({ key: entry.key, value: joiner(entry.value.left, entry.value.right, entry.key), timestamp: entry.timestamp, headers });
        if (prevKey === undefined || !prevKey.equals(entry.storeKey)) emitted.push(entry.storeKey);
        prevKey = entry.storeKey;
      }
      // Deleting after the scan (Kafka deletes behind the cursor): the same keys, never revisited.
      for (const k of emitted) store.deleteStoreKey(k);
    };

    return {
      init(context) {
        ctx = asInternal(context);
        taskId = context.taskId;
        otherWindow = context.getStateStore<WindowStore<K, VOther>>(side.otherWindowStoreName);
        tracker = side.trackers.get(taskId);
        if (side.outerStoreName !== undefined) outerStore = context.getStateStore<OuterJoinStore<K, unknown, unknown>>(side.outerStoreName);
        // With the task's opt-in idle watermark (beyond Kafka), stream time also moves without
        // records; the left side (one per join: both share the store and tracker) then emits the
        // non-joined records whose windows closed, with no record context (empty headers).
        const store = outerStore;
        if (store !== undefined && isLeftSide) {
          onStreamTimeAdvance(context as ProcessorContext<unknown, unknown>, (streamTime) => {
            tracker.advanceStreamTime(streamTime);
            emitNonJoinedOuterRecords(store, EMPTY_HEADERS);
          });
        }
      },
      process(record) {
        const t = record.timestamp;
        tracker.advanceStreamTime(t);
        const keyIsNull = record.key === null || record.key === undefined;
        const valueIsNull = record.value === null || record.value === undefined;
        if (side.outer && keyIsNull && !valueIsNull) {
          ctx.forward({ ...record, value: join(record.key, record.value, null) });
          return;
        }
        if (keyIsNull || valueIsNull) {
          ctx.recordDropped(`Skipping record due to null key or value. ${describeOrigin(ctx)}`);
          return;
        }
        if (t === tracker.streamTime && outerStore !== undefined) emitNonJoinedOuterRecords(outerStore, record.headers);
        const timeFrom = Math.max(0, t - joinBeforeMs);
        const timeTo = Math.max(0, t + joinAfterMs);
        let matched = false;
        const it = otherWindow.fetch(record.key, timeFrom, timeTo);
        try {
          for (const { key: otherTime, value: otherValue } of it) {
            matched = true;
            outerStore?.deleteIfPresent(otherTime, !isLeftSide, record.key);
            ctx.forward({ key: record.key, value: join(record.key, record.value, otherValue), timestamp: Math.max(t, otherTime), headers: record.headers });
          }
        } finally {
          it.close();
        }
        if (!side.outer || matched) return;
        if (outerStore === undefined || timeTo < tracker.streamTime) {
          ctx.forward({ ...record, value: join(record.key, record.value, null) });
        } else {
          tracker.updatedMinTime(t);
          outerStore.append(t, isLeftSide, record.key, record.value);
        }
      },
      close() {
        side.trackers.remove(taskId);
      },
    };
  };
}
