/*
 * InMemoryKeyValueStore: the bytes store that keeps everything on the heap, sorted by key bytes
 * in a B+ tree (sorted-map.ts). It is the TopologyTestDriver's default and the choice for small
 * state that can be rebuilt from the changelog on every start (`persistent` is false).
 *
 * Invariants:
 * - The tree maps binary-string(key) → { key, value } with value never null: a put of null is a
 *   delete, so "absent" has one representation.
 * - Buffers are stored by reference: callers (the serdes) hand over fresh buffers and must not
 *   mutate a buffer after putting it.
 * - Writes apply immediately; commit() only records the changelog offset, which lives in memory
 *   (the store does not survive a restart, so neither does its offset). close() drops the data.
 */
import type { KeyValue, KeyValueIterator, StoreContext } from './store-types.ts';
import type { BytesKeyValueStore, RestoreRecord } from './bytes-store.ts';
import { prefixScan, rangeScan, requireKey, treeIterator } from './bytes-store.ts';
import { BTree, toBinaryKey } from './sorted-map.ts';

export class InMemoryKeyValueStore implements BytesKeyValueStore {
  readonly persistent = false;
  private readonly tree = new BTree<string, KeyValue<Buffer, Buffer>>();
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
    return this.tree.get(toBinaryKey(key))?.value;
  }

  put(key: Buffer, value: Buffer | null): void {
    requireKey(this.name, key);
    if (value === null) this.tree.delete(toBinaryKey(key));
    else this.tree.set(toBinaryKey(key), { key, value });
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const existing = this.tree.get(toBinaryKey(key));
    if (existing !== undefined) return existing.value;
    this.tree.set(toBinaryKey(key), { key, value });
    return undefined;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const binary = toBinaryKey(key);
    const existing = this.tree.get(binary);
    if (existing !== undefined) this.tree.delete(binary);
    return existing?.value;
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return treeIterator(this.tree, rangeScan(from, to, false), resolve);
  }

  reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    return treeIterator(this.tree, rangeScan(from, to, true), resolve);
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
    return treeIterator(this.tree, prefixScan(prefix, reverse), resolve);
  }

  approximateNumEntries(): number {
    return this.tree.size;
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
    this.tree.clear();
    this.changelogOffset = undefined;
  }
}

function resolve(_key: string, entry: KeyValue<Buffer, Buffer>): KeyValue<Buffer, Buffer> {
  return entry;
}
