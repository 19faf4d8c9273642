/*
 * The five processors of a KTable–KTable foreign-key join — Kafka Streams'
 * SubscriptionSendProcessorSupplier, SubscriptionReceiveProcessorSupplier,
 * SubscriptionJoinProcessorSupplier, ForeignTableJoinProcessorSupplier and
 * ResponseJoinProcessorSupplier. Data flow (left table L keyed by K, right table R keyed by KO):
 *
 *   L changes ─ send ─▶ [registration topic, key KO] ─▶ receive (subscription store) ─▶ join-foreign ┐
 *   R changes ─────────────────────────────────────────▶ foreign-join (prefix scan of the store) ───┤
 *                     ◀── [response topic, key K] ◀──────────────────────────────────────────────────┘
 *   response ─▶ resolver (hash check against L's current row) ─▶ result table
 *
 * Send (per L change new/old, fk = extractor(value)), with the hash of the NEW value:
 *   inner: old present: old fk null → drop; new present: new fk null → drop; fk changed →
 *          DELETE_KEY_NO_PROPAGATE to the old fk; then PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE to
 *          the new fk; new absent → DELETE_KEY_AND_PROPAGATE to the old fk.
 *          old absent, new present: new fk null → drop; else PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE.
 *   left:  old present: fk changed and old fk non-null → DELETE_KEY_AND_PROPAGATE to the old fk;
 *          then PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE to the new fk (null when new is absent).
 *          old absent, new present → PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE to the new fk.
 * Receive: records the subscription (or deletes it for the DELETE_* instructions) under
 *   (fk, pk); a null fk is only allowed for PROPAGATE_NULL… (left join) and is not stored.
 * Join-foreign: looks up R[fk] and answers per instruction (DELETE_KEY_AND_PROPAGATE → null;
 *   PROPAGATE_NULL… → the value or null; PROPAGATE_ONLY… → only if R has the row), at
 *   max(subscription ts, R row ts).
 * Foreign-join: an R change answers every subscriber of that fk with the new R value.
 * Resolver: drops a response whose hash differs from the hash of L's current value (a stale
 *   answer to an older version of the row; counted); else emits joiner(L, R) — or a tombstone
 *   when R is null and (inner join, or L is gone).
 *
 * Serdes see Kafka's pseudo-topic names (fk-join-topics.ts): keys in store keys "-fk"/"-pk", the
 * left value for its hash "-vh". Upgrading from Tributary 0.1: fk-join-upgrade.ts.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { ProcessorSupplier } from '../../processor/processor.ts';
import type { Serde } from '../../serde/serde.ts';
import { asInternal, describeOrigin } from '../../task/internal-context.ts';
import { OUT_OF_ORDER_SKIPPED, isOutOfOrder, type Change } from '../ops/change.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';
import {
  Instruction,
  combinedKeyBytes,
  combinedKeyPrefix,
  primaryKeyBytesOf,
  valueHash,
  type CombinedKey,
  type SubscriptionResponseWrapper,
  type SubscriptionWrapper,
} from './fk-join-wrappers.ts';
import type { TableValueGetterSupplier } from './value-getter.ts';
import { fkPseudoTopics, type FkPseudoTopics } from './fk-join-topics.ts';
import { responseHashMatches, SubscriptionStoreUpgrade, type SubscriptionStore } from './fk-join-upgrade.ts';

/** Serializes a left value for hashing (its serde, else a JSON rendering), under `topic`. */
export type ValueBytes<V> = (topic: string, value: V) => Buffer;

