/*
 * StorePosition: one store partition's live IQv2 position — Kafka's per-store `Position` that
 * RocksDBStore, InMemoryKeyValueStore and the caching layers update on every write
 * (StoreQueryUtils.updatePosition), kept here for the whole store stack by its top (metered)
 * layer, so the position a query is checked against covers what the store answers from,
 * cache included (Kafka merges the caching layer's position with the inner store's).
 *
 * Per write (update()): the task's record being processed (topic, partition, offset) becomes
 * this store's component for that input partition, replacing the previous one, as Kafka's
 * withComponent. The task hands out a fresh metadata object per record, so the second and later
 * writes of one record compare one reference and return: no allocation and at most one map
 * entry updated per store per record.
 * A write with no record being processed:
 *   - during a cache flush (commit step 1): the write is a downstream effect of entries flushed
 *     from an upstream store of the task, and `flushing()` gives that store's position, which is
 *     merged in. Kafka replays each flushed entry in its own record's context; the union of those
 *     records is (at most) the flushing store's position, so the result is the same once the
 *     flush is done;
 *   - in a punctuation: no change, as Kafka (the punctuation has no record metadata).
 * mergeFrom(): restored changelog headers and the `.position` checkpoint merge in, keeping the
 * larger offset per input partition (Kafka's Position.merge).
 *
 * `version` counts changes, so snapshots, checkpoints and serialized headers are rebuilt only
 * when the position moved.
 */
import type { RecordMetadata } from '../../processor/processor-context.ts';
import { Position } from './position.ts';
import { consistencyHeaders } from './position-serde.ts';

/** A slot not written yet (offsets are never below -1; Kafka's positions hold record offsets). */
const UNSET = Number.MIN_SAFE_INTEGER;

export interface PositionSource {
  /** The record being processed, or undefined (punctuation, commit). */
  current(): RecordMetadata | undefined;
  /** During a cache flush: the position of the store whose cache is flushing. Else undefined. */
  flushing(): Position | undefined;
}

/** One input partition's offset, updated in place (no Map write on the per-record path). */
interface Slot {
  readonly topic: string;
  readonly partition: number;
  offset: number;
}

export class StorePosition {
  readonly #offsets = new Map<string, Map<number, Slot>>();
  #last: RecordMetadata | undefined;
  /** The slot the last record updated: records come in long runs of one input partition. */
  #lastSlot: Slot | undefined;
  /** The flushing store's position last merged (snapshots are shared while unchanged). */
  #lastFlush: unknown;
  #version = 0;
  #snapshot: { version: number; position: Position } | undefined;
  #headers: { version: number; headers: Record<string, Buffer> } | undefined;

  constructor(private readonly source: PositionSource) {}

  /** Changes since creation; equal versions mean equal positions. */
  get version(): number {
    return this.#version;
  }

  /** Called on every write of the store (see the file comment). */
  update(): void {
    const m = this.source.current();
    if (m === undefined) {
      const taken = this.source.flushing();
      if (taken === undefined || taken === this.#lastFlush) return;
      this.#lastFlush = taken;
      this.mergeFrom(taken);
      return;
    }
    if (m === this.#last) return;
    this.#last = m;
    let slot = this.#lastSlot;
    if (slot === undefined || slot.partition !== m.partition || slot.topic !== m.topic) slot = this.#lastSlot = this.#slot(m.topic, m.partition);
    if (slot.offset !== m.offset) {
      slot.offset = m.offset;
      this.#version++;
    }
  }

  /** Merges `other` in, keeping the larger offset per input partition. */
  mergeFrom(other: Position): void {
    for (const topic of other.getTopics()) {
      for (const [partition, offset] of other.getPartitionPositions(topic)) this.#raise(topic, partition, offset);
    }
  }

  /** A copy of the position now (cached until it changes; callers must not mutate it — copy() first). */
  snapshot(): Position {
    if (this.#snapshot?.version !== this.#version) {
      const p = Position.emptyPosition();
      for (const [topic, inner] of this.#offsets) for (const [partition, slot] of inner) if (slot.offset !== UNSET) p.withComponent(topic, partition, slot.offset);
      this.#snapshot = { version: this.#version, position: p };
    }
    return this.#snapshot.position;
  }

  /**
   * The consistency headers for a changelog record written now (cached per version; not to be
   * mutated). The record being processed is counted first — the changelogging layer logs before
   * the metered layer's update() — as Kafka's inner store updates its position before logging.
   */
  headers(): Record<string, Buffer> {
    if (this.source.current() !== undefined) this.update();
    if (this.#headers?.version !== this.#version) this.#headers = { version: this.#version, headers: consistencyHeaders(this.snapshot()) };
    return this.#headers.headers;
  }

  #raise(topic: string, partition: number, offset: number): void {
    const slot = this.#slot(topic, partition);
    if (slot.offset === UNSET || offset > slot.offset) {
      slot.offset = offset;
      this.#version++;
    }
  }

  /** The slot of topic-partition, created UNSET (not part of the position until written). */
  #slot(topic: string, partition: number): Slot {
    let inner = this.#offsets.get(topic);
    if (inner === undefined) this.#offsets.set(topic, (inner = new Map()));
    let slot = inner.get(partition) as Slot | undefined;
    if (slot === undefined) inner.set(partition, (slot = { topic, partition, offset: UNSET }));
    return slot;
  }
}
