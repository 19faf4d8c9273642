/*
 * ThreadCache: ONE record-cache budget per stream thread, shared by every caching store of every
 * task the thread runs — Kafka Streams' ThreadCache with `statestore.cache.max.bytes` (formerly
 * `cache.max.bytes.buffering`; default 10 MiB, 0 = no caching). The stores keep their own entries
 * and dirty lists (Kafka's NamedCache: caching-key-value-store.ts, cache/caching-segment-backing.ts);
 * this class owns only what must be global:
 *
 *   bytes   the sum of the sizes of every live entry of every store (key + value + ENTRY_OVERHEAD)
 *   LRU     per store (Kafka's NamedCache keeps its own), an intrusive doubly linked list through
 *           that store's entries (olderUse/newerUse), least recently used at the head; a store
 *           moves an entry to the tail on every get/put
 *
 * Eviction (maybeEvict(owner), after the owner inserted or grew an entry) is Kafka's
 * ThreadCache.maybeEvict(namespace) (apache/kafka streams/src/main/java/org/apache/kafka/streams/
 * state/internals/ThreadCache.java): while bytes > maxBytes, the WRITING store's least recently
 * used entry is evicted; when that store has nothing left, the pass ends (the other stores'
 * entries wait for their own writes or the next commit). To evict, the owner first flushes its
 * dirty entries if the entry is dirty (as NamedCache.evict does, so eviction never loses a write
 * and downstream sees the update), then unlinks it. When the budget shrinks (setMaxBytes, Kafka's
 * ThreadCache.resize: a stream thread added or removed), the stores are walked round-robin, one
 * least recently used entry each, until the cache fits. Eviction is not re-entrant: puts
 * made by a flush listener during an eviction are evicted by the outer loop. An entry its owner
 * could not evict (the flush listener rewrote it, so it is dirty again) ends the pass: the cache
 * stays over budget until the next commit flushes it.
 *
 * Invariant: an entry is in its owner's LRU list iff `cached` is true; `bytes` counts exactly
 * those, over every owner.
 */

/** Bytes charged per entry beyond key and value (object, map slots, tree slot). */
export const ENTRY_OVERHEAD = 64;

/** Kafka Streams' default `statestore.cache.max.bytes`: 10 MiB per thread. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/** A store that holds entries in a ThreadCache (Kafka's NamedCache). */
export interface CacheOwner {
  /** Flushes this store's dirty entries if `entry` is dirty, then removes `entry` (see header). */
  evict(entry: ThreadCacheEntry): void;
}

/** The part of a cache entry the thread cache links and counts; stores subclass it. */
export class ThreadCacheEntry {
  cached = false;
  olderUse: ThreadCacheEntry | null = null;
  newerUse: ThreadCacheEntry | null = null;

  constructor(
    readonly owner: CacheOwner,
    public size: number,
  ) {}
}

/** One store's LRU list: least recently used at head, most recently used at tail. */
interface LruList {
  head: ThreadCacheEntry | null;
  tail: ThreadCacheEntry | null;
}

export class ThreadCache {
  readonly #lists = new Map<CacheOwner, LruList>();
  #bytes = 0;
  #entries = 0;
  #evicting = false;
  #evictions = 0;
  #maxBytes: number;

  constructor(maxBytes: number = DEFAULT_CACHE_MAX_BYTES) {
    this.#maxBytes = checkBudget(maxBytes);
  }

