/*
 * KStream–KTable and KStream–GlobalKTable joins — Kafka Streams' KStreamKTableJoinProcessor
 * (used by KStreamKTableJoin and KStreamGlobalKTableJoin). A stream record looks up the table's
 * row; table updates never trigger output (the table side is a lookup, not a stream).
 *
 * Per stream record (key K, value V), with lookupKey = keyMapper(K, V) (the key itself for a
 * KTable, the user's key selector for a GlobalKTable):
 *   1. a LEFT join of a null-key record with a non-null value is joined with null (Kafka 3.7+,
 *      KIP-962) — a key selector may still find a row for it;
 *   2. otherwise a null lookup key or a null value is dropped, logged and counted;
 *   3. row = lookupKey null ? null : table[lookupKey] — on a versioned table the row as of the
 *      record's timestamp (KIP-914), else the current row; inner: forward joiner(V, row, K) when
 *      a row exists; left: always forward joiner(V, row ?? null, K).
 * The output keeps the stream record's key, timestamp and headers (no max with the table row:
 * Kafka uses the stream record's time for stream-table joins).
 *
 * With a grace period (Joined.withGracePeriod, KIP-923; versioned tables only), step 3 waits:
 * a record that passed 1–2 goes into the join's buffer (stream-table-join-buffer.ts) and is
 * joined when stream time has passed its timestamp by the grace period, oldest first; a record
 * already older than that is joined at once. A null-key record of a left join is never buffered
 * (the buffer is keyed by it; Kafka would fail on it) and is joined at once.
 */
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { StreamRecord } from '../../processor/record.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import type { StreamTableJoinBuffer } from './stream-table-join-buffer.ts';
import type { TableValueGetter, TableValueGetterSupplier } from './value-getter.ts';

/** The joiner of a stream join: both values, then the record's key (ignore it if unneeded). */
export type StreamValueJoiner<K, V, VO, VR> = (value: V, otherValue: VO, key: K) => VR;

/** Kafka's message when a grace period is asked of a table that is not versioned. */
export const GRACE_NEEDS_VERSIONED = 'KTable must be versioned to use a grace period in a stream table join.';

export function streamTableJoinSupplier<K, V, KT, VT, VR>(
  getterSupplier: TableValueGetterSupplier<KT, VT>,
  keyMapper: (key: K, value: V) => KT | null,
  joiner: StreamValueJoiner<K, V, VT | null, VR>,
  leftJoin: boolean,
  bufferStoreName?: string,
): ProcessorSupplier<K, V, K, VR> {
  return () => {
    let ctx: ReturnType<typeof asInternal<K, VR>>;
    let getter: TableValueGetter<KT, VT>;
    let buffer: StreamTableJoinBuffer<K, V> | undefined;
    const doJoin = (record: StreamRecord<K, V>): void => {
      const lookupKey = keyMapper(record.key, record.value);
      let row = null;
      if (lookupKey !== null && lookupKey !== undefined) row = getter.getAsOf !== undefined ? getter.getAsOf(lookupKey, record.timestamp) : getter.get(lookupKey);
      const other = row === null ? null : row.value;
      if (!leftJoin && other === null) return;
      ctx.forward({ key: record.key, value: joiner(record.value, other, record.key), timestamp: record.timestamp, headers: record.headers });
    };
    return {
      init(context) {
        ctx = asInternal(context);
        getter = getterSupplier.create(context as never);
        if (bufferStoreName !== undefined) {
          if (getter.getAsOf === undefined) throw new Error(GRACE_NEEDS_VERSIONED);
          buffer = context.getStateStore<StreamTableJoinBuffer<K, V>>(bufferStoreName);
        }
      },
      process(record) {
        const keyIsNull = record.key === null || record.key === undefined;
        const valueIsNull = record.value === null || record.value === undefined;
        if (!(leftJoin && keyIsNull && !valueIsNull)) {
          const lookupKey = valueIsNull ? null : keyMapper(record.key, record.value);
          if (lookupKey === null || lookupKey === undefined || valueIsNull) {
            ctx.recordDropped(`Skipping record due to null join key or value. ${describeOrigin(ctx)}`);
            return;
          }
        }
        if (buffer === undefined || keyIsNull || !buffer.put(record, ctx.recordMetadata())) {
          doJoin(record);
          return;
        }
        buffer.evictWhile(() => true, doJoin);
      },
    };
  };
}
