/*
 * KTableSource: turns a topic's records into table updates. A null key is dropped (counted);
 * a null value deletes the row. When the table is materialized (named store, or a downstream
 * operator needs old values), the row is written to the store and Change(new, old) is forwarded
 * through the store's cache; otherwise Change(new, null) is forwarded directly.
 *
 * On a versioned store (Kafka's KTableSource with a KeyValueStoreWrapper, KIP-914) the update is
 * put at its timestamp and the put's return code decides what goes downstream:
 *   NOT_PUT (older than the history retention)  dropped and counted, nothing forwarded
 *   -1 (the new latest version)                 Change(new, old latest) as usual
 *   a validTo (an out-of-order, older version)  Change(new, old latest, isLatest=false): the
 *       current row did not change; joins and groupBy ignore it (change.ts), toStream shows it.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { asVersionedTable } from '../../state/versioned/versioned-table-store.ts';
import { PUT_RETURN_CODE_NOT_PUT, PUT_RETURN_CODE_VALID_TO_UNDEFINED } from '../../state/versioned/versioned-record.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import type { Change } from './change.ts';
import { TableForwarder, type TableOpConfig } from './table-forwarder.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

export interface TableSourceState extends TableOpConfig {
  /** Store name when materialized; read at init, after the topology was built. */
  storeName: string | undefined;
}

export function tableSourceSupplier<K, V>(state: TableSourceState): ProcessorSupplier<K, V, K, Change<V>> {
  return () => {
    let store: KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
    let versioned: ReturnType<typeof asVersionedTable<K, V>>;
    let forwarder: TableForwarder<K, V> | undefined;
    let ctx: ReturnType<typeof asInternal<K, Change<V>>>;
    return {
      init(context) {
        ctx = asInternal(context);
        if (state.storeName !== undefined) {
          store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(state.storeName);
          versioned = asVersionedTable<K, V>(store);
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
        // The old row is read only for a downstream that asked for old values: without
        // sendOldValues the forwarder drops it, and decoding a 1 KiB row per update is wasted.
        const previous = state.sendOldValues ? store.get(record.key) : null;
        const oldValue = previous === undefined || previous === null ? null : previous.value;
        if (versioned !== undefined) {
          const code = versioned.putVersioned(record.key, value, record.timestamp);
          if (code === PUT_RETURN_CODE_NOT_PUT) {
            ctx.recordDropped(`Skipping record for expired put: timestamp ${record.timestamp} is older than the history retention of versioned store "${versioned.name}". ${describeOrigin(ctx)}`);
            return;
          }
          forwarder.maybeForward(record.key, value, oldValue, record.timestamp, code === PUT_RETURN_CODE_VALID_TO_UNDEFINED);
          return;
        }
        store.put(record.key, value === null ? null : { value, timestamp: record.timestamp });
        forwarder.maybeForward(record.key, value, oldValue, record.timestamp);
      },
    };
  };
}
