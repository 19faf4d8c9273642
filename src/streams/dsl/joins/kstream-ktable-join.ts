/*
 * KStream–KTable and KStream–GlobalKTable joins — Kafka Streams' KStreamKTableJoinProcessor
 * (used by KStreamKTableJoin and KStreamGlobalKTableJoin). A stream record looks up the table's
 * current row; table updates never trigger output (the table side is a lookup, not a stream).
 *
 * Per stream record (key K, value V), with lookupKey = keyMapper(K, V) (the key itself for a
 * KTable, the user's key selector for a GlobalKTable):
 *   1. a LEFT join of a null-key record with a non-null value is joined with null (Kafka 3.7+,
 *      KIP-962) — a key selector may still find a row for it;
 *   2. otherwise a null lookup key or a null value is dropped, logged and counted;
 *   3. row = lookupKey null ? null : table[lookupKey]; inner: forward joiner(V, row, K) when a
 *      row exists; left: always forward joiner(V, row ?? null, K).
 * The output keeps the stream record's key, timestamp and headers (no max with the table row:
 * Kafka uses the stream record's time for stream-table joins).
 *
 * Not supported: Joined.withGracePeriod (buffering stream records to join against versioned
 * tables' history) — Tributary has no versioned stores.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import type { TableValueGetter, TableValueGetterSupplier } from './value-getter.ts';

/** The joiner of a stream join: both values, then the record's key (ignore it if unneeded). */
export type StreamValueJoiner<K, V, VO, VR> = (value: V, otherValue: VO, key: K) => VR;

export function streamTableJoinSupplier<K, V, KT, VT, VR>(
  getterSupplier: TableValueGetterSupplier<KT, VT>,
  keyMapper: (key: K, value: V) => KT | null,
  joiner: StreamValueJoiner<K, V, VT | null, VR>,
  leftJoin: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return () => {
    let ctx: ReturnType<typeof asInternal<K, VR>>;
    let getter: TableValueGetter<KT, VT>;
    return {
      init(context) {
        ctx = asInternal(context);
        getter = getterSupplier.create(context as never);
      },
      process(record) {
        const keyIsNull = record.key === null || record.key === undefined;
        const valueIsNull = record.value === null || record.value === undefined;
        let lookupKey: KT | null;
        if (leftJoin && keyIsNull && !valueIsNull) {
          lookupKey = keyMapper(record.key, record.value);
        } else {
          lookupKey = valueIsNull ? null : keyMapper(record.key, record.value);
          if (lookupKey === null || lookupKey === undefined || valueIsNull) {
            ctx.recordDropped(`Skipping record due to null join key or value. ${describeOrigin(ctx)}`);
            return;
          }
        }
        const row = lookupKey === null || lookupKey === undefined ? null : getter.get(lookupKey);
        const other = row === null ? null : row.value;
        if (!leftJoin && other === null) return;
        ctx.forward({ key: record.key, value: joiner(record.value, other, record.key), timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
