/*
 * The pieces every store that wraps another shares:
 *  - DelegatingStateStore forwards the lifecycle (name, persistence, init/flush/close/isOpen)
 *    unchanged: the driver's timestamped key-value facade (src/testing/store-facade.ts), the
 *    timestamped window-store facade, and the base of the layers below.
 *  - DelegatingRuntimeStore also forwards the runtime's commit/restore hooks (flushCache,
 *    commit(offset), committedChangelogOffset, restore — see bytes-store.ts for the numbered
 *    commit steps): the bytes-store decorators (wrapped-bytes-store.ts), the metered stores
 *    (metered-store-base.ts) and the stream-stream join's outer store.
 *  - plainValue / unwrapTimestamped strip ValueAndTimestamp<V> for plain-value reads.
 * Invariant: a wrapper owns no resources of its own unless a subclass says so; closing it closes
 * the wrapped store, and it is open exactly when the wrapped store is.
 */
import { FunctionKeyValueIterator } from './kv-iterators.ts';
import type { RestoreRecord } from './bytes-store.ts';
import type { KeyValueIterator, StateStore, StoreContext } from './store-types.ts';
import type { ValueAndTimestamp } from './value-and-timestamp.ts';

export abstract class DelegatingStateStore<S extends StateStore> implements StateStore {
  constructor(protected readonly inner: S) {}

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  init(context: StoreContext): Promise<void> {
    return this.inner.init(context);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  isOpen(): boolean {
    return this.inner.isOpen();
  }
}

/** A store stack as the runtime drives it at commit and restore (bytes-store.ts). */
export interface RuntimeStore extends StateStore {
  flushCache(): void;
  commit(changelogOffset?: number): Promise<void>;
  committedChangelogOffset(): number | undefined;
  restore(records: ReadonlyArray<RestoreRecord>): Promise<void>;
}

export abstract class DelegatingRuntimeStore<S extends RuntimeStore> extends DelegatingStateStore<S> implements RuntimeStore {
  /** Commit steps 1–2: flush the cache (forwarding to the flush listener) and log the changes. */
  flushCache(): void {
    this.inner.flushCache();
  }

  /**
   * Commit step 5: persist the writes made up to the last flushCache() with the changelog end
   * offset (last offset + 1) of the records sent up to that flushCache() — see bytes-store.ts.
   */
  commit(changelogOffset?: number): Promise<void> {
    return this.inner.commit(changelogOffset);
  }

  committedChangelogOffset(): number | undefined {
    return this.inner.committedChangelogOffset();
  }

  /** Applies changelog records straight to the backing store (no cache, no logging). */
  restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    return this.inner.restore(records);
  }
}

/** The plain value of a stored ValueAndTimestamp (undefined for a missing or null entry). */
export function plainValue<V>(stored: ValueAndTimestamp<V> | null | undefined): V | undefined {
  return stored === undefined || stored === null ? undefined : stored.value;
}

/** An iterator over the same keys with the timestamps stripped; closing it closes `inner`. */
export function unwrapTimestamped<K, V>(inner: KeyValueIterator<K, ValueAndTimestamp<V>>): KeyValueIterator<K, V> {
  return new FunctionKeyValueIterator<K, V>(
    () => {
      const step = inner.next();
      return step.done === true ? undefined : { key: step.value.key, value: step.value.value.value };
    },
    () => inner.close(),
  );
}
