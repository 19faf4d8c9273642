/*
 * The grace-period buffer of a stream–table join on a versioned table — Kafka Streams'
 * RocksDBTimeOrderedKeyValueBuffer as KStreamKTableJoin uses it (KIP-923): a time-ordered store
 * in LevelDB (the heap only when the store type is 'memory'), backed by the changelog
 * "<applicationId>-<joinName>-Buffer-changelog", so its size is bounded by disk, not memory.
 *
 * Stream records wait here until stream time has passed their timestamp by the grace period, so
 * the table has seen the updates up to their time; then they are joined, oldest first, with the
 * table as of their timestamp. Invariants:
 *  - observed time = the largest timestamp ever put; put() refuses (returns false) a record
 *    older than observed − grace, which the join then handles at once, as Kafka does.
 *  - Entries sort by (timestamp, key bytes, sequence number), Kafka's time-first buffer key, so
 *    eviction is in timestamp order, ties by key bytes, then arrival.
 *  - evictWhile() takes every entry with timestamp ≤ observed − grace.
 *  - The entry ids (not the values) are also indexed on the heap (#index), the single source of
 *    eviction order; values are read from the backing store when evicted. The backing LevelDB
 *    store keeps its keys in memory too (leveldb-key-value-store.ts), so the heap holds keys only.
 * Backing store rows (one bytes store per task, written in its one batch at commit step 5 with
 * the changelog offset, so a reopened store knows how far it is restored):
 *   0x00 ‖ id                  → entry value (layout below)
 *   0x01 ‖ "buffer-state"      → int64 observed time ‖ int32 next sequence number
 * Changelog (commit steps 1–2): record key = id = int64 timestamp ‖ key bytes ‖ int32 sequence;
 * value = the entry, or a tombstone once the entry was evicted. restore() applies it to the
 * backing store, so records waiting at a crash are joined after the restart (at-least-once, as
 * every commit). Value layout (big-endian):
 *   int32 header count ‖ per header: int32 name length ‖ UTF-8 name ‖ int32 value length ‖ bytes
 *   ‖ value bytes (the rest)
 */
import type { RecordHeaders, StreamRecord } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import type { BytesKeyValueStore, RestoreRecord } from '../../state/bytes-store.ts';
import { HeapChangelog } from '../../state/heap-changelog.ts';
import { InMemoryKeyValueStore } from '../../state/in-memory-key-value-store.ts';
import { LevelDbKeyValueStore } from '../../state/leveldb-key-value-store.ts';
import { BTree } from '../../state/sorted-map.ts';
import type { StateStore, StoreContext } from '../../state/store-types.ts';
import type { StoreBuildOptions, StoreFactory } from '../../topology/node-specs.ts';

const ENTRY_PREFIX = Buffer.from([0x00]);
const STATE_KEY = Buffer.concat([Buffer.from([0x01]), Buffer.from('buffer-state')]);
const rowKey = (id: Buffer): Buffer => Buffer.concat([ENTRY_PREFIX, id]);

function encodeEntry(headers: RecordHeaders, value: Buffer): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.allocUnsafe(4);
  const names = Object.keys(headers);
  count.writeInt32BE(names.length, 0);
  parts.push(count);
  for (const name of names) {
    const n = Buffer.from(name, 'utf8');
    const v = headers[name]!;
    const lens = Buffer.allocUnsafe(4);
    lens.writeInt32BE(n.length, 0);
    const vlen = Buffer.allocUnsafe(4);
    vlen.writeInt32BE(v.length, 0);
    parts.push(lens, n, vlen, v);
  }
  parts.push(value);
  return Buffer.concat(parts);
}

/** `where` names the bytes in errors: "changelog record at offset 41" or "the stored entry at 1000". */
function decodeEntry(store: string, where: string, b: Buffer): { headers: RecordHeaders; value: Buffer } {
  const bad = () => new Error(`join buffer "${store}": ${where} is not a buffered record (${b.length} bytes)`);
  if (b.length < 4) throw bad();
  const headers: Record<string, Buffer> = {};
  let pos = 4;
  for (let i = b.readInt32BE(0); i > 0; i--) {
    if (pos + 4 > b.length) throw bad();
    const nl = b.readInt32BE(pos);
    if (nl < 0 || pos + 4 + nl + 4 > b.length) throw bad();
    const name = b.toString('utf8', pos + 4, pos + 4 + nl);
    pos += 4 + nl;
    const vl = b.readInt32BE(pos);
    if (vl < 0 || pos + 4 + vl > b.length) throw bad();
    Object.defineProperty(headers, name, { value: b.subarray(pos + 4, pos + 4 + vl), enumerable: true, writable: false });
    pos += 4 + vl;
  }
  return { headers, value: b.subarray(pos) };
}

export class StreamTableJoinBuffer<K, V> implements StateStore {
  /** sort key (the id as latin1) → id. */
  readonly #index = new BTree<string, Buffer>();
  readonly #log: HeapChangelog;
  readonly #backing: BytesKeyValueStore;
  #observed = -1;
  #seq = 0;

