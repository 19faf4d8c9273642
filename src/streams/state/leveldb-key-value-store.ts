/*
 * LevelDbKeyValueStore: the persistent bytes store, one LevelDB database per store per task at
 * `<StoreContext.stateDir>/<storeName>` (= stateDir/<applicationId>/<taskId>/<storeName>).
 *
 * The per-record path is synchronous (store-types.ts), but LevelDB writes and iterators are
 * async. The design that keeps the contract:
 *
 *   keys in memory, values on disk. At init the store reads every key once into an index (a
 *   ByteKeyMap, byte-key-map.ts: a hash of the keys for point reads, and a sorted view built only
 *   while ranges are read). The index is the single source of truth for which keys exist,
 *   including writes not yet on disk. Unwritten changes are hashed the same way.
 *     get      pending write → sealed → in-flight batch → absent from index? undefined
 *              → otherwise `db.getSync(key)` (synchronous, no await)
 *     put/del  recorded in `pending` and in the index; nothing touches disk
 *     ranges   walk the index's sorted view (cursor-based, kv-iterators.ts), values as for get
 *     commit   ONE `db.batch()` with the sealed writes and the changelog offset
 *   Trade-off: memory grows with the number and size of keys (≈ key bytes + ~50 bytes per key
 *   in the hash; as much again while a sorted view exists), not with values; startup reads all
 *   keys once (into the hash only: the sorted view waits for the first range read). Stores with
 *   hundreds of millions of keys would want async iterators instead, which the synchronous
 *   processor contract rules out.
 *
 * Write phases (the bottom half of the commit procedure in bytes-store.ts):
 *   pending  --flushCache()-->  sealed  --commit(offset)-->  in flight  --batch done-->  on disk
 * flushCache() seals what was written up to that point (the changelog records for exactly those
 * writes have been sent by then), and commit(offset) writes only the sealed writes, so the data
 * on disk is always the state as of one changelog offset. Writes made after the seal (while the
 * runtime awaits the producer) stay pending for the next commit. Commits run one at a time.
 *
 * On-disk layout (sublevels of one database; one batch may span them, so data and offset are
 * atomic together):
 *   !d!<key bytes>            → value bytes
 *   !m!changelog-offset       → int64 big-endian: next changelog offset to restore from
 *
 * close() discards pending and sealed writes (they are uncommitted: the input is reprocessed),
 * waits for an in-flight commit, and closes the database.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import type { AbstractSublevel, AbstractBatchOperation } from 'abstract-level';
import type { KeyValue, KeyValueIterator, StoreContext } from './store-types.ts';
import type { BytesKeyValueStore, RestoreRecord } from './bytes-store.ts';
import { prefixScan, rangeScan, requireKey, treeIterator } from './bytes-store.ts';
import { fromBinaryKey } from './sorted-map.ts';
import { ByteKeyMap, hashKey } from './byte-key-map.ts';
import type { HashKey } from './byte-key-map.ts';

const OFFSET_KEY = Buffer.from('changelog-offset');
const BUFFER_ENCODING = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

interface Write {
  key: Buffer;
  value: Buffer | null;
}

type Db = Level<Buffer, Buffer>;
type Sublevel = AbstractSublevel<Db, string | Buffer | Uint8Array, Buffer, Buffer>;

export class LevelDbKeyValueStore implements BytesKeyValueStore {
  readonly persistent = true;
  private db: Db | undefined;
  private data: Sublevel | undefined;
  private meta: Sublevel | undefined;
  private index = new ByteKeyMap<true>();
  private readonly view = () => this.index.sortedView();
  private pending = new Map<HashKey, Write>();
  private sealed = new Map<HashKey, Write>();
  private inFlight: Map<HashKey, Write> | undefined;
  private commitChain: Promise<void> = Promise.resolve();
  private changelogOffset: number | undefined;
  private location = '';

  constructor(readonly name: string) {}

  async init(context: StoreContext): Promise<void> {
    if (this.db !== undefined) throw new Error(`LevelDB store "${this.name}" is already open at ${this.location}`);
    this.location = join(context.stateDir, this.name);
    mkdirSync(this.location, { recursive: true });
    const db = new Level<Buffer, Buffer>(this.location, BUFFER_ENCODING);
    try {
      await db.open();
    } catch (err) {
      const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      const hint =
        code === 'LEVEL_LOCKED'
          ? 'another store instance (in this or another process) has it open; close it first or use another stateDir'
          : 'check that the directory is writable and not corrupted';
      throw new Error(`LevelDB store "${this.name}" could not open ${this.location}: ${(err as Error).message}; ${hint}`, {
        cause: err,
      });
    }
    const data = db.sublevel<Buffer, Buffer>('d', BUFFER_ENCODING);
    const meta = db.sublevel<Buffer, Buffer>('m', BUFFER_ENCODING);
    const index = new ByteKeyMap<true>();
    const keys = data.keys();
    try {
      for (;;) {
        const chunk = await keys.nextv(1024);
        if (chunk.length === 0) break;
        for (const key of chunk) index.set(hashKey(key), true);
      }
    } finally {
      await keys.close();
    }
    const offset = meta.getSync(OFFSET_KEY);
    this.changelogOffset = offset === undefined ? undefined : Number(offset.readBigInt64BE(0));
    this.db = db;
    this.data = data;
    this.meta = meta;
    this.index = index;
  }

  isOpen(): boolean {
    return this.db !== undefined;
  }

  get(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    return this.read(hashKey(key), key);
  }

  put(key: Buffer, value: Buffer | null): void {
    requireKey(this.name, key);
    this.openData();
    const hk = hashKey(key);
    this.pending.set(hk, { key, value });
    if (value === null) this.index.delete(hk);
    else if (!this.index.has(hk)) this.index.set(hk, true);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: Buffer): Buffer | undefined {
    const old = this.get(key);
    if (old !== undefined) this.put(key, null);
    return old;
  }

  range(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    this.openData();
    return treeIterator(this.view, rangeScan(from, to, false), this.resolve);
  }

  reverseRange(from: Buffer | undefined, to: Buffer | undefined): KeyValueIterator<Buffer, Buffer> {
    this.openData();
    return treeIterator(this.view, rangeScan(from, to, true), this.resolve);
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
    this.openData();
    return treeIterator(this.view, prefixScan(prefix, reverse), this.resolve);
  }

  approximateNumEntries(): number {
    return this.index.size;
  }

  /** Seals the writes made so far: the next commit() persists exactly these. */
  flushCache(): void {
    if (this.pending.size === 0) return;
    if (this.sealed.size === 0) {
      this.sealed = this.pending;
    } else {
      for (const [hk, write] of this.pending) {
        this.sealed.delete(hk);
        this.sealed.set(hk, write);
      }
    }
    this.pending = new Map();
  }

  commit(changelogOffset?: number): Promise<void> {
    if (changelogOffset !== undefined && !(Number.isSafeInteger(changelogOffset) && changelogOffset >= 0)) {
      return Promise.reject(new RangeError(`store "${this.name}": changelog offset must be a non-negative integer, got ${changelogOffset}`));
    }
    const run = this.commitChain.then(() => this.writeSealed(changelogOffset));
    this.commitChain = run.catch(() => {});
    return run;
  }

  async flush(): Promise<void> {
    this.flushCache();
    await this.commit();
  }

  committedChangelogOffset(): number | undefined {
    return this.changelogOffset;
  }

  async restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const last = records[records.length - 1];
    if (last === undefined) return;
    for (const record of records) this.put(record.key, record.value);
    this.flushCache();
    await this.commit(last.offset + 1);
  }

  async close(): Promise<void> {
    const db = this.db;
    if (db === undefined) return;
    this.pending = new Map();
    this.sealed = new Map();
    await this.commitChain;
    this.db = undefined;
    this.data = undefined;
    this.meta = undefined;
    this.index = new ByteKeyMap<true>();
    this.changelogOffset = undefined;
    await db.close();
  }

  private async writeSealed(changelogOffset: number | undefined): Promise<void> {
    const db = this.db;
    const data = this.data;
    const meta = this.meta;
    if (db === undefined || data === undefined || meta === undefined) {
      throw new Error(`LevelDB store "${this.name}" is not open: commit() needs init() first (and no close() before it)`);
    }
    const writes = this.sealed;
    if (writes.size === 0 && changelogOffset === undefined) return;
    this.sealed = new Map();
    this.inFlight = writes;
    const operations: Array<AbstractBatchOperation<Db, Buffer, Buffer>> = [];
    for (const { key, value } of writes.values()) {
      operations.push(value === null ? { type: 'del', key, sublevel: data } : { type: 'put', key, value, sublevel: data });
    }
    if (changelogOffset !== undefined) {
      const encoded = Buffer.allocUnsafe(8);
      encoded.writeBigInt64BE(BigInt(changelogOffset), 0);
      operations.push({ type: 'put', key: OFFSET_KEY, value: encoded, sublevel: meta });
    }
    try {
      await db.batch(operations);
    } catch (err) {
      // Put the writes back (unless rewritten since) so nothing is lost; the next commit retries.
      for (const [hk, write] of writes) {
        if (!this.pending.has(hk) && !this.sealed.has(hk)) this.sealed.set(hk, write);
      }
      throw new Error(`LevelDB store "${this.name}" failed to write ${writes.size} changes to ${this.location}: ${(err as Error).message}`, {
        cause: err,
      });
    } finally {
      this.inFlight = undefined;
    }
    if (changelogOffset !== undefined) this.changelogOffset = changelogOffset;
  }

  /** The value of a key: unwritten changes first, then disk (only for keys the index has). */
  private read(hk: HashKey, key: Buffer): Buffer | undefined {
    const write = this.pending.get(hk) ?? this.sealed.get(hk) ?? this.inFlight?.get(hk);
    if (write !== undefined) return write.value ?? undefined;
    if (!this.index.has(hk)) return undefined;
    return this.openData().getSync(key);
  }

  private readonly resolve = (binary: string): KeyValue<Buffer, Buffer> | undefined => {
    const key = fromBinaryKey(binary);
    const value = this.read(hashKey(key), key);
    return value === undefined ? undefined : { key, value };
  };

  private openData(): Sublevel {
    if (this.data === undefined) {
      throw new Error(`LevelDB store "${this.name}" is not open; the runtime must init() it before processing`);
    }
    return this.data;
  }
}
