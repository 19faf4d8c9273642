/*
 * The single-store self-join (KIP-862) — Kafka Streams' KStreamKStreamSelfJoin. Under the
 * `single.store.self.join` optimization (topology-optimization.ts), a join of a stream with
 * itself, `s.join(s, joiner, windows)` (or of two streams of one topic, merged at build), is
 * written as
 *   KSTREAM-WINDOWED (this side's window store) → KSTREAM-MERGE (this processor, reading that store)
 * instead of two windowed processors, two stores, two join processors and a merge. Both sides
 * see the same records, so one store holds what the two would; the output is the two-store
 * join's, record for record and in the same order. Kafka's rule rewrites left and outer
 * self-joins the same way (it does not look at the join type), and so does Tributary: every
 * record matches itself, so they emit what the inner join emits — except a null-key record,
 * which the two-store left/outer join emits unmatched and this processor drops (step 1).
 *
 * Per record (key K, value V, time t), with the store not yet holding it (the windowed processor
 * forwards first, then stores):
 *   1. a null key or value is dropped, logged and counted (an inner join's rule)
 *   2. "this" pass — what the two-store join's left processor emits: for every stored (t', V')
 *      of K in [t − before, t + after], forward joiner(V, V') at max(t, t')
 *   3. "other" pass — what its right processor emits: for every stored (t', V') of K in
 *      [t − after, t + before] still within retention once t is observed (that processor reads
 *      the store after the record was put), in time order, forward joiner(V', V) at max(t, t'); the record
 *      joined with itself, joiner(V, V) at t, comes just before the first t' > t (the two-store
 *      join's right processor finds the record in the left store after every entry at ≤ t), or
 *      last when there is none.
 *   The record joins itself only if the window store keeps it: t > stream time − retention
 *   (stream time = the largest time the store has observed, this record's included; retention =
 *   the store's, size + grace), the rule of our window store (state/window/segments.ts). Kafka's
 *   processor tests t > stream time − retention + 1, where its segmented store keeps records by
 *   segment; this choice keeps the output equal to Tributary's own two-store join.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { WindowStore } from '../../state/window/window-store-types.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import type { JoinWindows } from './join-windows.ts';
import type { StreamValueJoiner } from './kstream-ktable-join.ts';
import { joinStoreShape } from './stream-join-stores.ts';

export function streamStreamSelfJoinSupplier<K, V, VOut>(windowStoreName: string, windows: JoinWindows, joiner: StreamValueJoiner<K, V, V, VOut>): ProcessorSupplier<K, V, K, VOut> {
  const { retentionMs } = joinStoreShape(windows);
  return () => {
    let ctx: ReturnType<typeof asInternal<K, VOut>>;
    let store: WindowStore<K, V>;
    let streamTime = -1;
    const each = (key: K, from: number, to: number, visit: (otherTime: number, otherValue: V) => void): void => {
      const it = store.fetch(key, Math.max(0, from), Math.max(0, to));
      try {
        for (const { key: otherTime, value } of it) visit(otherTime, value);
      } finally {
        it.close();
      }
    };
    return {
      init(context) {
        ctx = asInternal(context);
        store = context.getStateStore<WindowStore<K, V>>(windowStoreName);
      },
      process(record: StreamRecord<K, V>) {
        const t = record.timestamp;
        const key = record.key;
        // The windowed processor stores every record with a key: the store observes its time.
        if (key !== null && key !== undefined && t > streamTime) streamTime = t;
        if (key === null || key === undefined || record.value === null || record.value === undefined) {
          ctx.recordDropped(`Skipping record due to null key or value. ${describeOrigin(ctx)}`);
          return;
        }
        const forward = (value: VOut, timestamp: number) => ctx.forward({ key, value, timestamp, headers: record.headers });
        each(key, t - windows.beforeMs, t + windows.afterMs, (otherTime, otherValue) => forward(joiner(record.value, otherValue, key), Math.max(t, otherTime)));
        let selfPending = t > streamTime - retentionMs;
        each(key, t - windows.afterMs, t + windows.beforeMs, (otherTime, otherValue) => {
          // The two-store join reads this pass after storing the record, so after the store
          // observed t: entries that fell out of retention then are not returned.
          if (otherTime <= streamTime - retentionMs) return;
          if (selfPending && otherTime > t) {
            selfPending = false;
            forward(joiner(record.value, record.value, key), t);
          }
          forward(joiner(otherValue, record.value, key), Math.max(t, otherTime));
        });
        if (selfPending) forward(joiner(record.value, record.value, key), t);
      },
    };
  };
}