  constructor(
    readonly name: string,
    readonly graceMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    loggingEnabled: boolean,
    backing?: BytesKeyValueStore,
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
    // A reopened LevelDB store: rebuild the eviction index and the observed time from its rows.
    const it = this.#backing.prefixScanBytes(ENTRY_PREFIX);
    try {
      for (const { key } of it) {
        const id = key.subarray(1);
        this.#index.set(id.toString('latin1'), id);
      }
    } finally {
      it.close();
    }
    const state = this.#backing.get(STATE_KEY);
    if (state !== undefined && state.length >= 12) {
      this.#observed = Number(state.readBigInt64BE(0));
      this.#seq = state.readInt32BE(8);
    }
  }

  isOpen(): boolean {
    return this.#backing.isOpen();
  }

  numRecords(): number {
    return this.#index.size;
  }

  /** Buffers the record; false (nothing buffered) when it is older than observed time − grace. */
  put(record: StreamRecord<K, V>): boolean {
    if (this.#observed - this.graceMs > record.timestamp) return false;
    const keyBytes = this.keySerde.serialize(this.name, record.key);
    const id = Buffer.allocUnsafe(12 + keyBytes.length);
    id.writeBigInt64BE(BigInt(record.timestamp), 0);
    keyBytes.copy(id, 8);
    id.writeInt32BE(this.#seq, 8 + keyBytes.length);
    this.#seq = (this.#seq + 1) & 0x7fffffff;
    this.#observed = Math.max(this.#observed, record.timestamp);
    const sortKey = id.toString('latin1');
    this.#backing.put(rowKey(id), encodeEntry(record.headers, this.valueSerde.serialize(this.name, record.value)));
    this.#index.set(sortKey, id);
    this.#log.touch(sortKey, id);
    this.#saveState();
    return true;
  }

  /** Emits (and removes) every entry whose timestamp ≤ observed time − grace, oldest first. */
  evictWhile(predicate: () => boolean, emit: (record: StreamRecord<K, V>) => void): void {
    const horizon = this.#observed - this.graceMs;
    while (predicate()) {
      const sortKey = this.#index.minKey();
      if (sortKey === undefined) return;
      const id = this.#index.get(sortKey)!;
      const timestamp = Number(id.readBigInt64BE(0));
      if (timestamp > horizon) return;
      const raw = this.#backing.get(rowKey(id));
      this.#index.delete(sortKey);
      this.#backing.delete(rowKey(id));
      this.#log.touch(sortKey, id);
      if (raw === undefined) throw new Error(`join buffer "${this.name}": the entry at ${timestamp} is indexed but has no row; the store is corrupt — delete its state directory to restore it from the changelog`);
      const { headers, value } = decodeEntry(this.name, `the stored entry at ${timestamp}`, raw);
      const key = this.keySerde.deserialize(this.name, id.subarray(8, id.length - 4));
      emit({ key, value: this.valueSerde.deserialize(this.name, value), timestamp, headers });
    }
  }

  /** Commit steps 1–2: log each entry put or evicted since the last flush, then seal the writes. */
  flushCache(): void {
    this.#log.flush((sortKey) => {
      const id = this.#index.get(sortKey);
      const raw = id === undefined ? undefined : this.#backing.get(rowKey(id));
      return raw === undefined ? undefined : { value: raw, timestamp: Number(id!.readBigInt64BE(0)) };
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
      if (r.key.length < 12) throw new Error(`join buffer "${this.name}": changelog key at offset ${r.offset} is ${r.key.length} bytes; it needs at least 12`);
      const sortKey = r.key.toString('latin1');
      if (r.value === null) {
        this.#index.delete(sortKey);
        this.#backing.delete(rowKey(r.key));
        continue;
      }
      decodeEntry(this.name, `changelog record at offset ${r.offset}`, r.value); // reject a record that is not an entry before storing it
      this.#index.set(sortKey, Buffer.from(r.key));
      this.#backing.put(rowKey(r.key), r.value);
      this.#observed = Math.max(this.#observed, Number(r.key.readBigInt64BE(0)));
      this.#seq = Math.max(this.#seq, (r.key.readInt32BE(r.key.length - 4) + 1) & 0x7fffffff);
    }
    this.#saveState();
    this.#backing.flushCache();
    await this.#backing.commit(last.offset + 1);
  }

  async close(): Promise<void> {
    this.#index.clear();
    this.#log.clear();
    this.#observed = -1;
    this.#seq = 0;
    await this.#backing.close();
  }

  #saveState(): void {
    const state = Buffer.allocUnsafe(12);
    state.writeBigInt64BE(BigInt(this.#observed), 0);
    state.writeInt32BE(this.#seq, 8);
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
    // Kafka keeps this buffer in RocksDB; the heap only when the app's store type is 'memory'.
    const backing = options?.defaultStoreType === 'memory' ? new InMemoryKeyValueStore(this.name) : new LevelDbKeyValueStore(this.name);
    return new StreamTableJoinBuffer(this.name, this.graceMs, key, value, this.loggingEnabled, backing);
  }
}