  /** The budget: bytes the entries of every store may take together. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  /**
   * Kafka's ThreadCache.resize: a new budget. When it shrinks, the stores are walked round-robin,
   * each evicting its least recently used entry (flushing its dirty entries first), until the
   * cache fits or no store can give up an entry. Call between records (the stream thread does).
   */
  setMaxBytes(maxBytes: number): void {
    const shrink = checkBudget(maxBytes) < this.#maxBytes;
    this.#maxBytes = maxBytes;
    if (!shrink || this.#evicting) return;
    this.#evicting = true;
    try {
      let progress = true;
      while (this.#bytes > this.#maxBytes && progress) {
        progress = false;
        for (const list of [...this.#lists.values()]) {
          if (this.#bytes <= this.#maxBytes) break;
          const entry = list.head;
          if (entry === null) continue;
          entry.owner.evict(entry);
          if (entry.cached) continue; // rewritten by a flush listener: this store gives up nothing now
          this.#evictions++;
          progress = true;
        }
      }
    } finally {
      this.#evicting = false;
    }
  }

  /** Bytes charged to the cache by every store. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Live entries of every store. */
  get size(): number {
    return this.#entries;
  }

  /** Entries removed to stay within maxBytes since the cache was created. */
  get evictions(): number {
    return this.#evictions;
  }

  /** Links a new entry as most recently used and charges its size. */
  add(entry: ThreadCacheEntry): void {
    entry.cached = true;
    this.#append(this.#listOf(entry.owner), entry);
    this.#bytes += entry.size;
    this.#entries++;
  }

  /** Marks a live entry most recently used. */
  touch(entry: ThreadCacheEntry): void {
    if (!entry.cached) return;
    const list = this.#listOf(entry.owner);
    if (entry === list.tail) return;
    this.#unlink(list, entry);
    this.#append(list, entry);
  }

  /** Changes the charged size of a live entry (its value changed). */
  resize(entry: ThreadCacheEntry, size: number): void {
    if (entry.cached) this.#bytes += size - entry.size;
    entry.size = size;
  }

  /** Unlinks an entry and stops charging it; a no-op for an entry no longer cached. */
  remove(entry: ThreadCacheEntry): void {
    if (!entry.cached) return;
    entry.cached = false;
    this.#unlink(this.#listOf(entry.owner), entry);
    this.#bytes -= entry.size;
    this.#entries--;
  }

  /** Evicts `owner`'s least recently used entries until the cache fits its budget (see header). */
  maybeEvict(owner: CacheOwner): void {
    if (this.#bytes <= this.#maxBytes || this.#evicting) return;
    this.#evicting = true;
    try {
      const list = this.#listOf(owner);
      while (this.#bytes > this.#maxBytes) {
        const entry = list.head;
        if (entry === null) break;
        entry.owner.evict(entry);
        if (entry.cached) break;
        this.#evictions++;
      }
    } finally {
      this.#evicting = false;
    }
  }

  /** Forgets a closed store's (empty) list. */
  release(owner: CacheOwner): void {
    const list = this.#lists.get(owner);
    if (list !== undefined && list.head === null) this.#lists.delete(owner);
  }

  #listOf(owner: CacheOwner): LruList {
    let list = this.#lists.get(owner);
    if (list === undefined) {
      list = { head: null, tail: null };
      this.#lists.set(owner, list);
    }
    return list;
  }

  #append(list: LruList, entry: ThreadCacheEntry): void {
    entry.olderUse = list.tail;
    entry.newerUse = null;
    if (list.tail === null) list.head = entry;
    else list.tail.newerUse = entry;
    list.tail = entry;
  }

  #unlink(list: LruList, entry: ThreadCacheEntry): void {
    const older = entry.olderUse;
    const newer = entry.newerUse;
    if (older === null) list.head = newer;
    else older.newerUse = newer;
    if (newer === null) list.tail = older;
    else newer.olderUse = older;
    entry.olderUse = null;
    entry.newerUse = null;
  }
}

/** What a store builder needs to know about the thread's cache when a task builds a store. */
export interface CacheBuildOptions {
  /** statestore.cache.max.bytes; 0 builds every store without a cache. */
  readonly cacheMaxBytes: number;
  /** The thread's shared cache; absent: a caching store gets a cache of its own. */
  readonly threadCache?: ThreadCache | undefined;
}

/** A builder's withCachingEnabled(maxBytes) argument, checked (> 0; Infinity = no bound). */
export function checkCacheMaxBytes(store: string, maxBytes: number): number {
  if (!(maxBytes > 0)) throw new RangeError(`store "${store}": cache maxBytes must be > 0, got ${maxBytes}`);
  return maxBytes;
}

function checkBudget(maxBytes: number): number {
  if (!(maxBytes > 0)) throw new RangeError(`record cache size must be > 0 bytes (0 means no cache: build the stores without one), got ${maxBytes}`);
  return maxBytes;
}

const perThread = new WeakMap<object, ThreadCache>();
/** Budgets set by resizeThreadCache, which win over the builder's maxBytes (a cache created later). */
const budgets = new WeakMap<object, number>();

/**
 * The one cache of the stream thread that `owner` stands for (the thread's task configuration:
 * every task of a thread, and of a TopologyTestDriver, shares one), created on first use with
 * `maxBytes`; undefined for 0 (caching off, as statestore.cache.max.bytes=0).
 */
export function threadCacheFor(owner: object, maxBytes: number): ThreadCache | undefined {
  if (!(maxBytes > 0)) return undefined;
  let cache = perThread.get(owner);
  if (cache === undefined) {
    cache = new ThreadCache(budgets.get(owner) ?? maxBytes);
    perThread.set(owner, cache);
  }
  return cache;
}

/**
 * Gives the thread cache of `owner` (see threadCacheFor) a new budget — now when it exists, else
 * when it is created. The stream thread calls it between records (Kafka's StreamThread.resizeCache).
 */
export function resizeThreadCache(owner: object, maxBytes: number): void {
  budgets.set(owner, checkBudget(maxBytes));
  perThread.get(owner)?.setMaxBytes(maxBytes);
}

/** The budget of `owner`'s thread cache: the last resize, else `maxBytes` (what it was built with). */
export function threadCacheBudget(owner: object, maxBytes: number): number {
  return budgets.get(owner) ?? maxBytes;
}
