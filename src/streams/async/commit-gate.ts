/*
 * The commit gate of one task: which input records still have async work that has not been
 * emitted, per input partition. Invariant (what a commit may write): the committable offset of
 * a partition is min(consumed position, lowest offset with unfinished work), so a committed
 * offset never passes a record whose async work has not finished; a restart or the next owner
 * re-reads from there.
 *
 * State: "topic\0partition" → (offset → holds). One input record can hold several times (a
 * flatMap before the operator, or two async operators in a row: the downstream one takes its
 * hold before the upstream one releases, so the record stays held throughout).
 */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class CommitGate {
  readonly #held = new Map<string, Map<number, number>>();

  /** Holds `offset` of the partition until the returned release runs (releasing twice is a no-op). */
  hold(topic: string, partition: number, offset: number): () => void {
    const key = tpKey(topic, partition);
    let offsets = this.#held.get(key);
    if (offsets === undefined) this.#held.set(key, (offsets = new Map()));
    offsets.set(offset, (offsets.get(offset) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = offsets.get(offset)! - 1;
      if (n > 0) offsets.set(offset, n);
      else offsets.delete(offset);
      if (offsets.size === 0 && this.#held.get(key) === offsets) this.#held.delete(key);
    };
  }

  /** The lowest held offset of the partition, or undefined when nothing is held there. */
  lowest(topic: string, partition: number): number | undefined {
    const offsets = this.#held.get(tpKey(topic, partition));
    if (offsets === undefined) return undefined;
    let min: number | undefined;
    for (const o of offsets.keys()) if (min === undefined || o < min) min = o;
    return min;
  }

  /** The consumed position capped at the lowest held offset (the file comment's invariant). */
  committable(consumed: PartitionOffset): PartitionOffset {
    const low = this.lowest(consumed.topic, consumed.partition);
    return low === undefined || low >= consumed.offset ? consumed : { topic: consumed.topic, partition: consumed.partition, offset: low };
  }

  /** How many holds are open, over all partitions. */
  get size(): number {
    let n = 0;
    for (const offsets of this.#held.values()) for (const c of offsets.values()) n += c;
    return n;
  }

  clear(): void {
    this.#held.clear();
  }
}
