/*
 * Position and PositionBound — Kafka Streams' IQv2 consistency vectors (KIP-796,
 * org.apache.kafka.streams.query.Position / PositionBound).
 *
 * A Position maps input topic → partition → offset: the offset of the last record of that input
 * partition a store has seen. A PositionBound is either unbounded or "at" a Position; a store
 * partition may answer a bounded query only when, for every topic of the bound that names the
 * store's partition, its own position has that topic-partition at an offset >= the bound's
 * (Kafka's StoreQueryUtils.isPermitted; topic-partitions of the bound for other partitions are
 * not this store partition's business and are skipped).
 *
 * As in Kafka, withComponent() mutates and returns the same Position (a builder); copy() first
 * to keep one. merge() keeps, per topic-partition, the larger offset.
 */

export class Position {
  readonly #position: Map<string, Map<number, number>>;

  private constructor(position: Map<string, Map<number, number>>) {
    this.#position = position;
  }

  static emptyPosition(): Position {
    return new Position(new Map());
  }

  /** A Position from { topic: { partition: offset } } (or the same as Maps). */
  static fromMap(map: ReadonlyMap<string, ReadonlyMap<number, number>> | Readonly<Record<string, Readonly<Record<number, number>>>>): Position {
    const p = Position.emptyPosition();
    const entries = map instanceof Map ? [...map] : Object.entries(map);
    for (const [topic, partitions] of entries) {
      const inner = partitions instanceof Map ? [...partitions] : Object.entries(partitions);
      for (const [partition, offset] of inner) p.withComponent(topic, Number(partition), offset as number);
    }
    return p;
  }

  /** Sets topic-partition's offset (mutates this Position, as Kafka's) and returns this. */
  withComponent(topic: string, partition: number, offset: number): this {
    if (typeof topic !== 'string' || topic.length === 0) throw new TypeError('Position.withComponent: topic must be a non-empty string');
    if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`Position.withComponent: partition must be a non-negative integer, got ${String(partition)}`);
    if (!Number.isSafeInteger(offset)) throw new RangeError(`Position.withComponent: offset must be a whole number, got ${String(offset)}`);
    let inner = this.#position.get(topic);
    if (inner === undefined) this.#position.set(topic, (inner = new Map()));
    inner.set(partition, offset);
    return this;
  }

  copy(): Position {
    return new Position(new Map([...this.#position].map(([t, m]) => [t, new Map(m)])));
  }

  /** A new Position with, per topic-partition, the larger offset of this and `other`. */
  merge(other: Position | undefined): Position {
    const out = this.copy();
    if (other === undefined) return out;
    for (const topic of other.getTopics()) {
      for (const [partition, offset] of other.getPartitionPositions(topic)) {
        const mine = out.getPartitionPositions(topic).get(partition);
        if (mine === undefined || offset > mine) out.withComponent(topic, partition, offset);
      }
    }
    return out;
  }

  getTopics(): Set<string> {
    return new Set(this.#position.keys());
  }

  /** partition → offset of `topic` (a copy; empty when the topic is unknown). */
  getPartitionPositions(topic: string): Map<number, number> {
    return new Map(this.#position.get(topic) ?? []);
  }

  isEmpty(): boolean {
    return this.#position.size === 0;
  }

  equals(other: unknown): boolean {
    return other instanceof Position && other.toString() === this.toString();
  }

  /** Kafka's form, topics and partitions sorted: Position{position={topic={0=5, 1=7}}}. */
  toString(): string {
    const topics = [...this.#position.keys()].sort();
    const body = topics.map((t) => `${t}={${[...this.#position.get(t)!].sort(([a], [b]) => a - b).map(([p, o]) => `${p}=${o}`).join(', ')}}`).join(', ');
    return `Position{position={${body}}}`;
  }
}

export class PositionBound {
  private constructor(readonly position: Position | undefined) {}

  /** No bound: any store partition may answer, however far behind. */
  static unbounded(): PositionBound {
    return new PositionBound(undefined);
  }

  /** Answer only from store partitions that have seen at least `position` (for their partition). */
  static at(position: Position): PositionBound {
    return new PositionBound(position.copy());
  }

  isUnbounded(): boolean {
    return this.position === undefined;
  }

  toString(): string {
    return this.position === undefined ? 'PositionBound{unbounded}' : `PositionBound{position=${this.position.toString()}}`;
  }
}

/** Kafka's StoreQueryUtils.isPermitted: may store partition `partition`, at `position`, answer under `bound`? */
export function isPermitted(position: Position, bound: PositionBound, partition: number): boolean {
  if (bound.position === undefined) return true;
  for (const topic of bound.position.getTopics()) {
    const wanted = bound.position.getPartitionPositions(topic).get(partition);
    if (wanted === undefined) continue; // the bound says nothing about this partition of the topic
    const seen = position.getPartitionPositions(topic).get(partition);
    if (seen === undefined || seen < wanted) return false;
  }
  return true;
}
