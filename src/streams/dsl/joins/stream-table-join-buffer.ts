/*
 * The grace-period buffer of a stream–table join on a versioned table — Kafka Streams'
 * RocksDBTimeOrderedKeyValueBuffer as KStreamKTableJoin uses it (KIP-923): a time-ordered store
 * in LevelDB (the heap only when the store type is 'memory'), backed by the changelog
 * "<applicationId>-<joinName>-Buffer-changelog" in Kafka's record layout
 * (stream-table-join-buffer-codec.ts), so its size is bounded by disk, not memory, and a Java
 * application's buffer changelog restores here.
 *
 * Stream records wait here until stream time has passed their timestamp by the grace period, so
 * the table has seen the updates up to their time; then they are joined, oldest first, with the
 * table as of their timestamp. Invariants:
 *  - observed time = the largest timestamp ever put (or restored); put() refuses (returns false)
 *    a record older than observed − grace, or with a negative timestamp, which the join then
 *    handles at once, as Kafka does.
 *  - An entry's row key is Kafka's time-first key (0x00 ‖ timestamp ‖ key bytes ‖ sequence), so
 *    the backing store's own key order is the eviction order: timestamp, then key bytes, then
 *    arrival. evictWhile() walks the rows from the first and takes every entry with timestamp ≤
 *    observed − grace. Nothing else indexes the entries.
 *  - The row value is exactly the changelog value, so commit logs the stored bytes and restore
 *    stores the logged ones.
 * Backing store rows (one bytes store per task, written in its one batch at commit step 5 with
 * the changelog offset, so a reopened store knows how far it is restored):
 *   0x00 ‖ i64 ts ‖ key ‖ i32 seq  → entry (the changelog value)
 *   0x01 ‖ "buffer-state"         → i64 observed time ‖ i32 last sequence number ‖ u8 layout
 *                                   (1 = rows in Kafka's layout) ‖ i32 entry count
 *   0x02 ‖ earlier changelog key  → empty: an entry restored from Tributary's earlier layout whose
 *                                   old changelog record still needs its tombstone
 * Changelog (commit steps 1–2): each entry put or evicted since the last flush, as the entry or a
 * tombstone. restore() applies it to the backing store, so records waiting at a crash are joined
 * after the restart (at-least-once, as every commit).
 *
 * Upgrading from Tributary's earlier layout (key = ts ‖ key ‖ seq, value = headers ‖ value): its
 * store rows already had Kafka's keys and are rewritten in place at init; its changelog records
 * restore under the Kafka key 0x00 ‖ old key, with a 0x02 marker. At the next commit each such
 * entry's old key gets a tombstone, sent BEFORE the entry is logged under its new key, so a later
 * restore that meets old record, old tombstone, new record (in that order) ends with the entry.
 */
import type { RecordMetadata } from '../../processor/processor-context.ts';
import type { StreamRecord } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import type { BytesKeyValueStore, RestoreRecord } from '../../state/bytes-store.ts';
import { HeapChangelog } from '../../state/heap-changelog.ts';
import { InMemoryKeyValueStore } from '../../state/in-memory-key-value-store.ts';
import { dslStoreSuppliersOf } from '../../state/dsl-store-suppliers.ts';
import type { StateStore, StoreContext } from '../../state/store-types.ts';
import type { StoreBuildOptions, StoreFactory } from '../../topology/node-specs.ts';
import {
  bufferKey,
  decodeChangelogRecord,
  decodeKafkaEntry,
  decodeLegacyEntry,
  encodeBufferEntry,
  isBufferKey,
  keyBytesOf,
  keySequence,
  keyTimestamp,
  TIME_FIRST_PREFIX,
  type BufferEntry,
} from './stream-table-join-buffer-codec.ts';

const ENTRY_PREFIX = Buffer.from([TIME_FIRST_PREFIX]);
const STATE_KEY = Buffer.concat([Buffer.from([0x01]), Buffer.from('buffer-state')]);
const MARKER_PREFIX = Buffer.from([0x02]);
const EMPTY = Buffer.alloc(0);
const KAFKA_LAYOUT = 1;
const STATE_LENGTH = 17;
const marker = (legacyKey: Buffer): Buffer => Buffer.concat([MARKER_PREFIX, legacyKey]);

export class StreamTableJoinBuffer<K, V> implements StateStore {
  readonly #log: HeapChangelog;
  readonly #backing: BytesKeyValueStore;
  /** Earlier-layout changelog keys whose tombstone the next flushCache() sends. */
  readonly #legacy: Buffer[] = [];
  #observed = -1;
  #seq = 0;
  #count = 0;

