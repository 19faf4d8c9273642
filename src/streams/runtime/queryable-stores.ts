/*
 * Interactive queries over this instance's local state — Kafka Streams' QueryableStoreTypes and
 * its Composite* read-only stores. A store name maps to one store per local active task (one per
 * partition); the view fans a query out to all of them:
 *   get / fetch(key, start)   the first task store that has the key (a key lives in one partition)
 *   range / all / fetchAll    the concatenation of each task store's iterator — sorted within a
 *                             partition, NOT globally (as Kafka's composite stores)
 *   approximateNumEntries     the sum
 * Views are read-only and live: each call asks the task manager for the current tasks, so a view
 * obtained before a rebalance answers for the tasks owned now. When no task owns the store (during
 * a rebalance, or on an instance without tasks), calls throw InvalidStateStoreError, which says to
 * retry, as Kafka's InvalidStateStoreException.
 *
 * DSL table stores hold ValueAndTimestamp<V>; the views unwrap them to plain V, as Kafka's
 * keyValueStore() type does (timestampedKeyValueStore() keeps them).
 *
 * versionedKeyValueStore() reads a versioned store (Stores.*VersionedKeyValueStore, or a table
 * materialized on one) by key only — Kafka's IQv2 VersionedKeyQuery and MultiVersionedKeyQuery
 * (KIP-960, KIP-968) — from the one task store that has versions of the key.
 */
import type { Windowed } from '../serde/windowed-serdes.ts';
import type { KeyValue, KeyValueIterator, ReadOnlyKeyValueStore, StateStore } from '../state/store-types.ts';
import type { ReadOnlyWindowStore, WindowStoreIterator } from '../state/window/window-store-types.ts';
import { AbstractKeyValueIterator, MappedKeyValueIterator } from '../state/kv-iterators.ts';
import type { MultiVersionedKeyQuery, VersionedKeyQuery, VersionsRange } from '../state/versioned/versioned-queries.ts';
import { isVersionedStore, type ReadOnlyVersionedKeyValueStore, type VersionedRecord } from '../state/versioned/versioned-record.ts';
import { asVersionedTable } from '../state/versioned/versioned-table-store.ts';

export class InvalidStateStoreError extends Error {
  override readonly name = 'InvalidStateStoreError';
}

export interface QueryableStoreType<T> {
  readonly kind: 'keyValue' | 'timestampedKeyValue' | 'window' | 'timestampedWindow' | 'versioned';
  /** Phantom: the view type. */
  readonly __view?: T;
}

export interface TimestampedValue<V> {
  readonly value: V;
  readonly timestamp: number;
}

export const QueryableStoreTypes = {
  keyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    return { kind: 'keyValue' };
  },
  timestampedKeyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, TimestampedValue<V>>> {
    return { kind: 'timestampedKeyValue' };
  },
  windowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> {
    return { kind: 'window' };
  },
  timestampedWindowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, TimestampedValue<V>>> {
    return { kind: 'timestampedWindow' };
  },
  /** A versioned store: get(key[, asOf]), getVersions(key, range), query(VersionedKeyQuery | MultiVersionedKeyQuery). */
  versionedKeyValueStore<K, V>(): QueryableStoreType<ReadOnlyVersionedStoreView<K, V>> {
    return { kind: 'versioned' };
  },
} as const;

/** What the views need: the local stores named `name`, and whether they hold timestamped values. */
export interface LocalStoreProvider {
  stores(name: string): StateStore[];
  isTimestamped(name: string): boolean;
}

/** Iterates several iterators one after the other, closing each. */
class ConcatIterator<K, V> extends AbstractKeyValueIterator<K, V> {
  #i = 0;
  constructor(private readonly parts: Array<KeyValueIterator<K, V>>) {
    super();
  }
  protected advance(): KeyValue<K, V> | undefined {
    while (this.#i < this.parts.length) {
      const step = this.parts[this.#i]!.next();
      if (step.done !== true) return step.value;
      this.#i++;
    }
    return undefined;
  }
  protected override release(): void {
    for (const p of this.parts) p.close();
  }
}

function unwrap<V>(v: unknown, timestamped: boolean): V {
  if (!timestamped || v === null || v === undefined) return v as V;
  return (v as TimestampedValue<V>).value;
}

abstract class CompositeView<S> {
  constructor(
    protected readonly provider: LocalStoreProvider,
    readonly name: string,
    protected readonly unwrapValues: boolean,
    private readonly check: (s: StateStore) => boolean,
    private readonly typeName: string,
  ) {}

