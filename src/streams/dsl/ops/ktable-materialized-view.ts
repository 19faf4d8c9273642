/*
 * filter / filterNot / mapValues with a named Materialized: the result table gets its own store,
 * queryable by that name — Kafka Streams' KTableFilter / KTableMapValues with a queryableName.
 *
 * Per update (key, Change(new, old)) at timestamp ts:
 *   newValue = f(key, change.newValue)                   (filter: the value or null; mapValues:
 *                                                         the mapped value, null stays null)
 *   oldValue = the row this store holds for key (only when sending old values; Kafka reads the
 *              store instead of recomputing, so the old value is what was emitted)
 *   filter only: both null while sending old values → nothing changed downstream, nothing sent
 *   store.put(key, newValue at ts) (null deletes), then forward Change(newValue, oldValue)
 *   through the store's cache (table-forwarder.ts): with caching, once per key per commit.
 * The result table's value getter reads this store (joins look it up there).
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { isOutOfOrder, type Change } from './change.ts';
import { TableForwarder, type TableOpConfig } from './table-forwarder.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

export function materializedTableViewSupplier<K, V, VR>(
  storeName: string,
  compute: (key: K, value: V | null) => VR | null,
  skipWhenBothNull: boolean,
  config: TableOpConfig,
): ProcessorSupplier<K, Change<V>, K, Change<VR>> {
  return () => {
    let store: KeyValueStore<K, ValueAndTimestamp<VR>>;
    let forwarder: TableForwarder<K, VR>;
    return {
      init(context) {
        store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<VR>>>(storeName);
        forwarder = new TableForwarder(store, context, config);
      },
      process(r) {
        const newValue = compute(r.key, r.value.newValue);
        const oldValue = config.sendOldValues ? (store.get(r.key)?.value ?? null) : null;
        if (skipWhenBothNull && config.sendOldValues && newValue === null && oldValue === null) return;
        store.put(r.key, newValue === null ? null : { value: newValue, timestamp: r.timestamp });
        forwarder.maybeForward(r.key, newValue, oldValue, r.timestamp, !isOutOfOrder(r.value));
      },
    };
  };
}
