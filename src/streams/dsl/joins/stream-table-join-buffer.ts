/*
 * The grace-period buffer of a stream–table join on a versioned table — Kafka Streams'
 * RocksDBTimeOrderedKeyValueBuffer as KStreamKTableJoin uses it (KIP-923), held on the heap and
 * backed by the changelog "<applicationId>-<joinName>-Buffer-changelog".
 *
 * Stream records wait here until stream time has passed their timestamp by the grace period, so
 * the table has seen the updates up to their time; then they are joined, oldest first, with the
 * table as of their timestamp. Invariants:
 *  - observed time = the largest timestamp ever put; put() refuses (returns false) a record
 *    older than observed − grace, which the join then handles at once, as Kafka does.
 *  - Entries sort by (timestamp, key bytes, sequence number), Kafka's time-first buffer key, so
 *    eviction is in timestamp order, ties by key bytes, then arrival.
 *  - evictWhile() takes every entry with timestamp ≤ observed − grace.
 * Changelog (commit steps 1–2): record key = int64 timestamp ‖ key bytes ‖ int32 sequence; value =
 * the entry (layout below), or a tombstone once the entry was evicted. restore() rebuilds the
 * entries and the observed time from the compacted changelog, so records waiting at a crash are
 * joined after the restart (at-least-once, as every commit). Value layout (big-endian):
 *   int32 header count ‖ per header: int32 name length ‖ UTF-8 name ‖ int32 value length ‖ bytes
 *   ‖ value bytes (the rest)
 */
import type { RecordHeaders, StreamRecord } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import type { RestoreRecord } from '../../state/bytes-store.ts';
import { HeapChangelog } from '../../state/heap-changelog.ts';
import { BTree } from '../../state/sorted-map.ts';
import type { StateStore, StoreContext } from '../../state/store-types.ts';
import type { StoreBuildOptions, StoreFactory } from '../../topology/node-specs.ts';

interface Entry<K, V> {
  record: StreamRecord<K, V>;
  /** The changelog key bytes (also the sort key, as a latin1 string). */
  id: Buffer;
}

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

function decodeEntry(store: string, offset: number, b: Buffer): { headers: RecordHeaders; value: Buffer } {
  const bad = () => new Error(`join buffer "${store}": changelog record at offset ${offset} is not a buffered record (${b.length} bytes)`);
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
  readonly persistent = false;
  readonly #sorted = new BTree<string, Entry<K, V>>();
  readonly #log: HeapChangelog;
  #observed = -1;
  #seq = 0;
  #open = false;

  constructor(
    readonly name: string,
    readonly graceMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    loggingEnabled: boolean,
  ) {
    this.#log = new HeapChangelog(name, loggingEnabled);
  }

  async init(context: StoreContext): Promise<void> {
    this.#log.init(context);
    this.#open = true;
  }

  isOpen(): boolean {
    return this.#open;
  }

  numRecords(): number {
    return this.#sorted.size;
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
    const sortKey = id.toString('latin1');
    this.#sorted.set(sortKey, { record, id });
    this.#log.touch(sortKey, id);
    this.#observed = Math.max(this.#observed, record.timestamp);
    return true;
  }

  /** Emits (and removes) every entry whose timestamp ≤ observed time − grace, oldest first. */
  evictWhile(predicate: () => boolean, emit: (record: StreamRecord<K, V>) => void): void {
    const horizon = this.#observed - this.graceMs;
    while (predicate()) {
      const sortKey = this.#sorted.minKey();
      if (sortKey === undefined) return;
      const entry = this.#sorted.get(sortKey)!;
      if (entry.record.timestamp > horizon) return;
      this.#sorted.delete(sortKey);
      this.#log.touch(sortKey, entry.id);
      emit(entry.record);
    }
  }

  /** Commit steps 1–2: log each entry put or evicted since the last flush. */
  flushCache(): void {
    this.#log.flush((sortKey) => {
      const entry = this.#sorted.get(sortKey);
      if (entry === undefined) return undefined;
      return { value: encodeEntry(entry.record.headers, this.valueSerde.serialize(this.name, entry.record.value)), timestamp: entry.record.timestamp };
    });
  }

  async flush(): Promise<void> {
    this.flushCache();
  }

  /** Commit step 5: the entries live on the heap; only the changelog position is kept. */
  async commit(changelogOffset?: number): Promise<void> {
    this.#log.commit(changelogOffset);
  }

  committedChangelogOffset(): number | undefined {
    return this.#log.committedOffset();
  }

  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const r of records) {
      if (r.key.length < 12) throw new Error(`join buffer "${this.name}": changelog key at offset ${r.offset} is ${r.key.length} bytes; it needs at least 12`);
      const sortKey = r.key.toString('latin1');
      this.#sorted.delete(sortKey);
      if (r.value === null) continue;
      const timestamp = Number(r.key.readBigInt64BE(0));
      const key = this.keySerde.deserialize(this.name, r.key.subarray(8, r.key.length - 4));
      const { headers, value } = decodeEntry(this.name, r.offset, r.value);
      this.#sorted.set(sortKey, { id: r.key, record: { key, value: this.valueSerde.deserialize(this.name, value), timestamp, headers } });
      this.#observed = Math.max(this.#observed, timestamp);
      this.#seq = Math.max(this.#seq, (r.key.readInt32BE(r.key.length - 4) + 1) & 0x7fffffff);
    }
    this.#log.restored(records.at(-1)?.offset);
  }

  async close(): Promise<void> {
    this.#open = false;
    this.#sorted.clear();
    this.#log.clear();
    this.#observed = -1;
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
    return new StreamTableJoinBuffer(this.name, this.graceMs, key, value, this.loggingEnabled);
  }
}