  protected stores(): S[] {
    const all = this.provider.stores(this.name);
    if (all.length === 0) {
      throw new InvalidStateStoreError(
        `State store "${this.name}" is not available on this instance right now (no local task owns it — rebalancing, restoring, or assigned elsewhere); retry shortly or ask queryMetadataForKey() which instance owns the key.`,
      );
    }
    for (const s of all) {
      if (!this.check(s)) throw new InvalidStateStoreError(`State store "${this.name}" is not a ${this.typeName}; query it with the matching QueryableStoreTypes entry.`);
      if (!s.isOpen()) throw new InvalidStateStoreError(`State store "${this.name}" is closing (a rebalance moved its task); retry shortly.`);
    }
    return all as unknown as S[];
  }

  protected v<V>(value: unknown): V {
    return unwrap<V>(value, this.unwrapValues);
  }

  protected mapIt<K, V>(it: KeyValueIterator<K, unknown>): KeyValueIterator<K, V> {
    if (!this.unwrapValues) return it as KeyValueIterator<K, V>;
    return new MappedKeyValueIterator(it, (p) => ({ key: p.key, value: this.v<V>(p.value) }));
  }
}

const isKv = (s: StateStore): boolean => typeof (s as Partial<ReadOnlyKeyValueStore<unknown, unknown>>).range === 'function' && typeof (s as { windowSizeMs?: unknown }).windowSizeMs !== 'number';
const isWindow = (s: StateStore): boolean => typeof (s as { windowSizeMs?: unknown }).windowSizeMs === 'number';

export class CompositeReadOnlyKeyValueStore<K, V> extends CompositeView<ReadOnlyKeyValueStore<K, unknown>> implements ReadOnlyKeyValueStore<K, V> {
  constructor(provider: LocalStoreProvider, name: string, unwrapValues: boolean) {
    super(provider, name, unwrapValues, isKv, 'key-value store');
  }
  get(key: K): V | undefined {
    for (const s of this.stores()) {
      const v = s.get(key);
      if (v !== undefined && v !== null) return this.v<V>(v);
    }
    return undefined;
  }
  range(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<K, V>(s.range(from, to))));
  }
  reverseRange(from: K | undefined, to: K | undefined): KeyValueIterator<K, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<K, V>(s.reverseRange(from, to))));
  }
  all(): KeyValueIterator<K, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<K, V>(s.all())));
  }
  reverseAll(): KeyValueIterator<K, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<K, V>(s.reverseAll())));
  }
  prefixScan<P>(prefix: P, prefixSerializer: { serialize(topic: string, data: P): Buffer }): KeyValueIterator<K, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<K, V>(s.prefixScan(prefix, prefixSerializer))));
  }
  approximateNumEntries(): number {
    return this.stores().reduce((n, s) => n + s.approximateNumEntries(), 0);
  }
}

export class CompositeReadOnlyWindowStore<K, V> extends CompositeView<ReadOnlyWindowStore<K, unknown>> implements ReadOnlyWindowStore<K, V> {
  constructor(provider: LocalStoreProvider, name: string, unwrapValues: boolean) {
    super(provider, name, unwrapValues, isWindow, 'window store');
  }
  fetch(key: K, windowStart: number): V | undefined;
  fetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  fetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  fetch(
    key: K | null | undefined,
    a: K | number | null | undefined,
    b?: number,
    c?: number,
  ): V | undefined | WindowStoreIterator<V> | KeyValueIterator<Windowed<K>, V> {
    if (c !== undefined) {
      return new ConcatIterator(this.stores().map((s) => this.mapIt<Windowed<K>, V>(s.fetch(key, a as K | null | undefined, b!, c))));
    }
    const timeFrom = a as number;
    if (b === undefined) {
      for (const s of this.stores()) {
        const v = s.fetch(key as K, timeFrom);
        if (v !== undefined && v !== null) return this.v<V>(v);
      }
      return undefined;
    }
    return new ConcatIterator(this.stores().map((s) => this.mapIt<number, V>(s.fetch(key as K, timeFrom, b))));
  }
  backwardFetch(key: K, timeFrom: number, timeTo: number): WindowStoreIterator<V>;
  backwardFetch(keyFrom: K | null | undefined, keyTo: K | null | undefined, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  backwardFetch(key: K | null | undefined, a: K | number | null | undefined, b: number, c?: number): WindowStoreIterator<V> | KeyValueIterator<Windowed<K>, V> {
    if (c !== undefined) {
      return new ConcatIterator(this.stores().map((s) => this.mapIt<Windowed<K>, V>(s.backwardFetch(key, a as K | null | undefined, b, c))));
    }
    return new ConcatIterator(this.stores().map((s) => this.mapIt<number, V>(s.backwardFetch(key as K, a as number, b))));
  }
  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<Windowed<K>, V>(s.fetchAll(timeFrom, timeTo))));
  }
  backwardFetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<Windowed<K>, V>(s.backwardFetchAll(timeFrom, timeTo))));
  }
  all(): KeyValueIterator<Windowed<K>, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<Windowed<K>, V>(s.all())));
  }
  backwardAll(): KeyValueIterator<Windowed<K>, V> {
    return new ConcatIterator(this.stores().map((s) => this.mapIt<Windowed<K>, V>(s.backwardAll())));
  }
}

