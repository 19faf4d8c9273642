/*
 * MeteredVersionedKeyValueStore<K, V>: the typed top of a versioned store stack — Kafka Streams'
 * MeteredVersionedKeyValueStore. Serdes turn keys and values into bytes for the layers below
 * (changelogging → segmented store → LevelDB or heap); each operation is counted through the
 * store context's metrics sink (get | put | delete, plus flush and restore from the runtime).
 * There is no caching layer: versioned stores are never cached (as in Kafka Streams).
 */
import type { Serde } from '../../serde/serde.ts';
import type { RestoreRecord } from '../bytes-store.ts';
import { MeteredStoreBase } from '../metered-store-base.ts';
import type { VersionedBytesStore } from './segmented-versioned-store.ts';
import type { VersionsRange } from './versioned-queries.ts';
import { checkVersionTimestamp, PUT_RETURN_CODE_NOT_PUT, type VersionedKeyValueStore, type VersionedRecord } from './versioned-record.ts';

export class MeteredVersionedKeyValueStore<K, V> extends MeteredStoreBase<VersionedBytesStore> implements VersionedKeyValueStore<K, V> {
  constructor(
    inner: VersionedBytesStore,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    loggingEnabled: boolean,
  ) {
    super(inner, loggingEnabled);
  }

  get historyRetentionMs(): number {
    return this.inner.historyRetentionMs;
  }

  get(key: K, asOfTimestamp?: number): VersionedRecord<V> | null {
    this.#requireKey(key);
    if (asOfTimestamp !== undefined) checkVersionTimestamp(this.name, 'get', asOfTimestamp);
    this.metrics.record(this.name, 'get');
    return this.#typed(this.inner.get(this.keySerde.serialize(this.topic, key), asOfTimestamp));
  }

  getVersions(key: K, range?: VersionsRange): Array<VersionedRecord<V>> {
    this.#requireKey(key);
    this.metrics.record(this.name, 'get');
    return this.inner.getVersions(this.keySerde.serialize(this.topic, key), range).map((r) => this.#typed(r)!);
  }

  put(key: K, value: V | null, timestamp: number): number {
    this.#requireKey(key);
    this.metrics.record(this.name, 'put');
    const bytes = value === null || value === undefined ? null : this.valueSerde.serialize(this.topic, value);
    const code = this.inner.put(this.keySerde.serialize(this.topic, key), bytes, timestamp);
    if (code !== PUT_RETURN_CODE_NOT_PUT) this.position?.update();
    return code;
  }

  delete(key: K, timestamp: number): VersionedRecord<V> | null {
    this.#requireKey(key);
    this.metrics.record(this.name, 'delete');
    const accepted = !this.inner.outOfGrace(timestamp);
    const old = this.#typed(this.inner.delete(this.keySerde.serialize(this.topic, key), timestamp));
    if (accepted) this.position?.update();
    return old;
  }

  /** Whether a put at `timestamp` would be rejected (older than the grace period). */
  outOfGrace(timestamp: number): boolean {
    return this.inner.outOfGrace(timestamp);
  }

  override async flush(): Promise<void> {
    this.metrics.record(this.name, 'flush');
    await this.inner.flush();
  }

  override async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    this.metrics.record(this.name, 'restore', records.length);
    await this.inner.restore(records);
  }

  #typed(r: VersionedRecord<Buffer> | null): VersionedRecord<V> | null {
    if (r === null) return null;
    const value = this.valueSerde.deserialize(this.topic, r.value);
    return r.validTo === undefined ? { value, timestamp: r.timestamp } : { value, timestamp: r.timestamp, validTo: r.validTo };
  }

  #requireKey(key: K): void {
    if (key === null || key === undefined) {
      throw new TypeError(`versioned store "${this.name}": keys must not be null or undefined; filter out null keys before the store`);
    }
  }
}
