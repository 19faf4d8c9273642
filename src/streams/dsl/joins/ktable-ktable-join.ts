/*
 * KTable–KTable joins on the primary key — Kafka Streams' KTableKTableInnerJoin / LeftJoin /
 * RightJoin / OuterJoin and KTableKTableJoinMerger.
 *
 * Shape: each side's updates (Change<V>) go to a join processor that looks up the other side's
 * current row through its value getter; both join processors feed a merge processor, which
 * (when the result is materialized) stores the result and forwards through the store's cache.
 * The "other" side runs with the joiner reversed, so the user's joiner always sees
 * (thisValue, otherValue).
 *
 * Per update on one side (key non-null; null keys are dropped and counted), with
 * other = getter(key) and ts = max(record ts, other row ts) where the other row exists:
 *
 *   kind    other row missing                         newValue / oldValue (old only if sendOldValues)
 *   inner   nothing sent                              joiner(new, other) if new != null, else null
 *   left    nothing if new and old are both null;     joiner(new, other) if new != null, else null
 *           else ts = record ts (other = null)
 *   right   nothing sent                              joiner(new, other) ALWAYS (new may be null)
 *           (the right side of a left join)
 *   outer   nothing if new and old are both null;     joiner(new, other) if other != null || new != null
 *           else ts = record ts
 *
 * A result of "null" newValue is a tombstone for the result table (a delete downstream).
 * The value getter of the join result computes the same join from both sides' getters
 * (or reads the merge store when the result is materialized).
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import { OUT_OF_ORDER_SKIPPED, isOutOfOrder, type Change } from '../ops/change.ts';
import { TableForwarder, type TableOpConfig } from '../ops/table-forwarder.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import { unionStoreNames, type TableValueGetterSupplier } from './value-getter.ts';

export type TableJoinKind = 'inner' | 'left' | 'right' | 'outer';

/** A joiner whose arguments may be null on the outer side(s). */
export type NullableJoiner<V1, V2, VR> = (value1: V1 | null, value2: V2 | null) => VR;

const UNKNOWN = -1;

export function tableTableJoinSupplier<K, V1, V2, VR>(
  kind: TableJoinKind,
  otherGetter: TableValueGetterSupplier<K, V2>,
  joiner: NullableJoiner<V1, V2, VR>,
  config: TableOpConfig,
): ProcessorSupplier<K, Change<V1>, K, Change<VR>> {
  return () => {
    let ctx: ReturnType<typeof asInternal<K, Change<VR>>>;
    let getter: ReturnType<TableValueGetterSupplier<K, V2>['create']>;
    return {
      init(context) {
        ctx = asInternal(context);
        getter = otherGetter.create(context as never);
      },
      process(record) {
        if (record.key === null || record.key === undefined) {
          ctx.recordDropped(`Skipping record due to null key. ${describeOrigin(ctx)}`);
          return;
        }
        // drop out-of-order records from versioned tables (KIP-914)
        if (isOutOfOrder(record.value)) {
          ctx.recordDropped(`${OUT_OF_ORDER_SKIPPED} ${describeOrigin(ctx)}`);
          return;
        }
        const { newValue: nv, oldValue: ov } = record.value;
        const row = getter.get(record.key);
        const other = row === null ? null : row.value;
        let newValue: VR | null = null;
        let oldValue: VR | null = null;
        let timestamp: number;
        switch (kind) {
          case 'inner':
          case 'right':
            if (other === null) return;
            timestamp = Math.max(record.timestamp, row!.timestamp);
            if (kind === 'right' || nv !== null) newValue = joiner(nv, other);
            if (config.sendOldValues && (kind === 'right' || ov !== null)) oldValue = joiner(ov, other);
            break;
          case 'left':
            if (other === null && nv === null && ov === null) return;
            timestamp = Math.max(record.timestamp, row === null ? UNKNOWN : row.timestamp);
            if (nv !== null) newValue = joiner(nv, other);
            if (config.sendOldValues && ov !== null) oldValue = joiner(ov, other);
            break;
          case 'outer':
            if (other === null && nv === null && ov === null) return;
            timestamp = row === null ? record.timestamp : Math.max(record.timestamp, row.timestamp);
            if (other !== null || nv !== null) newValue = joiner(nv, other);
            if (config.sendOldValues && (other !== null || ov !== null)) oldValue = joiner(ov, other);
            break;
        }
        ctx.forward({ key: record.key, value: { newValue, oldValue }, timestamp, headers: record.headers });
      },
    };
  };
}

/**
 * The merge after both join processors. Materialized: put the result (with its timestamp) and
 * forward through the store's cache; else pass through, dropping old values unless asked.
 */
export function tableJoinMergeSupplier<K, V>(storeName: string | undefined, config: TableOpConfig): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return () => {
    let store: KeyValueStore<K, ValueAndTimestamp<V>> | undefined;
    let forwarder: TableForwarder<K, V> | undefined;
    let ctx: Parameters<NonNullable<ReturnType<ProcessorSupplier<K, Change<V>, K, Change<V>>>['init']>>[0];
    return {
      init(context) {
        ctx = context;
        if (storeName !== undefined) {
          store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(storeName);
          forwarder = new TableForwarder(store, context, config);
        }
      },
      process(record) {
        const { newValue, oldValue } = record.value;
        if (store !== undefined && forwarder !== undefined) {
          store.put(record.key, newValue === null ? null : { value: newValue, timestamp: record.timestamp });
          forwarder.maybeForward(record.key, newValue, oldValue, record.timestamp);
          return;
        }
        ctx.forward(config.sendOldValues ? record : { ...record, value: { newValue, oldValue: null } });
      },
    };
  };
}

/** The value getter of a join result that is not materialized: the join computed on lookup. */
export function joinedValueGetter<K, V1, V2, VR>(
  kind: 'inner' | 'left' | 'outer',
  left: TableValueGetterSupplier<K, V1>,
  right: TableValueGetterSupplier<K, V2>,
  joiner: NullableJoiner<V1, V2, VR>,
): TableValueGetterSupplier<K, VR> {
  return {
    storeNames: () => unionStoreNames(left as TableValueGetterSupplier<unknown, unknown>, right as TableValueGetterSupplier<unknown, unknown>),
    create(context) {
      const g1 = left.create(context);
      const g2 = right.create(context);
      return {
        get(key) {
          const r1 = g1.get(key);
          if (kind !== 'outer' && r1 === null) return null;
          const r2 = g2.get(key);
          if (kind === 'inner') {
            if (r2 === null) return null;
            return { value: joiner(r1!.value, r2.value), timestamp: Math.max(r1!.timestamp, r2.timestamp) };
          }
          if (kind === 'left') {
            return { value: joiner(r1!.value, r2 === null ? null : r2.value), timestamp: r2 === null ? r1!.timestamp : Math.max(r1!.timestamp, r2.timestamp) };
          }
          if (r1 === null && r2 === null) return null;
          return {
            value: joiner(r1 === null ? null : r1.value, r2 === null ? null : r2.value),
            timestamp: Math.max(r1 === null ? UNKNOWN : r1.timestamp, r2 === null ? UNKNOWN : r2.timestamp),
          };
        },
      };
    },
  };
}
