/*
 * Change<V>: how a table update travels between table operators — the row's new value and,
 * when the downstream operator asked for it (sendOldValues), its previous value, as Kafka
 * Streams' Change. null means "no row" (a delete as newValue; "was absent" as oldValue).
 *
 * isLatest (KIP-914): false marks an out-of-order update of a versioned table — a version older
 * than the key's latest, which went into the store's history and left the current row as it was.
 * Operators pass the flag on; joins (stream–table excepted), foreign-key joins and groupBy drop
 * such updates (`isOutOfOrder`). Absent means true. It does not cross a repartition topic: the
 * only repartitioning table operator (groupBy) drops out-of-order updates before it.
 *
 * A KTable groupBy sends Changes through a repartition topic, so they need bytes. Layout of
 * `changeSerde(inner)` (big-endian):
 *   byte 0       flags: bit0 = newValue present, bit1 = oldValue present
 *   bytes 1..4   int32 length N of the new value bytes (0 when absent)
 *   next N       new value bytes (inner serde)
 *   rest         old value bytes (inner serde), when present
 */
import type { Serde } from '../../serde/serde.ts';
import type { DefaultWrappingSerde } from '../../topology/node-specs.ts';

export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
  /** false for an out-of-order update of a versioned table (file comment); absent = true. */
  readonly isLatest?: boolean;
}

export function change<V>(newValue: V | null, oldValue: V | null): Change<V> {
  return { newValue, oldValue };
}

/** A Change computed from `from`, keeping its isLatest flag. */
export function derivedChange<V>(from: Change<unknown>, newValue: V | null, oldValue: V | null): Change<V> {
  return from.isLatest === false ? { newValue, oldValue, isLatest: false } : { newValue, oldValue };
}

/** Logged when a join or groupBy drops an out-of-order versioned update (Kafka's wording). */
export const OUT_OF_ORDER_SKIPPED = 'Skipping out-of-order record from versioned table while performing table-table join.';

/** True for an out-of-order update of a versioned table, which joins and groupBy ignore. */
export function isOutOfOrder(c: Change<unknown>): boolean {
  return c.isLatest === false;
}

class ChangeSerde<V> implements Serde<Change<V>> {
  readonly name: string;
  constructor(private readonly inner: Serde<V>) {
    this.name = `Change<${inner.name}>`;
  }

  serialize(topic: string, data: Change<V>): Buffer {
    const n = data.newValue === null ? Buffer.alloc(0) : this.inner.serialize(topic, data.newValue);
    const o = data.oldValue === null ? Buffer.alloc(0) : this.inner.serialize(topic, data.oldValue);
    const head = Buffer.alloc(5);
    head.writeUInt8((data.newValue !== null ? 1 : 0) | (data.oldValue !== null ? 2 : 0), 0);
    head.writeInt32BE(n.length, 1);
    return Buffer.concat([head, n, o]);
  }

  deserialize(topic: string, data: Buffer): Change<V> {
    if (data.length < 5) throw new Error(`Change record on topic "${topic}" is ${data.length} bytes; it needs at least 5 (flags + length).`);
    const flags = data.readUInt8(0);
    const n = data.readInt32BE(1);
    if (n < 0 || 5 + n > data.length) throw new Error(`Change record on topic "${topic}" says its new value has ${n} bytes but only ${data.length - 5} follow.`);
    const newValue = flags & 1 ? this.inner.deserialize(topic, data.subarray(5, 5 + n)) : null;
    const oldValue = flags & 2 ? this.inner.deserialize(topic, data.subarray(5 + n)) : null;
    return { newValue, oldValue };
  }
}

/** The Change serde over `inner`, or one that wraps the default value serde at run time. */
export function changeSerde<V>(inner: Serde<V> | undefined): Serde<Change<V>> | DefaultWrappingSerde {
  if (inner !== undefined) return new ChangeSerde(inner);
  return {
    wrapsDefault: true,
    resolveDefault(defaultSerde) {
      if (defaultSerde === undefined) {
        throw new Error('A KTable groupBy repartition has no value serde: pass Grouped.with(keySerde, valueSerde) or configure defaultValueSerde.');
      }
      return new ChangeSerde(defaultSerde) as Serde<unknown>;
    },
  };
}
