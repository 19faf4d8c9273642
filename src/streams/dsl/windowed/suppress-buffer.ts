/*
 * The suppression buffer: the latest update per key, ordered by buffer time — Kafka Streams'
 * InMemoryTimeOrderedKeyValueChangelogBuffer, as a state store of its task (so it shows in
 * describe() as "KTABLE-SUPPRESS-STATE-STORE-…"), backed by the changelog topic
 * "<applicationId>-<storeName>-changelog" unless BufferConfig.withLoggingDisabled().
 *
 * Invariants:
 *  - One entry per key. The entry sorts by (buffer time, key bytes); a key's buffer time is the
 *    time of its FIRST update since it was last emitted — a later update replaces the value and
 *    record context (timestamp, headers, topic) but keeps the position (Kafka's cleanPut).
 *  - evictWhile(predicate, emit) takes entries from the smallest (time, key) while the predicate
 *    holds, so emission is in buffer-time order, ties by key bytes.
 *  - The "prior value" is the old value when the key was first buffered: the value downstream
 *    last saw (Kafka keeps it for the KTable value getter); it counts toward the size.
 *  - Size of an entry (Kafka's computeRecordSize, so maxBytes means the same thing):
 *      8 (buffer time) + key bytes + prior bytes + old bytes (unless the prior IS the old value,
 *      i.e. the key was buffered once) + new bytes + record context
 *      (8 timestamp + 8 offset + topic chars + 4 partition + per header: name chars + value bytes)
 *    Value bytes count only when the table has a value serde (maxBytes requires one).
 *
 * Durability (commit steps of docs/architecture.md): every put and every eviction marks its key
 * dirty; flushCache() (commit steps 1–2) sends, per dirty key, the entry as it is now
 * (suppress-buffer-codec.ts) or a tombstone when it was emitted. The task flushes its stores in
 * topology order, so updates the upstream caches forward during the same commit are buffered
 * before this flush, and so are logged before the input offsets are committed (step 4). A
 * restarted task restores the buffer from the changelog before processing (restore()), so no
 * pending update is lost; an entry emitted but not yet tombstoned at a crash is emitted again
 * (at-least-once). The buffer lives on the heap: commit() only records the changelog offset,
 * and every start restores the whole (compacted) changelog, as Kafka's in-memory buffer does.
 */
import type { RecordHeaders } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import type { RestoreRecord } from '../../state/bytes-store.ts';
import { HeapChangelog } from '../../state/heap-changelog.ts';
import { BTree } from '../../state/sorted-map.ts';
import type { StateStore, StoreContext } from '../../state/store-types.ts';
import type { Change } from '../ops/change.ts';
import { bufferCodec, decodeLoggedEntry, encodeLoggedEntry, type BufferCodec } from './suppress-buffer-codec.ts';

export interface BufferedRecord<K, V> {
  readonly key: K;
  readonly value: Change<V>;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

interface Entry<K, V> {
  sortKey: string;
  keyBytes: Buffer;
  bufferTime: number;
  record: BufferedRecord<K, V>;
  topic: string | undefined;
  /** The value downstream last saw (old value of the first buffered update). */
  prior: V | null;
  /** True while the key was buffered once (the prior value is the old value). */
  priorIsOld: boolean;
  size: number;
  priorBytes: number;
}

export class SuppressBuffer<K, V> implements StateStore {
  readonly persistent = false;
  readonly #sorted = new BTree<string, Entry<K, V>>();
  readonly #index = new Map<string, Entry<K, V>>();
  readonly #codec: BufferCodec<K, V>;
  readonly #log: HeapChangelog;
  #bytes = 0;
  #open = false;

  constructor(
    readonly name: string,
    keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly loggingEnabled = true,
  ) {
    this.#codec = bufferCodec(name, keySerde, valueSerde);
    this.#log = new HeapChangelog(name, loggingEnabled);
  }

  async init(context: StoreContext): Promise<void> {
    this.#log.init(context);
    this.#open = true;
  }
  /** StateStore.flush: steps 1–2 (nothing else to write: the data lives on the heap). */
  async flush(): Promise<void> {
    this.flushCache();
  }
  async close(): Promise<void> {
    this.#open = false;
    this.#sorted.clear();
    this.#index.clear();
    this.#log.clear();
    this.#bytes = 0;
  }
  isOpen(): boolean {
    return this.#open;
  }

  numRecords(): number {
    return this.#index.size;
  }

  bufferSize(): number {
    return this.#bytes;
  }

  /** The smallest buffer time, or Infinity when empty. */
  minTimestamp(): number {
    const first = this.#sorted.minKey();
    return first === undefined ? Infinity : decodeTime(first);
  }

  /**
   * The buffered entry of a key, if any: its prior value is what downstream last saw, stamped
   * with the latest buffered update's timestamp (Kafka's priorValueForBuffered).
   */
  priorValueFor(key: K): { buffered: true; prior: V | null; timestamp: number } | { buffered: false } {
    const entry = this.#index.get(this.#codec.keyBytes(key).toString('latin1'));
    return entry === undefined ? { buffered: false } : { buffered: true, prior: entry.prior, timestamp: entry.record.timestamp };
  }

