/*
 * Table value getters: how a join reads the CURRENT row of a KTable by key — Kafka Streams'
 * KTableValueGetterSupplier / KTableValueGetter ("view" of a table).
 *
 * Why: a join processor on one side must look up the other side's row when a record arrives.
 * A materialized table answers from its store; a table that is only a stateless view of
 * another (filter, mapValues) answers by asking its parent's getter and applying its own
 * function on the fly; a KTable-KTable join result answers by joining its two parents' getters.
 * So every KTable can be read, and only the root stores need to exist.
 *
 * Invariants:
 *  - A getter supplier is created at DSL time; `storeNames()` is read at BUILD time (the join
 *    node connects those stores to its processor, which also puts both sides in one
 *    sub-topology) and `create(context)` runs in the processor's init, once per task.
 *  - A getter returns ValueAndTimestamp, or null when the row is absent (or filtered out).
 *    The timestamp is the timestamp of the update that produced the row.
 *  - Versioned tables (a source table on a versioned store, and stateless views of one) also
 *    answer `getAsOf(key, t)`: the row as it was at time t (Kafka's KTableValueGetter.get(key,
 *    asOfTimestamp)); their supplier reports the store's history retention, which the DSL checks
 *    against a stream–table join's grace period.
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import { asVersionedTable } from '../../state/versioned/versioned-table-store.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

export interface TableValueGetter<K, V> {
  get(key: K): ValueAndTimestamp<V> | null;
  /** Versioned tables only: the row valid at `asOfTimestamp`. */
  getAsOf?(key: K, asOfTimestamp: number): ValueAndTimestamp<V> | null;
}

export interface TableValueGetterSupplier<K, V> {
  /** Stores the getter reads; the reading processor must be connected to them. */
  storeNames(): string[];
  /** Called in the reading processor's init(): binds the getter to that task's stores. */
  create(context: ProcessorContext<unknown, unknown>): TableValueGetter<K, V>;
  /** The history retention of the versioned store behind this table; undefined when not versioned. */
  historyRetentionMs?(): number | undefined;
}

/** Reads a timestamped table store (what DSL table stores hold) by name; a versioned one also as of a time. */
export function storeValueGetter<K, V>(storeName: string, historyRetentionMs?: number): TableValueGetterSupplier<K, V> {
  return {
    storeNames: () => [storeName],
    historyRetentionMs: () => historyRetentionMs,
    create(context) {
      const store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(storeName);
      const get = (key: K) => {
        const vt = store.get(key);
        return vt === undefined || vt === null ? null : vt;
      };
      const versioned = asVersionedTable<K, V>(store);
      if (versioned === undefined) return { get };
      return { get, getAsOf: (key, t) => versioned.getAsOf(key, t) ?? null };
    },
  };
}

/**
 * A getter that applies a stateless table operator on top of its parent's getter (filter →
 * null when the row fails; mapValues → mapped value, same timestamp).
 */
export function derivedValueGetter<K, V, VR>(
  parent: TableValueGetterSupplier<K, V>,
  apply: (key: K, row: ValueAndTimestamp<V> | null) => ValueAndTimestamp<VR> | null,
): TableValueGetterSupplier<K, VR> {
  return {
    storeNames: () => parent.storeNames(),
    historyRetentionMs: () => parent.historyRetentionMs?.(),
    create(context) {
      const inner = parent.create(context);
      const getAsOf = inner.getAsOf;
      if (getAsOf === undefined) return { get: (key) => apply(key, inner.get(key)) };
      return { get: (key) => apply(key, inner.get(key)), getAsOf: (key, t) => apply(key, getAsOf.call(inner, key, t)) };
    },
  };
}

/** The union of two getters' store names, without duplicates, in first-seen order. */
export function unionStoreNames(a: TableValueGetterSupplier<unknown, unknown>, b: TableValueGetterSupplier<unknown, unknown>): string[] {
  return [...new Set([...a.storeNames(), ...b.storeNames()])];
}

/** The getter of a table, or a clear error for tables that cannot be looked up (e.g. windowed). */
export function requireValueGetter<K, V>(
  origin: { valueGetter?: () => TableValueGetterSupplier<unknown, unknown> },
  what: string,
): TableValueGetterSupplier<K, V> {
  if (origin.valueGetter === undefined) {
    throw new Error(`${what}: this KTable cannot be looked up by key (it has no value getter, e.g. a windowed table, or a suppressed one over such a table); materialize it first with toStream().toTable(...) to join it.`);
  }
  return origin.valueGetter() as TableValueGetterSupplier<K, V>;
}
