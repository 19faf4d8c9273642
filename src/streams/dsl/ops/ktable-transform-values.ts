/*
 * KTable.transformValues — Kafka Streams' KTableTransformValues: a value transformer with access
 * to state stores, applied to a table's rows.
 *
 * Per update (key, Change(new, old)) at timestamp ts (the transformer is called with null values
 * too, as in Kafka; a null result is a delete):
 *   newValue = transform(key, change.newValue)
 *   not materialized: oldValue = sending old values ? transform(key, change.oldValue) : null;
 *                     forward Change(newValue, oldValue)
 *   materialized:     oldValue = sending old values ? the row this store holds : null;
 *                     store.put(key, newValue at ts); forward through the store's cache
 * Value getter (joins looking the result up): materialized → its store; otherwise a SEPARATE
 * transformer instance (supplier called again, initialised with the reading processor's context)
 * applied to the parent's row, stamped with the parent row's timestamp (stream time when the
 * parent has no row; Kafka uses the current record's) — Kafka's getter.
 * Transformers may not forward: their context's forward throws (Kafka's
 * ForwardingDisabledProcessorContext); they get the stores named in transformValues(...).
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import type { TableValueGetterSupplier } from '../joins/value-getter.ts';
import { derivedChange, isOutOfOrder, type Change } from './change.ts';
import { TableForwarder, type TableOpConfig } from './table-forwarder.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

/** Kafka's ValueTransformerWithKey: `transform` gets the key read-only and may see null values. */
export interface ValueTransformerWithKey<K, V, VR> {
  init?(context: ProcessorContext<never, never>): void;
  transform(readOnlyKey: K, value: V | null): VR | null;
  close?(): void;
}

export type ValueTransformerWithKeySupplier<K, V, VR> = () => ValueTransformerWithKey<K, V, VR>;

function forwardingDisabled(context: ProcessorContext<unknown, unknown>): ProcessorContext<never, never> {
  return new Proxy(context, {
    get(target, prop, receiver) {
      if (prop === 'forward') {
        return () => {
          throw new Error(`transformValues: a ValueTransformerWithKey may not forward records (processor "${target.nodeName}"); return the new value from transform() instead.`);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as ProcessorContext<never, never>;
}

export function tableTransformValuesSupplier<K, V, VR>(
  transformerSupplier: ValueTransformerWithKeySupplier<K, V, VR>,
  storeName: string | undefined,
  config: TableOpConfig,
): ProcessorSupplier<K, Change<V>, K, Change<VR>> {
  return () => {
    const transformer = transformerSupplier();
    let ctx: ProcessorContext<K, Change<VR>>;
    let store: KeyValueStore<K, ValueAndTimestamp<VR>> | undefined;
    let forwarder: TableForwarder<K, VR> | undefined;
    return {
      init(context) {
        ctx = context;
        transformer.init?.(forwardingDisabled(context as ProcessorContext<unknown, unknown>));
        if (storeName !== undefined) {
          store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<VR>>>(storeName);
          forwarder = new TableForwarder(store, context, config);
        }
      },
      process(r) {
        const newValue = transformer.transform(r.key, r.value.newValue) ?? null;
        if (store === undefined || forwarder === undefined) {
          const oldValue = config.sendOldValues ? (transformer.transform(r.key, r.value.oldValue) ?? null) : null;
          ctx.forward({ ...r, value: derivedChange(r.value, newValue, oldValue) });
          return;
        }
        const oldValue = config.sendOldValues ? (store.get(r.key)?.value ?? null) : null;
        store.put(r.key, newValue === null ? null : { value: newValue, timestamp: r.timestamp });
        forwarder.maybeForward(r.key, newValue, oldValue, r.timestamp, !isOutOfOrder(r.value));
      },
      close() {
        transformer.close?.();
      },
    };
  };
}

/** The unmaterialized result's getter: a fresh transformer over the parent's getter. */
export function transformValuesGetter<K, V, VR>(
  parent: TableValueGetterSupplier<K, V>,
  transformerSupplier: ValueTransformerWithKeySupplier<K, V, VR>,
  storeNames: readonly string[],
): TableValueGetterSupplier<K, VR> {
  return {
    storeNames: () => [...new Set([...parent.storeNames(), ...storeNames])],
    create(context) {
      const inner = parent.create(context);
      const transformer = transformerSupplier();
      transformer.init?.(forwardingDisabled(context));
      return {
        get(key) {
          const row = inner.get(key);
          const value = transformer.transform(key, row === null ? null : row.value);
          return value === null || value === undefined ? null : { value, timestamp: row?.timestamp ?? context.currentStreamTimeMs() };
        },
      };
    },
  };
}