  /**
   * `serdeTopic`: the topic name the serdes see — Kafka passes the join processor's name
   * (`<joinName>`, the store name without "-Buffer").
   */
  constructor(
    readonly name: string,
    readonly graceMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    loggingEnabled: boolean,
    backing?: BytesKeyValueStore,
    private readonly serdeTopic: string = name.replace(/-Buffer$/, ''),
  ) {
    this.#log = new HeapChangelog(name, loggingEnabled);
    this.#backing = backing ?? new InMemoryKeyValueStore(name);
  }

  get persistent(): boolean {
    return this.#backing.persistent;
  }

  async init(context: StoreContext): Promise<void> {
    this.#log.init(context);
    await this.#backing.init({ ...context, changelogTopic: undefined });
    const state = this.#backing.get(STATE_KEY);
    if (state !== undefined && state.length >= 12) {
      this.#observed = Number(state.readBigInt64BE(0));
      this.#seq = state.readInt32BE(8);
    }
    if (state !== undefined && state.length >= STATE_LENGTH && state[12] === KAFKA_LAYOUT) this.#count = state.readInt32BE(13);
    else if (state !== undefined) this.#convertLegacyRows();
    const it = this.#backing.prefixScanBytes(MARKER_PREFIX);
    try {
      for (const { key } of it) this.#legacy.push(Buffer.from(key.subarray(1)));
    } finally {
      it.close();
    }
    this.#saveState();
  }

  isOpen(): boolean {
    return this.#backing.isOpen();
  }

  numRecords(): number {
    return this.#count;
  }

  /**
   * Buffers the record; false (nothing buffered) when it is older than observed time − grace.
   * `source` is where the record came from (logged in its record context, as Kafka does).
   */
  put(record: StreamRecord<K, V>, source?: RecordMetadata): boolean {
    if (record.timestamp < 0 || this.#observed - this.graceMs > record.timestamp) return false;
    this.#seq = (this.#seq + 1) & 0x7fffffff; // Kafka's maybeUpdateSeqnumForDups: before use
    const key = bufferKey(this.keySerde.serialize(this.serdeTopic, record.key), record.timestamp, this.#seq);
    const context = { timestamp: record.timestamp, offset: source?.offset ?? -1, topic: source?.topic, partition: source?.partition ?? -1, headers: record.headers };
    this.#putRow(key, encodeBufferEntry({ context, value: this.valueSerde.serialize(this.serdeTopic, record.value) }));
    this.#observed = Math.max(this.#observed, record.timestamp);
    this.#saveState();
    return true;
  }

  /** Emits (and removes) every entry whose timestamp ≤ observed time − grace, oldest first. */
  evictWhile(predicate: () => boolean, emit: (record: StreamRecord<K, V>) => void): void {
    const horizon = this.#observed - this.graceMs;
    if (this.#count === 0 || !predicate()) return;
    const it = this.#backing.prefixScanBytes(ENTRY_PREFIX);
    try {
      for (const { key, value } of it) {
        if (keyTimestamp(key) > horizon) break;
        const entry = decodeKafkaEntry(value);
        if (entry === undefined) throw new Error(`join buffer "${this.name}": the stored entry at ${keyTimestamp(key)} is not in Kafka's layout; the store is corrupt — delete its state directory to restore it from the changelog`);
        this.#deleteRow(key);
        emit({ key: this.keySerde.deserialize(this.serdeTopic, keyBytesOf(key)), value: this.valueSerde.deserialize(this.serdeTopic, entry.value), timestamp: entry.context.timestamp, headers: entry.context.headers });
        if (!predicate()) break;
      }
    } finally {
      it.close();
    }
    this.#saveState();
  }

  /** Commit steps 1–2: old-layout tombstones first, then each entry put or evicted since the last flush. */
  flushCache(): void {
    for (const legacyKey of this.#legacy) {
      this.#log.sendTombstone(legacyKey);
      this.#backing.delete(marker(legacyKey));
    }
    this.#legacy.length = 0;
    this.#log.flush((id) => {
      const key = Buffer.from(id, 'latin1');
      const raw = this.#backing.get(key);
      return raw === undefined ? undefined : { value: raw, timestamp: keyTimestamp(key) };
    });
    this.#backing.flushCache();
  }

  async flush(): Promise<void> {
    this.flushCache();
    await this.#backing.commit();
  }

  /** Commit step 5: the backing store writes the sealed rows with the changelog offset. */
  commit(changelogOffset?: number): Promise<void> {
    return this.#backing.commit(changelogOffset);
  }

  committedChangelogOffset(): number | undefined {
    return this.#backing.committedChangelogOffset();
  }

  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const last = records.at(-1);
    if (last === undefined) return;
    for (const r of records) {
      if (r.value === null) {
        this.#restoreTombstone(r.key);
        continue;
      }
      const d = decodeChangelogRecord(this.name, `changelog record at offset ${r.offset}`, r.key, r.value);
      if (d.layout === 'kafka') {
        this.#putRow(Buffer.from(d.key), Buffer.from(r.value), false);
      } else {
        this.#putRow(d.key, encodeBufferEntry(d.entry)); // logged under its Kafka key at the next commit
        this.#backing.put(marker(d.legacyKey), EMPTY);
        this.#legacy.push(d.legacyKey);
      }
      this.#observed = Math.max(this.#observed, keyTimestamp(d.key));
      this.#seq = Math.max(this.#seq, keySequence(d.key));
    }
    this.#saveState();
    this.#backing.flushCache();
    await this.#backing.commit(last.offset + 1);
  }

