/*
 * The stores of a KStream–KStream join — Kafka Streams' StreamJoinedStoreFactory and
 * OuterStreamJoinStoreFactory:
 *
 *  - one window store per side (H7's window store, `retainDuplicates`: every record is its own
 *    entry), keyed by the record key, window start = the record's timestamp; size = before +
 *    after, retention = size + grace. Its changelog uses cleanup.policy=delete (duplicates must
 *    not be compacted away), as Kafka does.
 *  - for left/outer joins, one SHARED "outer" store holding records that have not joined yet,
 *    emitted as (value, null) when their window closes. It is a key-value store with list
 *    values (Kafka's ListValueStore): several records may share (timestamp, side, key).
 *
 * Outer store byte layout (keys sort by timestamp, then side, then key — the order the join
 * relies on to stop scanning early; same as Kafka's TimestampedKeyAndJoinSide):
 *   key   = int64 BE timestamp | 1 byte side (1 = left, 0 = right) | key bytes
 *   value = repeated { int32 BE length N | N bytes: 1 byte side (1 = left) | value bytes }
 * put(k, null) deletes every value under k; put(k, v) appends v.
 */
import type { Serde } from '../../serde/serde.ts';
import { Serdes } from '../../serde/serdes.ts';
import { DelegatingRuntimeStore } from '../../state/delegating-state-store.ts';
import type { StateStore } from '../../state/store-types.ts';
import { Stores, type KeyValueStoreBuilder } from '../../state/stores.ts';
import type { MeteredKeyValueStore } from '../../state/metered-key-value-store.ts';
import { WindowStores, type WindowBytesStoreSupplier } from '../../state/window/window-stores.ts';
import type { StoreBuildOptions, StoreFactory } from '../../topology/node-specs.ts';
import type { JoinWindows } from './join-windows.ts';
import { dslStoreSuppliersOf, type DslStoreChoice } from '../../state/dsl-store-suppliers.ts';
import { readInt64BE, writeInt64BE } from '../../../util/int64.ts';

export type StoreTypeChoice = DslStoreChoice | undefined;

export interface JoinStoreSettings {
  readonly storeType: StoreTypeChoice;
  readonly loggingEnabled: boolean;
  readonly topicConfig: Readonly<Record<string, string>>;
}

function need<T>(serde: Serde<T> | undefined, fallback: Serde<unknown> | undefined, store: string, what: string): Serde<T> {
  const s = serde ?? (fallback as Serde<T> | undefined);
  if (s === undefined) {
    throw new Error(`Join store "${store}" has no ${what} serde: pass StreamJoined.with(keySerde, valueSerde, otherValueSerde), or set serdes upstream (Consumed), or configure defaultKeySerde/defaultValueSerde.`);
  }
  return s;
}

/**
 * The window size and retention of a join side's store: size = before + after, retention =
 * size + grace. The window store wants a positive size; a 0-wide join window (equal timestamps
 * only) does not depend on it — joins fetch by explicit time ranges — so it is stored as 1 ms.
 */
export function joinStoreShape(windows: JoinWindows): { windowSizeMs: number; retentionMs: number } {
  const size = windows.size();
  const windowSizeMs = Math.max(1, size);
  return { windowSizeMs, retentionMs: Math.max(size + windows.gracePeriodMs(), windowSizeMs) };
}

/**
 * Kafka's KStreamImplJoin.assertWindowSettings: a user's supplier (StreamJoined
 * withThisStoreSupplier / withOtherStoreSupplier) must retain duplicates and have the join's
 * window size and retention (joinStoreShape), else the join could miss or keep records.
 */
