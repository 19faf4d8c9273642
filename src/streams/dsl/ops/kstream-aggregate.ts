/*
 * KStream grouped aggregations (count, reduce, aggregate) — Kafka Streams' KStreamAggregate and
 * KStreamReduce. Per record: skip (and count as dropped) a null key or value; read the current
 * aggregate, fold the value in, write it back with timestamp max(record, previous aggregate),
 * and forward Change(newAgg, oldAgg) to the table's downstream.
 *
 * aggregate: old = store value or initializer(); new = aggregator(key, value, old).
 *            (As in Kafka, the forwarded old value is the initialized one when the key is new.)
 * reduce:    old = store value or null; new = old === null ? value : reducer(old, value).
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import type { Change } from './change.ts';
import { TableForwarder, type TableOpConfig } from './table-forwarder.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

export type Initializer<VA> = () => VA;
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;
export type Reducer<V> = (aggregate: V, value: V) => V;

export function streamAggregateSupplier<K, V, VA>(
  storeName: string,
  fold: (key: K, value: V, old: VA | null) => VA,
  initial: () => VA | null,
  config: TableOpConfig,
): ProcessorSupplier<K, V, K, Change<VA>> {
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
      process(record) {
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
          ctx.recordDropped(`Skipping record due to null key or value. ${describeOrigin(ctx)}`);
          return;
        }
        const previous = store.get(record.key);
        const oldAgg = previous === undefined || previous === null ? initial() : previous.value;
        const newAgg = fold(record.key, record.value, oldAgg);
        const timestamp = previous ? Math.max(record.timestamp, previous.timestamp) : record.timestamp;
        store.put(record.key, { value: newAgg, timestamp });
        forwarder.maybeForward(record.key, newAgg, oldAgg, timestamp);
      },
    };
  };
}

export function aggregateSupplier<K, V, VA>(storeName: string, initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, config: TableOpConfig) {
  return streamAggregateSupplier<K, V, VA>(storeName, (k, v, old) => aggregator(k, v, old as VA), initializer, config);
}

export function reduceSupplier<K, V>(storeName: string, reducer: Reducer<V>, config: TableOpConfig) {
  return streamAggregateSupplier<K, V, V>(storeName, (_k, v, old) => (old === null ? v : reducer(old, v)), () => null, config);
}