  async close(): Promise<void> {
    this.#log.clear();
    this.#legacy.length = 0;
    this.#observed = -1;
    this.#seq = 0;
    this.#count = 0;
    await this.#backing.close();
  }

  /** A tombstone's key is an earlier-layout key when its marker says so, else a Kafka key. */
  #restoreTombstone(key: Buffer): void {
    const m = marker(key);
    let row: Buffer | undefined;
    if (this.#backing.get(m) !== undefined) {
      this.#backing.delete(m);
      const i = this.#legacy.findIndex((k) => k.equals(key));
      if (i >= 0) this.#legacy.splice(i, 1);
      row = Buffer.concat([ENTRY_PREFIX, key]);
    } else if (isBufferKey(key)) {
      row = key;
    }
    if (row === undefined) return;
    this.#observed = Math.max(this.#observed, keyTimestamp(row));
    if (this.#backing.get(row) !== undefined) {
      this.#backing.delete(row);
      this.#count--;
    }
  }

  #putRow(key: Buffer, value: Buffer, log = true): void {
    if (this.#backing.get(key) === undefined) this.#count++;
    this.#backing.put(key, value);
    if (log) this.#log.touch(key.toString('latin1'), key);
  }

  #deleteRow(key: Buffer): void {
    this.#backing.delete(key);
    this.#count--;
    this.#log.touch(key.toString('latin1'), key);
  }

  /** A store written by an earlier Tributary: rewrite its rows' values in Kafka's layout (their keys already are). */
  #convertLegacyRows(): void {
    const rows: Array<{ key: Buffer; entry: BufferEntry }> = [];
    let count = 0;
    const it = this.#backing.prefixScanBytes(ENTRY_PREFIX);
    try {
      for (const { key, value } of it) {
        count++;
        if (decodeKafkaEntry(value) !== undefined) continue;
        const entry = key.length >= 13 ? decodeLegacyEntry(keyTimestamp(key), value) : undefined;
        if (entry === undefined) throw new Error(`join buffer "${this.name}": a stored row (${key.length}-byte key) is in no known layout; the store is corrupt — delete its state directory to restore it from the changelog`);
        rows.push({ key: Buffer.from(key), entry });
      }
    } finally {
      it.close();
    }
    this.#count = count;
    for (const { key, entry } of rows) {
      this.#putRow(key, encodeBufferEntry(entry));
      const legacyKey = key.subarray(1);
      this.#backing.put(marker(legacyKey), EMPTY);
    }
  }

  #saveState(): void {
    const state = Buffer.allocUnsafe(STATE_LENGTH);
    state.writeBigInt64BE(BigInt(this.#observed), 0);
    state.writeInt32BE(this.#seq, 8);
    state[12] = KAFKA_LAYOUT;
    state.writeInt32BE(this.#count, 13);
    this.#backing.put(STATE_KEY, state);
  }
}

/** The buffer's store factory: serdes from Joined / the stream, else the app's defaults. */
export class StreamTableJoinBufferFactory implements StoreFactory {
  constructor(
    readonly name: string,
    private readonly graceMs: number,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    readonly loggingEnabled = true,
  ) {}

  logConfig(): Record<string, string> {
    return { 'cleanup.policy': 'compact' };
  }

  build(options?: StoreBuildOptions): StateStore {
    const key = this.keySerde ?? options?.defaultKeySerde;
    const value = this.valueSerde ?? options?.defaultValueSerde;
    if (key === undefined || value === undefined) {
      throw new Error(`Stream–table join buffer "${this.name}" has no ${key === undefined ? 'key' : 'value'} serde: pass Joined.with(keySerde, valueSerde, …) or configure defaultKeySerde/defaultValueSerde.`);
    }
    // Kafka keeps this buffer in RocksDB whatever the DSL store suppliers; here it is the
    // application's key-value store (LevelDB unless dslStoreSuppliers says otherwise).
    const backing = dslStoreSuppliersOf(options?.defaultStoreType ?? 'leveldb').keyValueStore({ name: this.name, isTimestamped: false }).get();
    return new StreamTableJoinBuffer(this.name, this.graceMs, key, value, this.loggingEnabled, backing);
  }
}