export function checkJoinStoreSupplier(supplier: WindowBytesStoreSupplier, windows: JoinWindows, side: 'this' | 'other'): WindowBytesStoreSupplier {
  const where = `StreamJoined.with${side === 'this' ? 'This' : 'Other'}StoreSupplier("${supplier.name}")`;
  if (!supplier.retainDuplicates) throw new Error(`${where}: the store supplier must set retainDuplicates=true (a join window holds every record), found retainDuplicates=false`);
  const want = joinStoreShape(windows);
  if (supplier.windowSizeMs !== want.windowSizeMs || supplier.retentionMs !== want.retentionMs) {
    throw new Error(
      `${where}: window settings mismatch: the supplier has windowSizeMs=${supplier.windowSizeMs}, retentionMs=${supplier.retentionMs}; ${windows.toString()} needs windowSizeMs=${want.windowSizeMs} (before + after) and retentionMs=${want.retentionMs} (size + grace)`,
    );
  }
  return supplier;
}

/** Window store of one side: (key, timestamp) → value, duplicates retained. */
export class JoinWindowStoreFactory implements StoreFactory {
  readonly name: string;
  constructor(
    name: string,
    private readonly windows: JoinWindows,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly settings: JoinStoreSettings,
    /** A user's supplier (validated by checkJoinStoreSupplier); it names the store. */
    private readonly supplier?: WindowBytesStoreSupplier,
  ) {
    this.name = supplier?.name ?? name;
  }

  get loggingEnabled(): boolean {
    return this.settings.loggingEnabled;
  }

  /** Changelog topic configs: delete (never compact duplicates), kept for retention + 1 day. */
  logConfig(): Record<string, string> {
    const retention = this.windows.size() + this.windows.gracePeriodMs() + 24 * 3600_000;
    return { 'retention.ms': String(retention), ...this.settings.topicConfig, 'cleanup.policy': 'delete' };
  }

  build(options?: StoreBuildOptions): StateStore {
    const suppliers = dslStoreSuppliersOf(this.settings.storeType ?? options?.defaultStoreType ?? 'memory');
    const supplier = this.supplier ?? suppliers.windowStore({ name: this.name, ...joinStoreShape(this.windows), retainDuplicates: true, isTimestamped: false });
    const builder = WindowStores.windowStoreBuilder(
      supplier,
      need(this.keySerde, options?.defaultKeySerde, this.name, 'key'),
      need(this.valueSerde, options?.defaultValueSerde, this.name, 'value'),
    );
    if (this.settings.loggingEnabled) builder.withLoggingEnabled({ ...this.settings.topicConfig, 'cleanup.policy': 'delete' });
    else builder.withLoggingDisabled();
    return builder.build();
  }
}

export interface LeftOrRight<V1, V2> {
  readonly isLeft: boolean;
  readonly left: V1 | null;
  readonly right: V2 | null;
}

/** One entry of the outer store as the join iterates it. */
export interface OuterEntry<K, V1, V2> {
  readonly timestamp: number;
  readonly isLeft: boolean;
  readonly key: K;
  /** The raw store key, to delete the entry. */
  readonly storeKey: Buffer;
  readonly value: LeftOrRight<V1, V2>;
}

/** Typed list-value view over a bytes key-value store (layout in the file comment). */
export class OuterJoinStore<K, V1, V2> extends DelegatingRuntimeStore<MeteredKeyValueStore<Buffer, Buffer>> {
  constructor(
    inner: MeteredKeyValueStore<Buffer, Buffer>,
    private readonly keySerde: Serde<K>,
    private readonly leftSerde: Serde<V1>,
    private readonly rightSerde: Serde<V2>,
  ) {
    super(inner);
  }

  // The lifecycle and the runtime's commit/restore hooks pass through to the key-value stack.

  /** The last primitive key serialized by storeKey and its bytes (a record's matches share its key). */
  #lastKey: unknown;
  #lastKeyBytes: Buffer | undefined;

  /**
   * Built for every match of a left/outer join (deleteIfPresent): no BigInt, and the record key
   * is serialized once for all its matches — only for primitive keys, whose bytes cannot change
   * while they stay equal (an object key could be mutated between two calls).
   */
  storeKey(timestamp: number, isLeft: boolean, key: K): Buffer {
    let k = this.#lastKeyBytes;
    if (k === undefined || key !== this.#lastKey || typeof key === 'object' || typeof key === 'function') {
      k = this.keySerde.serialize(this.name, key);
      this.#lastKey = key;
      this.#lastKeyBytes = k;
    }
    const out = Buffer.allocUnsafe(9 + k.length);
    writeInt64BE(out, 0, timestamp);
    out[8] = isLeft ? 1 : 0;
    out.set(k, 9);
    return out;
  }

