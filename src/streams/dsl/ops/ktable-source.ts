/*
 * KTableSource: turns a topic's records into table updates. A null key is dropped (counted);
 * a null value deletes the row. When the table is materialized (named store, or a downstream
 * operator needs old values), the row is written to the store and Change(new, old) is forwarded
 * through the store's cache; otherwise Change(new, null) is forwarded directly.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import type { Change } from './change.ts';
import { TableForwarder, type TableOpConfig } from './table-forwarder.ts';
import type { ValueAndTimestamp } from './value-and-timestamp.ts';

export interface TableSourceState extends TableOpConfig {
  /** Store name when materialized; read at init, after the topology was built. */
  storeName: string | undefined;
}

export function tableSourceSupplier<K, V>(state: TableSourceState): ProcessorSupplier<K, V, K, Change<V>> {
  return () => {
    let store: KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
    let forwarder: TableForwarder<K, V> | undefined;
    let ctx: ReturnType<typeof asInternal<K, Change<V>>>;
    return {
      init(context) {
        ctx = asInternal(context);
        if (state.storeName !== undefined) {
          store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(state.storeName);
          forwarder = new TableForwarder(store, context, state);
        }
      },
      process(record) {
        if (record.key === null || record.key === undefined) {
          ctx.recordDropped(`Skipping record due to null key. ${describeOrigin(ctx)}`);
          return;
        }
        const value = record.value === undefined ? null : record.value;
        if (store === undefined || forwarder === undefined) {
          ctx.forward({ ...record, value: { newValue: value, oldValue: null } });
          return;
        }
        const previous = store.get(record.key);
        const oldValue = previous === undefined || previous === null ? null : previous.value;
        store.put(record.key, value === null ? null : { value, timestamp: record.timestamp });
        forwarder.maybeForward(record.key, value, oldValue, record.timestamp);
      },
    };
  };
}
