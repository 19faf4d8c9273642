/*
 * Synchronous KeyValueIterators shared by every store layer.
 *
 * Invariants:
 * - Iterators are lazy and cursor-based: each step asks its source for "the next key after the
 *   last one returned" instead of walking a live tree iterator. A processor may therefore write
 *   to the store while iterating (Kafka Streams allows it) without corrupting the walk. Keys
 *   present throughout are returned once each, in order; a key written ahead of the cursor may or
 *   may not be seen (merging iterators look one pair ahead), one behind it is not.
 * - `close()` is idempotent; after it `next()` reports done. Exhausting an iterator or leaving a
 *   `for…of` loop early (`return()`) closes it.
 * - Direction is part of the iterator: a reverse iterator yields keys in descending byte order.
 */
import type { KeyValue, KeyValueIterator } from './store-types.ts';

/** Base class: subclasses produce the next pair or undefined when exhausted. */
export abstract class AbstractKeyValueIterator<K, V> implements KeyValueIterator<K, V> {
  private closed = false;

  protected abstract advance(): KeyValue<K, V> | undefined;

  /** Hook for subclasses that hold resources. */
  protected release(): void {}

  next(): IteratorResult<KeyValue<K, V>> {
    if (this.closed) return { done: true, value: undefined };
    const pair = this.advance();
    if (pair === undefined) {
      this.close();
      return { done: true, value: undefined };
    }
    return { done: false, value: pair };
  }

  return(): IteratorResult<KeyValue<K, V>> {
    this.close();
    return { done: true, value: undefined };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/** Wraps a pull function as an iterator. */
export class FunctionKeyValueIterator<K, V> extends AbstractKeyValueIterator<K, V> {
  constructor(
    private readonly pull: () => KeyValue<K, V> | undefined,
    private readonly onClose: () => void = () => {},
  ) {
    super();
  }
  protected advance(): KeyValue<K, V> | undefined {
    return this.pull();
  }
  protected override release(): void {
    this.onClose();
  }
}

/** An iterator with nothing in it. */
export function emptyIterator<K, V>(): KeyValueIterator<K, V> {
  return new FunctionKeyValueIterator<K, V>(() => undefined);
}

/** Maps each pair of an inner iterator (used by the metered layer to deserialize). */
export class MappedKeyValueIterator<K1, V1, K2, V2> extends AbstractKeyValueIterator<K2, V2> {
  constructor(
    private readonly inner: KeyValueIterator<K1, V1>,
    private readonly map: (pair: KeyValue<K1, V1>) => KeyValue<K2, V2>,
  ) {
    super();
  }
  protected advance(): KeyValue<K2, V2> | undefined {
    const step = this.inner.next();
    return step.done === true ? undefined : this.map(step.value);
  }
  protected override release(): void {
    this.inner.close();
  }
}

/** One side of a merge: a sorted source whose values may be tombstones (null). */
export interface MergeSource {
  next(): KeyValue<Buffer, Buffer | null> | undefined;
  close(): void;
}

/**
 * Merges a cache view (values may be null = deleted) over a store view of the same key range.
 * On equal keys the cache wins; a cache tombstone hides the store's pair. Both inputs must be
 * sorted in the iterator's direction.
 */
export class MergedKeyValueIterator extends AbstractKeyValueIterator<Buffer, Buffer> {
  private cacheHead: KeyValue<Buffer, Buffer | null> | undefined;
  private storeHead: KeyValue<Buffer, Buffer> | undefined;
  private readonly sign: 1 | -1;

  constructor(
    private readonly cache: MergeSource,
    private readonly store: KeyValueIterator<Buffer, Buffer>,
    reverse: boolean,
  ) {
    super();
    this.sign = reverse ? -1 : 1;
    this.cacheHead = cache.next();
    this.storeHead = this.pullStore();
  }

  private pullStore(): KeyValue<Buffer, Buffer> | undefined {
    const step = this.store.next();
    return step.done === true ? undefined : step.value;
  }

  protected advance(): KeyValue<Buffer, Buffer> | undefined {
    for (;;) {
      const cached = this.cacheHead;
      const stored = this.storeHead;
      if (cached === undefined && stored === undefined) return undefined;
      const order =
        cached === undefined ? 1 : stored === undefined ? -1 : this.sign * Buffer.compare(cached.key, stored.key);
      if (order > 0) {
        this.storeHead = this.pullStore();
        return stored;
      }
      // cached is defined here: the cache is first, or both have the same key.
      this.cacheHead = this.cache.next();
      if (order === 0) this.storeHead = this.pullStore();
      if (cached!.value !== null) return { key: cached!.key, value: cached!.value };
      // a tombstone: skip the key on both sides and continue
    }
  }

  protected override release(): void {
    this.cache.close();
    this.store.close();
  }
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or undefined
 * when there is none (prefix is empty or all 0xff). Used to turn prefixScan into a range.
 */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const bound = Buffer.from(prefix.subarray(0, end));
  bound[end - 1] = bound[end - 1]! + 1;
  return bound;
}