  put(time: number, record: BufferedRecord<K, V>, topic: string | undefined): void {
    const keyBytes = this.#codec.keyBytes(record.key);
    const id = keyBytes.toString('latin1');
    const newBytes = this.#valueBytes(record.value.newValue);
    const oldBytes = this.#valueBytes(record.value.oldValue);
    const context = contextSize(topic, record.headers);
    const previous = this.#index.get(id);
    if (previous === undefined) {
      const size = 8 + keyBytes.length + oldBytes + newBytes + context;
      const entry: Entry<K, V> = {
        sortKey: encodeTime(time) + id,
        keyBytes,
        bufferTime: time,
        record,
        topic,
        prior: record.value.oldValue,
        priorIsOld: true,
        size,
        priorBytes: oldBytes,
      };
      this.#insert(id, entry);
    } else {
      const size = 8 + keyBytes.length + previous.priorBytes + oldBytes + newBytes + context;
      this.#bytes += size - previous.size;
      previous.size = size;
      previous.record = record;
      previous.topic = topic;
      previous.priorIsOld = false;
    }
    this.#log.touch(id, keyBytes);
  }

  evictWhile(predicate: () => boolean, emit: (record: BufferedRecord<K, V>) => void): void {
    while (this.#index.size > 0 && predicate()) {
      const sortKey = this.#sorted.minKey()!;
      const entry = this.#sorted.get(sortKey)!;
      const id = sortKey.slice(8);
      this.#sorted.delete(sortKey);
      this.#index.delete(id);
      this.#bytes -= entry.size;
      this.#log.touch(id, entry.keyBytes);
      emit(entry.record);
    }
  }

  // ---- commit and restore (the runtime's RestorableStore contract) ----

  /** Commit steps 1–2: log every key changed since the last flush (entry or tombstone). */
  flushCache(): void {
    this.#log.flush((id) => {
      const entry = this.#index.get(id);
      return entry === undefined ? undefined : { value: this.#encode(entry), timestamp: entry.record.timestamp };
    });
  }

  /** Commit step 5: the data is on the heap, so only the changelog position is recorded. */
  async commit(changelogOffset?: number): Promise<void> {
    this.#log.commit(changelogOffset);
  }

  committedChangelogOffset(): number | undefined {
    return this.#log.committedOffset();
  }

  /** Rebuilds entries from changelog records (a tombstone removes the key's entry). */
  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const r of records) {
      const id = r.key.toString('latin1');
      this.#remove(id);
      if (r.value === null) continue;
      const e = decodeLoggedEntry(this.name, r.offset, r.value);
      const key = this.#codec.key(r.key);
      const oldValue = this.#codec.value(e.old);
      const newValue = this.#codec.value(e.new);
      const prior = e.prior === undefined ? oldValue : this.#codec.value(e.prior);
      const priorBytes = e.prior === undefined ? (e.old?.length ?? 0) : (e.prior?.length ?? 0);
      const oldBytes = e.prior === undefined ? 0 : (e.old?.length ?? 0);
      const counted = this.valueSerde === undefined ? 0 : priorBytes + oldBytes + (e.new?.length ?? 0);
      this.#insert(id, {
        sortKey: encodeTime(e.bufferTime) + id,
        keyBytes: r.key,
        bufferTime: e.bufferTime,
        record: { key, value: { newValue, oldValue }, timestamp: e.timestamp, headers: e.headers },
        topic: e.topic,
        prior,
        priorIsOld: e.prior === undefined,
        size: 8 + r.key.length + counted + contextSize(e.topic, e.headers),
        priorBytes: this.valueSerde === undefined ? 0 : priorBytes,
      });
    }
    this.#log.restored(records.at(-1)?.offset);
  }

  #insert(id: string, entry: Entry<K, V>): void {
    this.#sorted.set(entry.sortKey, entry);
    this.#index.set(id, entry);
    this.#bytes += entry.size;
  }

  #remove(id: string): void {
    const entry = this.#index.get(id);
    if (entry === undefined) return;
    this.#sorted.delete(entry.sortKey);
    this.#index.delete(id);
    this.#bytes -= entry.size;
  }

  #encode(entry: Entry<K, V>): Buffer {
    const c = this.#codec;
    return encodeLoggedEntry({
      bufferTime: entry.bufferTime,
      timestamp: entry.record.timestamp,
      topic: entry.topic,
      headers: entry.record.headers,
      prior: entry.priorIsOld ? undefined : c.valueBytes(entry.prior),
      old: c.valueBytes(entry.record.value.oldValue),
      new: c.valueBytes(entry.record.value.newValue),
    });
  }

  #valueBytes(value: V | null): number {
    if (value === null || this.valueSerde === undefined) return 0;
    return this.valueSerde.serialize(this.name, value).length;
  }
}

function contextSize(topic: string | undefined, headers: RecordHeaders): number {
  let size = 8 + 8 + 4 + (topic?.length ?? 0);
  for (const [name, value] of Object.entries(headers)) size += name.length + value.length;
  return size;
}

/** Buffer time as 8 big-endian bytes in binary-string form (sorts numerically for times >= 0). */
function encodeTime(time: number): string {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(BigInt(Math.max(0, time)), 0);
  return b.toString('latin1');
}

function decodeTime(sortKey: string): number {
  return Number(Buffer.from(sortKey.slice(0, 8), 'latin1').readBigInt64BE(0));
}
