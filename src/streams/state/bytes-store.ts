/*
 * The contract between the store layers below the metered (typed) store: everything is bytes.
 *
 *   MeteredKeyValueStore<K, V>            serdes, metrics            (typed, the processor's view)
 *     → CachingKeyValueStore              write-back cache            ┐
 *     → ChangeLoggingKeyValueStore        changes → changelog topic   ├ BytesKeyValueStore
 *     → InMemory / LevelDb store          the data                    ┘
 *
 * Besides the KeyValueStore operations, every bytes layer carries the commit and restore paths
 * the runtime needs (the numbered commit procedure in docs/architecture.md):
 *   1–2  flushCache(): the caching layer forwards its dirty entries to the flush listener and
 *        writes them down; the changelogging layer sends each to the changelog. Synchronous.
 *   5    commit(changelogOffset): the backing store writes its pending changes, together with the
 *        changelog offset, in one batch (LevelDB: one `db.batch()`), so the offset on disk always
 *        describes exactly the data on disk.
 *   flush() = flushCache() + commit() without a new offset (StateStore contract).
 *
 * Changelog offsets here are "next offset to read", like a consumer's committed offset: after
 * applying the changelog record at offset 41, the store's committedChangelogOffset() is 42, and a
 * restore resumes by fetching from 42. undefined means "nothing recorded: restore from the start".
 *
 * restore(records) applies changelog records straight to the backing store (no cache, no
 * changelog: they came from the changelog) and commits offset = last record's offset + 1.
 *
 * Ranges: `from`/`to` are inclusive; undefined is open. A range whose from > to is empty, as in
 * Kafka Streams. Keys compare as unsigned bytes, lexicographically.
 */
import type { KeyValue, KeyValueIterator, KeyValueStore } from './store-types.ts';
import { FunctionKeyValueIterator, prefixUpperBound } from './kv-iterators.ts';
import type { BTree } from './sorted-map.ts';
import { toBinaryKey } from './sorted-map.ts';

/** One changelog record to restore: key, value (null = tombstone), and its offset. */
export interface RestoreRecord {
  key: Buffer;
  value: Buffer | null;
  offset: number;
  timestamp?: number;
  /** The changelog record's headers (a store whose layout is versioned by a header reads them). */
  headers?: Readonly<Record<string, Buffer>>;
}

export interface BytesKeyValueStore extends KeyValueStore<Buffer, Buffer> {
  /** Commit steps 1–2: write cached changes down (and to the changelog). No-op without a cache. */
  flushCache(): void;
  /**
   * Commit step 5: persist the changes made up to the last flushCache(), recording
   * `changelogOffset` with them when given. The offset must be the end offset (last offset + 1)
   * of the changelog records sent up to that flushCache() — not of records sent after it, whose
   * data is not part of this commit (a restore would skip them).
   */
  commit(changelogOffset?: number): Promise<void>;
  /** The next changelog offset to restore from, or undefined when none was recorded. */
  committedChangelogOffset(): number | undefined;
  /** Applies changelog records directly to the backing store and commits their end offset. */
  restore(records: ReadonlyArray<RestoreRecord>): Promise<void>;
  /** Keys whose bytes start with `prefix` (the bytes-level prefixScan). */
  prefixScanBytes(prefix: Buffer, reverse?: boolean): KeyValueIterator<Buffer, Buffer>;
}

/** A scan over binary-string keys: bounds in binary-string form, upper bound maybe exclusive. */
export interface BinaryScan {
  lo: string | undefined;
  hi: string | undefined;
  hiInclusive: boolean;
  reverse: boolean;
}

/** The scan for range(from, to) (both inclusive), or undefined when from > to (empty). */
export function rangeScan(from: Buffer | undefined, to: Buffer | undefined, reverse: boolean): BinaryScan | undefined {
  if (from !== undefined && to !== undefined && Buffer.compare(from, to) > 0) return undefined;
  return {
    lo: from === undefined ? undefined : toBinaryKey(from),
    hi: to === undefined ? undefined : toBinaryKey(to),
    hiInclusive: true,
    reverse,
  };
}

/** The scan for every key starting with `prefix`: [prefix, successor(prefix)). */
export function prefixScan(prefix: Buffer, reverse: boolean): BinaryScan {
  const upper = prefixUpperBound(prefix);
  return {
    lo: prefix.length === 0 ? undefined : toBinaryKey(prefix),
    hi: upper === undefined ? undefined : toBinaryKey(upper),
    hiInclusive: false,
    reverse,
  };
}

/**
 * A lazy, cursor-based walk over the keys of a sorted tree within `scan` (see kv-iterators.ts for
 * why cursor-based). `view` gives the tree and is asked again at every step, so the walk follows
 * a tree that was replaced in between (a ByteKeyMap's sorted view may be dropped and rebuilt,
 * byte-key-map.ts). `resolve` turns a tree key and value into the pair to yield, or undefined to
 * skip it.
 */
export function scanTree<T, R>(
  view: () => BTree<string, T>,
  scan: BinaryScan,
  resolve: (key: string, value: T) => R | undefined,
): () => R | undefined {
  let cursor: string | undefined;
  let started = false;
  let done = false;
  const inRange = (key: string): boolean => {
    if (scan.reverse) return scan.lo === undefined || key >= scan.lo;
    if (scan.hi === undefined) return true;
    return scan.hiInclusive ? key <= scan.hi : key < scan.hi;
  };
  return () => {
    while (!done) {
      const tree = view();
      let pair: [string, T] | undefined;
      if (!started) {
        started = true;
        if (scan.reverse) {
          pair =
            scan.hi === undefined
              ? tree.nextLowerPair(undefined)
              : scan.hiInclusive
                ? tree.getPairOrNextLower(scan.hi)
                : tree.nextLowerPair(scan.hi);
        } else {
          pair = scan.lo === undefined ? tree.nextHigherPair(undefined) : tree.getPairOrNextHigher(scan.lo);
        }
      } else {
        pair = scan.reverse ? tree.nextLowerPair(cursor) : tree.nextHigherPair(cursor);
      }
      if (pair === undefined || !inRange(pair[0])) {
        done = true;
        return undefined;
      }
      cursor = pair[0];
      const resolved = resolve(pair[0], pair[1]);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  };
}

/** A KeyValueIterator over a tree scan. */
export function treeIterator<T>(
  view: () => BTree<string, T>,
  scan: BinaryScan | undefined,
  resolve: (key: string, value: T) => KeyValue<Buffer, Buffer> | undefined,
): KeyValueIterator<Buffer, Buffer> {
  if (scan === undefined) return new FunctionKeyValueIterator<Buffer, Buffer>(() => undefined);
  return new FunctionKeyValueIterator(scanTree(view, scan, resolve));
}

/** Rejects a null/undefined key with a message that says which store and what to do. */
export function requireKey(store: string, key: Buffer | null | undefined): asserts key is Buffer {
  if (key === null || key === undefined) {
    throw new TypeError(`store "${store}": keys must not be null or undefined; filter out null keys before the store`);
  }
}
