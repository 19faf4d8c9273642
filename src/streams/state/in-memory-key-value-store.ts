/*
 * InMemoryKeyValueStore: the bytes store that keeps everything on the heap. It is the
 * TopologyTestDriver's default and the choice for small state that can be rebuilt from the
 * changelog on every start (`persistent` is false).
 *
 * Layout: a ByteKeyMap (byte-key-map.ts) of hash key → { key, value }: get/put/delete are one
 * hash lookup (4-byte keys hash as an int, no string built); ranges, prefix scans and all() walk
 * its sorted view, which exists only while sorted reads are being made.
 *
 * Invariants:
 * - value is never null: a put of null is a delete, so "absent" has one representation.
 * - One entry object per key; a put of an existing key replaces entry.value in place (the
 *   sorted view shares the object), keeping the key buffer of the first put (same bytes).
 * - Buffers are stored by reference: callers (the serdes) hand over fresh buffers and must not
 *   mutate a buffer after putting it.
 * - Iterators are cursor-based live views (kv-iterators.ts): writes during a walk do not break it.
 * - Writes apply immediately; commit() only records the changelog offset, which lives in memory
 *   (the store does not survive a restart, so neither does its offset). close() drops the data.
 */
import type { KeyValue, KeyValueIterator, StoreContext } from './store-types.ts';
import type { BytesKeyValueStore, RestoreRecord } from './bytes-store.ts';
import { prefixScan, rangeScan, requireKey, treeIterator } from './bytes-store.ts';
import { ByteKeyMap, hashKey } from './byte-key-map.ts';

export class InMemoryKeyValueStore implements BytesKeyValueStore {
  readonly persistent = false;
  private readonly map = new ByteKeyMap<KeyValue<Buffer, Buffer>>();
  private readonly view = () => this.map.sortedView();
  private open = false;
  private changelogOffset: number | undefined;

  constructor(readonly name: string) {}

  async init(_context: StoreContext): Promise<void> {
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  get(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    return this.map.get(hashKey(key))?.value;
  }

  put(key: Buffer, value: Buffer | null): void {
    requireKey(this.name, key);
    const hk = hashKey(key);
    if (value === null) {
      this.map.delete(hk);
      return;
    }
    const entry = this.map.get(hk);
    if (entry !== undefined) entry.value = value;
    else this.map.set(hk, { key, value });
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const hk = hashKey(key);
    const existing = this.map.get(hk);
    if (existing !== undefined) return existing.value;
    this.map.set(hk, { key, value });
    return undefined;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const hk = hashKey(key);
    const existing = this.map.get(hk);
    if (existing !== undefined) this.map.delete(hk);
    return existing?.value;
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return treeIterator(this.view, rangeScan(from, to, false), resolve);
  }

  reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return treeIterator(this.view, rangeScan(from, to, true), resolve);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.range(undefined, undefined);
  }

  reverseAll(): KeyValueIterator<Buffer, Buffer> {
    return this.reverseRange(undefined, undefined);
  }

  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<Buffer, Buffer> {
    return this.prefixScanBytes(prefixSerializer.serialize(this.name, prefix));
  }

  prefixScanBytes(prefix: Buffer, reverse = false): KeyValueIterator<Buffer, Buffer> {
    return treeIterator(this.view, prefixScan(prefix, reverse), resolve);
  }

  approximateNumEntries(): number {
    return this.map.size;
  }

  flushCache(): void {}

  async commit(changelogOffset?: number): Promise<void> {
    if (changelogOffset !== undefined) this.changelogOffset = changelogOffset;
  }

  async flush(): Promise<void> {}

  committedChangelogOffset(): number | undefined {
    return this.changelogOffset;
  }

  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    for (const record of records) this.put(record.key, record.value);
    const last = records[records.length - 1];
    if (last !== undefined) this.changelogOffset = last.offset + 1;
  }

  /** Drops the data, as Kafka Streams' in-memory store does: a reopened task restores it. */
  async close(): Promise<void> {
    this.open = false;
    this.map.clear();
    this.changelogOffset = undefined;
  }
}

/** A fresh pair: entries change in place on later puts, a yielded pair must not. */
function resolve(_key: string, entry: KeyValue<Buffer, Buffer>): KeyValue<Buffer, Buffer> {
  return { key: entry.key, value: entry.value };
}
