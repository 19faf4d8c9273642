/*
 * KTable groupBy and its aggregations — Kafka Streams' KTableRepartitionMap, KTableAggregate
 * and KTableReduce.
 *
 * groupBy maps each Change(new, old) of the source table to the new and old grouping rows:
 *   old row → (oldKey, Change(null, oldValue))   "subtract this from oldKey's group"
 *   new row → (newKey, Change(newValue, null))   "add this to newKey's group"
 * old first; when both land on the same key they travel as one Change(newValue, oldValue).
 * A selected null key or value is skipped. This is why the source table must send old values.
 *
 * The aggregation applies, per key: subtract the old value (if any, and an aggregate exists),
 * then add the new value (starting from initializer() — or, for reduce, from the value itself —
 * when there is no aggregate). A group whose aggregate becomes null is deleted.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import { OUT_OF_ORDER_SKIPPED, isOutOfOrder, type Change } from './change.ts';
import { TableForwarder, type TableOpConfig } from './table-forwarder.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

/** Equality of selected keys: identity for primitives, structural (JSON) for plain objects. */
export function keysEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

export function tableRepartitionMapSupplier<K, V, KR, VR>(selector: (key: K, value: V) => readonly [KR, VR]): ProcessorSupplier<K, Change<V>, KR, Change<VR>> {
  return () => {
    let ctx: ReturnType<typeof asInternal<KR, Change<VR>>>;
    const present = (pair: readonly [KR, VR] | null): pair is readonly [KR, VR] =>
      pair !== null && pair[0] !== null && pair[0] !== undefined && pair[1] !== null && pair[1] !== undefined;
    return {
      init(c) {
        ctx = asInternal(c);
      },
      process(r) {
        if (r.key === null || r.key === undefined) {
          throw new Error(`Record key for the grouping KTable should not be null (node ${ctx.nodeName}).`);
        }
        // an out-of-order versioned update changed no row: nothing to regroup (KIP-914)
        if (isOutOfOrder(r.value)) {
          ctx.recordDropped(`${OUT_OF_ORDER_SKIPPED} ${describeOrigin(ctx)}`);
          return;
        }
        const newPair = r.value.newValue === null ? null : selector(r.key, r.value.newValue);
        const oldPair = r.value.oldValue === null ? null : selector(r.key, r.value.oldValue);
        const base = { timestamp: r.timestamp, headers: r.headers };
        if (present(oldPair) && present(newPair) && keysEqual(oldPair[0], newPair[0])) {
          ctx.forward({ ...base, key: oldPair[0], value: { newValue: newPair[1], oldValue: oldPair[1] } });
          return;
        }
        if (present(oldPair)) ctx.forward({ ...base, key: oldPair[0], value: { newValue: null, oldValue: oldPair[1] } });
        if (present(newPair)) ctx.forward({ ...base, key: newPair[0], value: { newValue: newPair[1], oldValue: null } });
      },
    };
  };
}

function tableFoldSupplier<K, V, VA>(
  storeName: string,
  add: (key: K, value: V, agg: VA | null) => VA,
  remove: (key: K, value: V, agg: VA) => VA | null,
  config: TableOpConfig,
): ProcessorSupplier<K, Change<V>, K, Change<VA>> {
  return () => {
    let store: KeyValueStore<K, ValueAndTimestamp<VA>>;
    let forwarder: TableForwarder<K, VA>;
    let ctx: ReturnType<typeof asInternal<K, Change<VA>>>;
    return {
      init(context) {
        ctx = asInternal(context);
        store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<VA>>>(storeName);
        forwarder = new TableForwarder(store, context, config);
      },
      process(r) {
        if (r.key === null || r.key === undefined) {
          ctx.recordDropped(`Skipping record due to null key. ${describeOrigin(ctx)}`);
          return;
        }
        const previous = store.get(r.key) ?? null;
        const oldAgg = previous === null ? null : previous.value;
        let timestamp = r.timestamp;
        let agg: VA | null = oldAgg;
        if (r.value.oldValue !== null && oldAgg !== null) {
          agg = remove(r.key, r.value.oldValue, oldAgg);
          timestamp = Math.max(r.timestamp, previous!.timestamp);
        }
        if (r.value.newValue !== null) {
          agg = add(r.key, r.value.newValue, agg);
          if (previous !== null) timestamp = Math.max(r.timestamp, previous.timestamp);
        }
        store.put(r.key, agg === null ? null : { value: agg, timestamp });
        forwarder.maybeForward(r.key, agg, oldAgg, timestamp);
      },
    };
  };
}

export function tableAggregateSupplier<K, V, VA>(
  storeName: string,
  initializer: () => VA,
  adder: (key: K, value: V, agg: VA) => VA,
  subtractor: (key: K, value: V, agg: VA) => VA,
  config: TableOpConfig,
) {
  return tableFoldSupplier<K, V, VA>(storeName, (k, v, agg) => adder(k, v, agg === null ? initializer() : agg), subtractor, config);
}

export function tableReduceSupplier<K, V>(storeName: string, adder: (agg: V, value: V) => V, subtractor: (agg: V, value: V) => V, config: TableOpConfig) {
  return tableFoldSupplier<K, V, V>(storeName, (_k, v, agg) => (agg === null ? v : adder(agg, v)), (_k, v, agg) => subtractor(agg, v), config);
}