  /** Appends a not-yet-joined record. */
  append(timestamp: number, isLeft: boolean, key: K, value: V1 | V2): void {
    const storeKey = this.storeKey(timestamp, isLeft, key);
    const v = isLeft ? this.leftSerde.serialize(this.name, value as V1) : this.rightSerde.serialize(this.name, value as V2);
    const item = Buffer.allocUnsafe(5 + v.length);
    item.writeInt32BE(1 + v.length, 0);
    item.writeUInt8(isLeft ? 1 : 0, 4);
    v.copy(item, 5);
    const existing = this.inner.get(storeKey);
    this.inner.put(storeKey, existing === undefined || existing === null ? item : Buffer.concat([existing, item]));
  }

  /** Deletes every record under (timestamp, side, key) if there is any (Kafka's putIfAbsent(k, null)). */
  deleteIfPresent(timestamp: number, isLeft: boolean, key: K): void {
    const storeKey = this.storeKey(timestamp, isLeft, key);
    const existing = this.inner.get(storeKey);
    if (existing !== undefined && existing !== null) this.inner.put(storeKey, null);
  }

  deleteStoreKey(storeKey: Buffer): void {
    this.inner.put(storeKey, null);
  }

  /** Every record, by (timestamp, side, key), list values in insertion order. */
  *entries(): Generator<OuterEntry<K, V1, V2>> {
    const it = this.inner.all();
    try {
      for (const { key: storeKey, value } of it) {
        const timestamp = readInt64BE(storeKey, 0);
        const isLeft = storeKey[8] === 1;
        const key = this.keySerde.deserialize(this.name, storeKey.subarray(9));
        let pos = 0;
        while (pos < value.length) {
          const n = value.readInt32BE(pos);
          const side = value.readUInt8(pos + 4) === 1;
          const bytes = value.subarray(pos + 5, pos + 4 + n);
          pos += 4 + n;
          const lr: LeftOrRight<V1, V2> = side
            ? { isLeft: true, left: this.leftSerde.deserialize(this.name, bytes), right: null }
            : { isLeft: false, left: null, right: this.rightSerde.deserialize(this.name, bytes) };
          yield { timestamp, isLeft, key, storeKey, value: lr };
        }
      }
    } finally {
      it.close();
    }
  }
}

/** The shared outer-join store of a left/outer stream-stream join. */
export class OuterJoinStoreFactory implements StoreFactory {
  constructor(
    readonly name: string,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly leftSerde: Serde<unknown> | undefined,
    private readonly rightSerde: Serde<unknown> | undefined,
    private readonly settings: JoinStoreSettings,
  ) {}

  get loggingEnabled(): boolean {
    return this.settings.loggingEnabled;
  }

  /** Changelog topic configs: compacted, as key-value changelogs are. */
  logConfig(): Record<string, string> {
    return { 'cleanup.policy': 'compact', ...this.settings.topicConfig };
  }

  build(options?: StoreBuildOptions): StateStore {
    const supplier = dslStoreSuppliersOf(this.settings.storeType ?? options?.defaultStoreType ?? 'memory').keyValueStore({ name: this.name, isTimestamped: false });
    const builder: KeyValueStoreBuilder<Buffer, Buffer> = Stores.keyValueStoreBuilder(supplier, Serdes.bytes(), Serdes.bytes());
    if (this.settings.loggingEnabled) builder.withLoggingEnabled({ ...this.settings.topicConfig });
    else builder.withLoggingDisabled();
    return new OuterJoinStore(
      builder.build(),
      need(this.keySerde, options?.defaultKeySerde, this.name, 'key'),
      need(this.leftSerde, options?.defaultValueSerde, this.name, 'value'),
      need(this.rightSerde, options?.defaultValueSerde, this.name, 'other value'),
    );
  }
}
