/*
 * ConsumedOffsets: per input topic-partition of a task, the offset after the last record taken
 * from it — what the runtime commits. It is the single source of truth for those positions.
 *
 * Why a class and not a Map of fresh objects: advance() runs once per processed record. Records
 * come in long runs of one partition (a fetched batch), so the entry of the last partition is
 * kept and updated in place: no "topic\0partition" string and no entry object per record.
 *
 * Invariant: the entries never leave this class — list() returns copies — so updating them in
 * place cannot change an offset list a caller already holds.
 */

interface Entry {
  readonly topic: string;
  readonly partition: number;
  offset: number;
}

export class ConsumedOffsets {
  readonly #byPartition = new Map<string, Entry>();
  #last: Entry | undefined;

  /** Records that the record at `offset` of topic-partition was taken: the next position is offset + 1. */
  advance(topic: string, partition: number, offset: number): void {
    let e = this.#last;
    if (e === undefined || e.partition !== partition || e.topic !== topic) {
      const key = `${topic}\u0000${partition}`;
      e = this.#byPartition.get(key);
      if (e === undefined) this.#byPartition.set(key, (e = { topic, partition, offset: 0 }));
      this.#last = e;
    }
    e.offset = offset + 1;
  }

  /** Every partition's next position, as fresh objects, in first-taken order. */
  list(): Array<{ topic: string; partition: number; offset: number }> {
    const out: Array<{ topic: string; partition: number; offset: number }> = [];
    for (const e of this.#byPartition.values()) out.push({ topic: e.topic, partition: e.partition, offset: e.offset });
    return out;
  }
}
