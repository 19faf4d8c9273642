/*
 * Forwards a table operator's updates as Kafka Streams' TimestampedTupleForwarder does:
 *  - store WITHOUT caching: forward each update immediately, as Change(new, old);
 *  - store WITH caching: forward nothing per record; the cache calls our flush listener at
 *    commit (or eviction) with the latest (new, old) per key, and we forward that — so several
 *    updates to one key between commits reach downstream once.
 * The listener runs outside `process`, so it forwards through the owning node's context, whose
 * children do not depend on which record is "current".
 *
 * `sendOldValues` is read at forward time because a downstream operator may switch it on after
 * this operator was created (see TableOpConfig).
 */
import type { ProcessorContext } from '../../processor/processor-context.ts';
import { makeRecord, type RecordHeaders } from '../../processor/record.ts';
import type { KeyValueStore } from '../../state/store-types.ts';
import type { Change } from './change.ts';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.ts';

/** Shared, mutable per-operator settings the DSL may change after creating the operator. */
export interface TableOpConfig {
  sendOldValues: boolean;
}

export type FlushListener<K, V> = (key: K, newValue: V | null, oldValue: V | null, timestamp: number, headers: RecordHeaders) => void;

/** A caching store lets an operator hear about flushed entries; returns true if caching is on. */
export interface FlushListenerCapable<K, V> {
  setFlushListener(listener: FlushListener<K, V>, sendOldValues: boolean): boolean;
}

function hasFlushListener<K, V>(store: unknown): store is FlushListenerCapable<K, V> {
  return typeof (store as { setFlushListener?: unknown }).setFlushListener === 'function';
}

export class TableForwarder<K, V> {
  readonly #cached: boolean;

  constructor(
    store: KeyValueStore<K, ValueAndTimestamp<V>>,
    private readonly context: ProcessorContext<K, Change<V>>,
    private readonly config: TableOpConfig,
  ) {
    this.#cached =
      hasFlushListener<K, ValueAndTimestamp<V>>(store) &&
      store.setFlushListener((key, newValue, oldValue, timestamp, headers) => {
        this.context.forward(
          makeRecord(key, { newValue: newValue?.value ?? null, oldValue: this.config.sendOldValues ? (oldValue?.value ?? null) : null }, newValue?.timestamp ?? timestamp, headers),
        );
      }, config.sendOldValues);
  }

  /** Forwards now unless the store's cache will forward at flush; isLatest false marks an out-of-order versioned update (change.ts). */
  maybeForward(key: K, newValue: V | null, oldValue: V | null, timestamp: number, isLatest = true): void {
    if (this.#cached) return;
    const old = this.config.sendOldValues ? oldValue : null;
    this.context.forward(makeRecord(key, isLatest ? { newValue, oldValue: old } : { newValue, oldValue: old, isLatest: false }, timestamp));
  }
}
