/*
 * ByteKeyMap<V>: the key index of the key-value stores (in-memory data, record cache, LevelDB
 * keys-in-memory index). Built for the per-record path, which does point reads and writes only
 * (get + put per record in aggregations and in SimpleBenchmark's store workloads), while range,
 * prefix and all() reads are rare or absent:
 *
 *   hash     Map<HashKey, V>           every key; point reads and writes are one hash lookup
 *   sorted   BTree<binary string, V>   the same keys in byte order, for ranges — built on the
 *                                      first sorted read, then kept up to date on key inserts
 *                                      and deletes, and dropped again after more than
 *                                      max(MIN_CHURN, size) inserts/deletes without a sorted
 *                                      read (so a rebuild costs O(log n) per change, amortized)
 *
 * HashKey (how a Buffer key is hashed without a tree walk):
 *   key of exactly 4 bytes   the bytes as a signed int32 (big-endian) — a small integer: V8
 *                            hashes it without building a string (Integer/int keys, the common
 *                            case)
 *   any other length         the binary string: the bytes as latin1, one char per byte
 * The two cases never collide (a number never equals a string), and a hash key turns back into
 * the binary string (binaryOfHashKey) — the sort key, since latin1 strings compare exactly as
 * unsigned bytes (sorted-map.ts).
 *
 * Invariants: `sorted`, when present, holds exactly the keys of `hash`, each with the same V.
 * Callers keep V stable per key (mutate a holder object, or call set() to replace it).
 * The sorted view is live: a scan asks sortedView() again at each step (bytes-store.ts), so
 * it sees the current keys whether the view was kept or rebuilt in between.
 */
import { BTree } from './sorted-map.ts';

/** The hash form of key bytes (see header). */
export type HashKey = number | string;

/** Inserts and deletes without a sorted read after which the sorted view is dropped (at least). */
export const MIN_CHURN = 1024;

/** The hash key of `key` (see header). */
export function hashKey(key: Buffer): HashKey {
  return key.length === 4 ? (key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]! : key.toString('latin1');
}

/** The binary string (sort key) of a hash key. */
export function binaryOfHashKey(hk: HashKey): string {
  return typeof hk === 'string' ? hk : String.fromCharCode((hk >>> 24) & 0xff, (hk >>> 16) & 0xff, (hk >>> 8) & 0xff, hk & 0xff);
}

/** Orders binary strings as their bytes (no type checks: the tree holds strings only). */
export function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class ByteKeyMap<V> {
  #hash = new Map<HashKey, V>();
  #sorted: BTree<string, V> | undefined;
  #churn = 0;

  /** `minChurn`: the MIN_CHURN of the header (tests lower it to exercise drops and rebuilds). */
  constructor(private readonly minChurn: number = MIN_CHURN) {}

  get size(): number {
    return this.#hash.size;
  }

  get(hk: HashKey): V | undefined {
    return this.#hash.get(hk);
  }

  has(hk: HashKey): boolean {
    return this.#hash.has(hk);
  }

  /** Sets the value of a key, new or not. */
  set(hk: HashKey, value: V): void {
    const sorted = this.#sorted;
    if (sorted === undefined) {
      this.#hash.set(hk, value);
      return;
    }
    const before = this.#hash.size;
    this.#hash.set(hk, value);
    sorted.set(binaryOfHashKey(hk), value);
    if (this.#hash.size !== before) this.#noteChurn();
  }

  /** Removes a key; true when it was present. */
  delete(hk: HashKey): boolean {
    if (!this.#hash.delete(hk)) return false;
    const sorted = this.#sorted;
    if (sorted !== undefined) {
      sorted.delete(binaryOfHashKey(hk));
      this.#noteChurn();
    }
    return true;
  }

  clear(): void {
    this.#hash = new Map();
    this.#sorted = undefined;
    this.#churn = 0;
  }

  /** Every value, in no particular order. */
  values(): IterableIterator<V> {
    return this.#hash.values();
  }

  /** Every (hash key, value), in no particular order. */
  entries(): IterableIterator<[HashKey, V]> {
    return this.#hash.entries();
  }

  /** The keys in byte order (see header): built now if absent. Do not modify it. */
  sortedView(): BTree<string, V> {
    this.#churn = 0;
    let sorted = this.#sorted;
    if (sorted === undefined) {
      const pairs: Array<[string, V]> = [];
      for (const [hk, value] of this.#hash) pairs.push([binaryOfHashKey(hk), value]);
      pairs.sort((a, b) => compareBinary(a[0], b[0]));
      sorted = new BTree<string, V>(pairs, compareBinary);
      this.#sorted = sorted;
    }
    return sorted;
  }

  /** Whether the sorted view currently exists (for tests and diagnostics). */
  hasSortedView(): boolean {
    return this.#sorted !== undefined;
  }

  #noteChurn(): void {
    if (++this.#churn > Math.max(this.minChurn, this.#hash.size)) {
      this.#sorted = undefined;
      this.#churn = 0;
    }
  }
}
