/*
 * The suppression buffer: the latest update per key, ordered by buffer time — Kafka Streams'
 * InMemoryTimeOrderedKeyValueChangeBuffer, as a state store of its task (so it shows in
 * describe() as "KTABLE-SUPPRESS-STATE-STORE-…").
 *
 * Invariants:
 *  - One entry per key. The entry sorts by (buffer time, key bytes); a key's buffer time is the
 *    time of its FIRST update since it was last emitted — a later update replaces the value and
 *    record context (timestamp, headers, topic) but keeps the position (Kafka's cleanPut).
 *  - evictWhile(predicate, emit) takes entries from the smallest (time, key) while the predicate
 *    holds, so emission is in buffer-time order, ties by key bytes.
 *  - The "prior value" is the old value when the key was first buffered (Kafka keeps it for the
 *    KTable value getter); it counts toward the size.
 *  - Size of an entry (Kafka's computeRecordSize, so maxBytes means the same thing):
 *      8 (buffer time) + key bytes + prior bytes + old bytes (unless the prior IS the old value,
 *      i.e. the key was buffered once) + new bytes + record context
 *      (8 timestamp + 8 offset + topic chars + 4 partition + per header: name chars + value bytes)
 *
 * Not fault tolerant: the buffer lives on the heap only; it has no changelog, so a restarted
 * task starts with an empty buffer (Kafka restores it from "<store>-changelog").
 */
import type { RecordHeaders } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import { BTree } from '../../state/sorted-map.ts';
import type { StateStore, StoreContext } from '../../state/store-types.ts';
import type { Change } from '../ops/change.ts';

export interface BufferedRecord<K, V> {
  readonly key: K;
  readonly value: Change<V>;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

interface Entry<K, V> {
  sortKey: string;
  record: BufferedRecord<K, V>;
  size: number;
  priorBytes: number;
}

export class SuppressBuffer<K, V> implements StateStore {
  readonly persistent = false;
  readonly #sorted = new BTree<string, Entry<K, V>>();
  readonly #index = new Map<string, Entry<K, V>>();
  #bytes = 0;
  #open = false;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {}

  async init(_context: StoreContext): Promise<void> {
    this.#open = true;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {
    this.#open = false;
    this.#sorted.clear();
    this.#index.clear();
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

  put(time: number, record: BufferedRecord<K, V>, topic: string | undefined): void {
    const keyBytes = this.#keyBytes(record.key);
    const id = keyBytes.toString('latin1');
    const newBytes = this.#valueBytes(record.value.newValue);
    const oldBytes = this.#valueBytes(record.value.oldValue);
    const context = contextSize(topic, record.headers);
    const previous = this.#index.get(id);
    if (previous === undefined) {
      const size = 8 + keyBytes.length + oldBytes + newBytes + context;
      const entry: Entry<K, V> = { sortKey: encodeTime(time) + id, record, size, priorBytes: oldBytes };
      this.#sorted.set(entry.sortKey, entry);
      this.#index.set(id, entry);
      this.#bytes += size;
    } else {
      const size = 8 + keyBytes.length + previous.priorBytes + oldBytes + newBytes + context;
      this.#bytes += size - previous.size;
      previous.size = size;
      previous.record = record;
    }
  }

  evictWhile(predicate: () => boolean, emit: (record: BufferedRecord<K, V>) => void): void {
    while (this.#index.size > 0 && predicate()) {
      const sortKey = this.#sorted.minKey()!;
      const entry = this.#sorted.get(sortKey)!;
      this.#sorted.delete(sortKey);
      this.#index.delete(sortKey.slice(8));
      this.#bytes -= entry.size;
      emit(entry.record);
    }
  }

  #keyBytes(key: K): Buffer {
    if (this.keySerde !== undefined) return this.keySerde.serialize(this.name, key);
    return Buffer.from(JSON.stringify(key) ?? String(key), 'utf8');
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