export function subscriptionSendSupplier<K, V, KO>(
  extractor: (value: V) => KO | null,
  foreignKeySerde: Serde<KO>,
  valueBytes: ValueBytes<V>,
  leftJoin: boolean,
  registrationTopic: string,
): ProcessorSupplier<K, Change<V>, KO | null, SubscriptionWrapper<K>> {
  return () => {
    let ctx: ReturnType<typeof asInternal<KO | null, SubscriptionWrapper<K>>>;
    let topics: FkPseudoTopics;
    const sameFk = (a: KO | null, b: KO | null) =>
      a === null || a === undefined || b === null || b === undefined ? a === b : foreignKeySerde.serialize(topics.foreignKey, a).equals(foreignKeySerde.serialize(topics.foreignKey, b));
    return {
      init(c) {
        ctx = asInternal(c);
        topics = fkPseudoTopics(c.applicationId, registrationTopic);
      },
      process(record) {
        if (isOutOfOrder(record.value)) {
          ctx.recordDropped(`${OUT_OF_ORDER_SKIPPED} ${describeOrigin(ctx)}`);
          return;
        }
        const { newValue, oldValue } = record.value;
        const hash = newValue === null ? null : valueHash(valueBytes(topics.valueHash, newValue));
        // The left row's partition (Kafka reads the record's; a row a cache flushes has none
        // here, but it is always the task's partition: the left table is this task's input).
        const partition = ctx.recordMetadata()?.partition ?? taskPartition(ctx.taskId);
        const send = (fk: KO | null, instruction: Instruction) =>
          ctx.forward({ key: fk, value: { hash, instruction, primaryKey: record.key, primaryPartition: partition }, timestamp: record.timestamp, headers: record.headers });
        const skip = () => ctx.recordDropped(`Skipping record due to null foreign key. ${describeOrigin(ctx)}`);
        const fkOf = (v: V) => {
          const fk = extractor(v);
          return fk === undefined ? null : fk;
        };
        if (leftJoin) {
          if (oldValue !== null) {
            const oldFk = fkOf(oldValue);
            const newFk = newValue === null ? null : fkOf(newValue);
            if (oldFk !== null && !sameFk(newFk, oldFk)) send(oldFk, Instruction.DELETE_KEY_AND_PROPAGATE);
            send(newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
          } else if (newValue !== null) {
            send(fkOf(newValue), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
          }
          return;
        }
        if (oldValue !== null) {
          const oldFk = fkOf(oldValue);
          if (oldFk === null) return skip();
          if (newValue !== null) {
            const newFk = fkOf(newValue);
            if (newFk === null) return skip();
            if (!sameFk(newFk, oldFk)) send(oldFk, Instruction.DELETE_KEY_NO_PROPAGATE);
            send(newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE);
          } else {
            send(oldFk, Instruction.DELETE_KEY_AND_PROPAGATE);
          }
        } else if (newValue !== null) {
          const newFk = fkOf(newValue);
          if (newFk === null) skip();
          else send(newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE);
        }
      },
    };
  };
}

/** The partition of a task id "<subtopology>_<partition>". */
function taskPartition(taskId: string): number {
  const p = Number(taskId.slice(taskId.lastIndexOf('_') + 1));
  return Number.isInteger(p) && p >= 0 ? p : -1;
}

export function subscriptionReceiveSupplier<K, KO>(
  storeName: string,
  foreignKeySerde: Serde<KO>,
  primaryKeySerde: Serde<K>,
  registrationTopic: string,
): ProcessorSupplier<KO | null, SubscriptionWrapper<K>, CombinedKey<KO, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>> {
  return () => {
    let ctx: ReturnType<typeof asInternal<CombinedKey<KO, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>>;
    let store: SubscriptionStore<K>;
    let topics: FkPseudoTopics;
    const upgrade = new SubscriptionStoreUpgrade<K>();
    return {
      init(c) {
        ctx = asInternal(c);
        store = c.getStateStore<SubscriptionStore<K>>(storeName);
        topics = fkPseudoTopics(c.applicationId, registrationTopic);
        upgrade.init(c, store, storeName);
      },
      process(record) {
        upgrade.beforeProcess(storeName);
        const w = record.value;
        const fk = record.key === undefined ? null : record.key;
        if (fk === null && w.instruction !== Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) {
          ctx.recordDropped(`Skipping record due to null foreign key. ${describeOrigin(ctx)}`);
          return;
        }
        const newValue = { value: withoutOrigin(w), timestamp: record.timestamp };
        let oldValue: ValueAndTimestamp<SubscriptionWrapper<K>> | null = null;
        if (fk !== null) {
          const key = combinedKeyBytes(foreignKeySerde.serialize(topics.foreignKey, fk), primaryKeySerde.serialize(topics.primaryKey, w.primaryKey));
          oldValue = store.get(key) ?? null;
          if (w.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || w.instruction === Instruction.DELETE_KEY_NO_PROPAGATE) store.delete(key);
          else store.put(key, newValue);
        }
        ctx.forward({ key: { foreignKey: fk, primaryKey: w.primaryKey }, value: { newValue, oldValue }, timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}

export function subscriptionJoinSupplier<K, KO, VO>(
  foreignGetter: TableValueGetterSupplier<KO, VO>,
): ProcessorSupplier<CombinedKey<KO, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>, K, SubscriptionResponseWrapper<VO>> {
  return () => {
    let ctx: ProcessorContext<K, SubscriptionResponseWrapper<VO>>;
    let getter: ReturnType<TableValueGetterSupplier<KO, VO>['create']>;
    return {
      init(c) {
        ctx = c;
        getter = foreignGetter.create(c as never);
      },
      process(record) {
        const sub = record.value.newValue;
        if (sub === null) throw new Error(`Foreign-key join "${ctx.nodeName}" received a subscription change without a new value; the subscription topic holds foreign data.`);
        const w = sub.value;
        const fk = record.key.foreignKey;
        const row = fk === null ? null : getter.get(fk);
        const timestamp = row === null ? sub.timestamp : Math.max(sub.timestamp, row.timestamp);
        const answer = (foreignValue: VO | null) =>
          ctx.forward({ key: record.key.primaryKey, value: { hash: w.hash, foreignValue, primaryPartition: w.primaryPartition }, timestamp, headers: record.headers });
        switch (w.instruction) {
          case Instruction.DELETE_KEY_AND_PROPAGATE:
            answer(null);
            break;
          case Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
            answer(row === null ? null : row.value);
            break;
          case Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
            if (row !== null) answer(row.value);
            break;
          case Instruction.DELETE_KEY_NO_PROPAGATE:
            break;
        }
      },
    };
  };
}

export function foreignTableJoinSupplier<K, KO, VO>(
  storeName: string,
  foreignKeySerde: Serde<KO>,
  primaryKeySerde: Serde<K>,
  registrationTopic: string,
): ProcessorSupplier<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
  const identity = { serialize: (_t: string, b: Buffer) => b };
  return () => {
    let ctx: ReturnType<typeof asInternal<K, SubscriptionResponseWrapper<VO>>>;
    let store: SubscriptionStore<K>;
    let topics: FkPseudoTopics;
    const upgrade = new SubscriptionStoreUpgrade<K>();
    return {
      init(c) {
        ctx = asInternal(c);
        store = c.getStateStore<SubscriptionStore<K>>(storeName);
        topics = fkPseudoTopics(c.applicationId, registrationTopic);
        upgrade.init(c, store, storeName);
      },
      process(record) {
        upgrade.beforeProcess(storeName);
        if (record.key === null || record.key === undefined) {
          ctx.recordDropped(`Skipping record due to null key. ${describeOrigin(ctx)}`);
          return;
        }
        if (isOutOfOrder(record.value)) {
          ctx.recordDropped(`${OUT_OF_ORDER_SKIPPED} ${describeOrigin(ctx)}`);
          return;
        }
        const prefix = combinedKeyPrefix(foreignKeySerde.serialize(topics.foreignKey, record.key));
        const it = store.prefixScan(prefix, identity);
        const answers: Array<{ key: K; value: SubscriptionResponseWrapper<VO> }> = [];
        try {
          for (const { key, value } of it) {
            answers.push({ key: primaryKeySerde.deserialize(topics.primaryKey, primaryKeyBytesOf(key)), value: { hash: value.value.hash, foreignValue: record.value.newValue, primaryPartition: value.value.primaryPartition } });
          }
        } finally {
          it.close();
        }
        for (const a of answers) ctx.forward({ key: a.key, value: a.value, timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}

export function responseJoinSupplier<K, V, VO, VR>(
  thisGetter: TableValueGetterSupplier<K, V>,
  valueBytes: ValueBytes<V>,
  joiner: (value: V | null, foreignValue: VO | null) => VR,
  leftJoin: boolean,
  registrationTopic: string,
): ProcessorSupplier<K, SubscriptionResponseWrapper<VO>, K, VR | null> {
  return () => {
    let ctx: ReturnType<typeof asInternal<K, VR | null>>;
    let getter: ReturnType<TableValueGetterSupplier<K, V>['create']>;
    let hashTopic: string;
    return {
      init(c) {
        ctx = asInternal(c);
        getter = thisGetter.create(c as never);
        hashTopic = fkPseudoTopics(c.applicationId, registrationTopic).valueHash;
      },
      process(record) {
        const current = getter.get(record.key);
        if (!responseHashMatches(record.value.hash, current === null ? null : valueBytes(hashTopic, current.value))) {
          ctx.recordDropped(`Dropping FK-join response due to hash mismatch (the left row changed since the subscription was sent). ${describeOrigin(ctx)}`);
          return;
        }
        const foreign = record.value.foreignValue;
        const result = foreign === null && (!leftJoin || current === null) ? null : joiner(current === null ? null : current.value, foreign);
        ctx.forward({ ...record, value: result });
      },
    };
  };
}

/** The wrapper without its read-side origin mark, as stored (the store writes the run's format). */
function withoutOrigin<K>(w: SubscriptionWrapper<K>): SubscriptionWrapper<K> {
  if (w.fromTributary01 !== true) return w;
  const { fromTributary01: _origin, ...rest } = w;
  return rest;
}
