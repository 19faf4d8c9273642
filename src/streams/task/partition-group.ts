/*
 * PartitionGroup: the input buffer of one task — one FIFO queue per input topic-partition — and
 * the rule for which record the task processes next: the head record with the LOWEST timestamp
 * across the non-empty queues (ties go to the queue added first). This keeps a task's view of
 * several inputs roughly in event-time order, as Kafka Streams' PartitionGroup does; records
 * within one partition are never reordered.
 *
 * The timestamps compared are the records' own (broker/producer) timestamps, known before
 * deserialization; a custom timestamp extractor is applied when the record is processed.
 */

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
}

class RecordQueue {
  readonly items: ConsumedRecord[] = [];
  head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): ConsumedRecord | undefined {
    return this.items[this.head];
  }

  shift(): ConsumedRecord | undefined {
    const r = this.items[this.head];
    if (r === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return r;
  }
}

export class PartitionGroup {
  readonly #queues = new Map<string, RecordQueue>();

  static key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  add(records: Iterable<ConsumedRecord>): void {
    // Records come in runs of one partition (a fetched batch): the queue is looked up (and its
    // key string built) once per run, not per record.
    let q: RecordQueue | undefined;
    let topic: string | undefined;
    let partition = -1;
    for (const r of records) {
      if (q === undefined || r.partition !== partition || r.topic !== topic) {
        topic = r.topic;
        partition = r.partition;
        const k = PartitionGroup.key(topic, partition);
        q = this.#queues.get(k);
        if (q === undefined) {
          q = new RecordQueue();
          this.#queues.set(k, q);
        }
      }
      q.items.push(r);
    }
  }

  /** Removes and returns the head record with the lowest timestamp, or undefined when empty. */
  next(): ConsumedRecord | undefined {
    let best: RecordQueue | undefined;
    let bestTs = Infinity;
    for (const q of this.#queues.values()) {
      const head = q.peek();
      if (head !== undefined && head.timestamp < bestTs) {
        best = q;
        bestTs = head.timestamp;
      }
    }
    return best?.shift();
  }

  numBuffered(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.size;
    return n;
  }

  clear(): void {
    this.#queues.clear();
  }
}
