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
 *      8 (buffer time) + key bytes + prior bytes + old bytes (unless they equal the prior bytes,
 *      as when the key was buffered once) + new bytes + record context
 *      (8 timestamp + 8 offset + topic chars + 4 partition + per header: name chars + value bytes)
 *    Value bytes count only when the table has a value serde (maxBytes requires one).
 *  - An entry keeps its latest update's record context (input topic, partition, offset), which
 *    the changelog carries as Kafka does.
 *
 * Durability (commit steps of docs/architecture.md): every put and every eviction marks its key
 * dirty; flushCache() (commit steps 1–2) sends, per dirty key, the entry as it is now, in Kafka
 * Streams' changelog format (suppress-changelog-codec.ts), or a tombstone when it was emitted. The task flushes its stores in
 * topology order, so updates the upstream caches forward during the same commit are buffered
 * before this flush, and so are logged before the input offsets are committed (step 4). A
 * restarted task restores the buffer from the changelog before processing (restore()), so no
 * pending update is lost; an entry emitted but not yet tombstoned at a crash is emitted again
 * (at-least-once). The buffer lives on the heap: commit() only records the changelog offset,
 * and every start restores the whole (compacted) changelog, as Kafka's in-memory buffer does.
 */
import type { RecordMetadata } from '../../processor/processor-context.ts';
import type { RecordHeaders } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import type { RestoreRecord } from '../../state/bytes-store.ts';
import { changelogTopicName } from '../../state/change-logging-key-value-store.ts';
import { HeapChangelog } from '../../state/heap-changelog.ts';
import { BTree } from '../../state/sorted-map.ts';
import type { StateStore, StoreContext } from '../../state/store-types.ts';
import type { Change } from '../ops/change.ts';
import { bufferCodec, type BufferCodec } from './suppress-buffer-codec.ts';
import { decodeLoggedEntry, encodeLoggedEntry } from './suppress-changelog-codec.ts';

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
  /** Where the latest update came from (undefined: no input record, e.g. a punctuation). */
  source: RecordMetadata | undefined;
  /** The value downstream last saw (old value of the first buffered update). */
  prior: V | null;
  size: number;
  /** The serialized prior value (kept only when the table has a value serde: sizes count it). */
  priorBytes: Buffer | null;
}

export class SuppressBuffer<K, V> implements StateStore {
  readonly persistent = false;
  readonly #sorted = new BTree<string, Entry<K, V>>();
  readonly #index = new Map<string, Entry<K, V>>();
  #codec: BufferCodec<K, V>;
  readonly #log: HeapChangelog;
  #changelog = { topic: '', partition: -1 };
  #bytes = 0;
  #open = false;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly loggingEnabled = true,
  ) {
    this.#codec = bufferCodec(name, keySerde, valueSerde);
    this.#log = new HeapChangelog(name, loggingEnabled);
  }

  async init(context: StoreContext): Promise<void> {
    // Kafka serializes buffer keys and values with the changelog topic's name, logged or not.
    const topic = context.changelogTopic ?? changelogTopicName(context.applicationId, this.name);
    this.#changelog = { topic, partition: context.partition };
    this.#codec = bufferCodec(topic, this.keySerde, this.valueSerde);
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

  put(time: number, record: BufferedRecord<K, V>, source: RecordMetadata | undefined): void {
    const keyBytes = this.#codec.keyBytes(record.key);
    const id = keyBytes.toString('latin1');
    const newBytes = this.#sizedBytes(record.value.newValue);
    const oldBytes = this.#sizedBytes(record.value.oldValue);
    const previous = this.#index.get(id);
    const priorBytes = previous === undefined ? oldBytes : previous.priorBytes;
    const size = entrySize(keyBytes, priorBytes, oldBytes, newBytes, source?.topic, record.headers);
    if (previous === undefined) {
      this.#insert(id, { sortKey: encodeTime(time) + id, keyBytes, bufferTime: time, record, source, prior: record.value.oldValue, size, priorBytes });
    } else {
      this.#bytes += size - previous.size;
      previous.size = size;
      previous.record = record;
      previous.source = source;
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
      return entry === undefined ? undefined : { ...this.#encode(entry), timestamp: entry.record.timestamp };
    });
  }

  /** Commit step 5: the data is on the heap, so only the changelog position is recorded. */
  async commit(changelogOffset?: number): Promise<void> {
    this.#log.commit(changelogOffset);
  }

  committedChangelogOffset(): number | undefined {
    return this.#log.committedOffset();
  }

  /**
   * Rebuilds entries from changelog records (a tombstone removes the key's entry). As in Kafka,
   * an entry keeps the buffer time it is logged with, and a record of a format without a prior
   * value (Kafka's versions 0 and 1) keeps the prior of the key's entry restored before it.
   */
  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const r of records) {
      const id = r.key.toString('latin1');
      const previous = this.#index.get(id);
      this.#remove(id);
      if (r.value === null) continue;
      const e = decodeLoggedEntry(this.name, { ...r, value: r.value }, this.#changelog);
      const key = this.#codec.key(r.key);
      const oldValue = this.#codec.value(e.old);
      const newValue = this.#codec.value(e.new);
      const inherited = e.prior === undefined && previous !== undefined;
      const prior = inherited ? previous.prior : e.prior === undefined ? oldValue : this.#codec.value(e.prior);
      const counted = (b: Buffer | null) => (this.valueSerde === undefined ? null : b);
      const priorBytes = inherited ? previous.priorBytes : counted(e.prior === undefined ? e.old : e.prior);
      const c = e.context;
      const source = c.topic === undefined ? undefined : { topic: c.topic, partition: c.partition, offset: c.offset };
      this.#insert(id, {
        sortKey: encodeTime(e.bufferTime) + id,
        keyBytes: r.key,
        bufferTime: e.bufferTime,
        record: { key, value: { newValue, oldValue }, timestamp: c.timestamp, headers: c.headers },
        source,
        prior,
        size: entrySize(r.key, priorBytes, counted(e.old), counted(e.new), c.topic, c.headers),
        priorBytes,
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

  #encode(entry: Entry<K, V>): { value: Buffer; headers: RecordHeaders } {
    const c = this.#codec;
    const s = entry.source;
    return encodeLoggedEntry({
      bufferTime: entry.bufferTime,
      context: { timestamp: entry.record.timestamp, offset: s?.offset ?? -1, topic: s?.topic, partition: s?.partition ?? -1, headers: entry.record.headers },
      prior: entry.priorBytes ?? c.valueBytes(entry.prior),
      old: c.valueBytes(entry.record.value.oldValue),
      new: c.valueBytes(entry.record.value.newValue),
    });
  }

  /** A value's bytes as the size accounting counts them: only with a value serde (else null). */
  #sizedBytes(value: V | null): Buffer | null {
    return value === null || this.valueSerde === undefined ? null : this.#codec.valueBytes(value);
  }
}

/** Kafka's computeRecordSize (see the invariants above). */
function entrySize(key: Buffer, prior: Buffer | null, old: Buffer | null, value: Buffer | null, topic: string | undefined, headers: RecordHeaders): number {
  const oldCounted = old === null || (prior !== null && prior.equals(old)) ? 0 : old.length;
  let size = 8 + key.length + (prior?.length ?? 0) + oldCounted + (value?.length ?? 0) + 8 + 8 + 4 + (topic?.length ?? 0);
  for (const [name, v] of Object.entries(headers)) size += name.length + v.length;
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