/** The versioned view: Kafka's IQv2 versioned queries as methods (file comment). */
export interface ReadOnlyVersionedStoreView<K, V> extends ReadOnlyVersionedKeyValueStore<K, V> {
  query(q: VersionedKeyQuery<K>): VersionedRecord<V> | null;
  query(q: MultiVersionedKeyQuery<K>): Array<VersionedRecord<V>>;
}

/** A table materialized on a versioned store wraps it; a Processor API versioned store is it. */
export function versionedOf<K, V>(s: StateStore): ReadOnlyVersionedKeyValueStore<K, V> {
  return (asVersionedTable<K, V>(s)?.versioned ?? s) as unknown as ReadOnlyVersionedKeyValueStore<K, V>;
}

export class CompositeReadOnlyVersionedStore<K, V> extends CompositeView<ReadOnlyVersionedKeyValueStore<K, V>> implements ReadOnlyVersionedStoreView<K, V> {
  constructor(provider: LocalStoreProvider, name: string) {
    super(provider, name, false, isVersionedStore, 'versioned key-value store');
  }
  protected override stores(): Array<ReadOnlyVersionedKeyValueStore<K, V>> {
    return super.stores().map((s) => versionedOf<K, V>(s as unknown as StateStore));
  }
  get(key: K, asOfTimestamp?: number): VersionedRecord<V> | null {
    for (const s of this.stores()) {
      const r = asOfTimestamp === undefined ? s.get(key) : s.get(key, asOfTimestamp);
      if (r !== null) return r;
    }
    return null;
  }
  getVersions(key: K, range?: VersionsRange): Array<VersionedRecord<V>> {
    // A key lives in one partition: the first task store with versions of it has them all.
    for (const s of this.stores()) {
      const found = s.getVersions(key, range);
      if (found.length > 0) return found;
    }
    return [];
  }
  query(q: VersionedKeyQuery<K>): VersionedRecord<V> | null;
  query(q: MultiVersionedKeyQuery<K>): Array<VersionedRecord<V>>;
  query(q: VersionedKeyQuery<K> | MultiVersionedKeyQuery<K>): VersionedRecord<V> | null | Array<VersionedRecord<V>> {
    // Plain data after a structured clone to a worker thread: read fields, not methods.
    if (q.type === 'MultiVersionedKeyQuery') return this.getVersions(q.key, q.range);
    if (q.type === 'VersionedKeyQuery') return this.get(q.key, q.asOfTime);
    throw new TypeError(`A versioned store view answers VersionedKeyQuery and MultiVersionedKeyQuery, not ${JSON.stringify((q as { type?: unknown }).type)}`);
  }
}

/** The view for `type` over the stores named `name`. */
export function queryableStore<T>(provider: LocalStoreProvider, name: string, type: QueryableStoreType<T>): T {
  const timestamped = provider.isTimestamped(name);
  switch (type.kind) {
    case 'keyValue':
      return new CompositeReadOnlyKeyValueStore(provider, name, timestamped) as unknown as T;
    case 'timestampedKeyValue':
      return new CompositeReadOnlyKeyValueStore(provider, name, false) as unknown as T;
    case 'window':
      return new CompositeReadOnlyWindowStore(provider, name, timestamped) as unknown as T;
    case 'timestampedWindow':
      return new CompositeReadOnlyWindowStore(provider, name, false) as unknown as T;
    case 'versioned':
      return new CompositeReadOnlyVersionedStore(provider, name) as unknown as T;
  }
}
