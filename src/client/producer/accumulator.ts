/*
 * The record accumulator: the producer's queue of send() calls and the batches cut from them.
 * It is the single source of truth for which records have been taken into batches and for the
 * FIFO settlement of calls; the sender (sender.ts) only writes batches and changes their states.
 *
 *   append()     queues a call (its records untouched: no per-record copy).
 *   takeChunk()  the next records in order, at most maxBatchRecords records and about
 *                maxRequestBytes bytes, as one batch per partition. Each record's partition is
 *                chosen when its call is first taken (partitioner.ts: explicit; else murmur2(key)
 *                % partitions as Kafka's Java client; else sticky per topic for null keys); a call
 *                whose topic cannot be found, or whose records are invalid, fails whole.
 *   settle()     resolves or rejects the oldest calls whose batches are all final, in order, and
 *                drops batches whose calls are all settled (they can no longer be resent).
 * Settlement is FIFO: a batch can only be invalidated (resent) by an earlier batch of its
 * partition failing, and that batch belongs to this call or an earlier, still unsettled one — so
 * a settled call's metadata never changes.
 */
import { KafkaClientError, toClientError } from '../errors.ts';
import type { TopicInfo } from '../cluster.ts';
import type { ProducerRecord, RecordMetadata } from '../types.ts';
import { partitionKey, type Batch, type Call } from './batch.ts';
import { Partitioner } from './partitioner.ts';
import { estimatedRecordSize } from './record-size.ts';

export interface AccumulatorLimits {
  readonly maxBatchRecords: number;
  readonly maxRequestBytes: number;
}

/** How the accumulator learns a topic's partitions: cached, else looked up (may throw). */
export interface TopicLookup {
  cached(name: string): TopicInfo | undefined;
  lookup(name: string): Promise<TopicInfo>;
  /** Reads the topic's metadata afresh (partitions may have been added since it was cached). */
  refresh(name: string): Promise<TopicInfo>;
}

export class RecordAccumulator {
  readonly #partitioner = new Partitioner();
  /** Calls not yet settled, FIFO; `#head` indexes the oldest. The first `#cursor` are fully taken. */
  #calls: Call[] = [];
  #head = 0;
  #cursor = 0;
  /** Batches whose calls are not all settled, in seq (first write) order. */
  #open: Batch[] = [];
  #seq = 0;
  #lastDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly limits: AccumulatorLimits,
    private readonly topics: TopicLookup,
  ) {}

  append(records: readonly ProducerRecord[]): Promise<readonly RecordMetadata[]> {
    const done = new Promise<readonly RecordMetadata[]>((resolve, reject) => {
      this.#calls.push({ records, meta: new Array<RecordMetadata>(records.length), taken: 0, partitions: undefined, outstanding: 0, settled: false, error: undefined, resolve, reject });
    });
    this.#lastDone = done.then(() => undefined, () => undefined);
    return done;
  }

  /** Settles when every call appended so far has settled (flush). */
  get lastDone(): Promise<void> {
    return this.#lastDone;
  }

  /** Records appended and not yet taken into a batch. */
  hasUntaken(): boolean {
    return this.#cursor < this.#calls.length;
  }

  /** Batches not final yet, in seq order (the sender's recovery reads and re-stamps them). */
  get open(): readonly Batch[] {
    return this.#open;
  }

  /** Next records in order, as batches (one per partition); undefined when nothing is queued. */
  async takeChunk(): Promise<Batch[] | undefined> {
    // Batches of this chunk by topic, indexed by partition; `last` short-cuts runs of records
    // bound for the same partition (the common case: a task writes to its own partition).
    const byTopic = new Map<string, Batch[]>();
    const chunk: Batch[] = [];
    let last: Batch | undefined;
    let count = 0;
    let bytes = 0;
    while (this.#cursor < this.#calls.length) {
      const call = this.#calls[this.#cursor]!;
      if (call.partitions === undefined && !(await this.#partitionCall(call))) {
        call.taken = call.records.length;
        this.#cursor++;
        this.settle();
        continue;
      }
      const parts = call.partitions!;
      const records = call.records;
      while (call.taken < records.length) {
        const r = records[call.taken]!;
        const size = estimatedRecordSize(r);
        if (count > 0 && (count >= this.limits.maxBatchRecords || bytes + size > this.limits.maxRequestBytes)) return chunk;
        const p = parts[call.taken]!;
        let b = last;
        if (b === undefined || b.partition !== p || b.topic !== r.topic) {
          let list = byTopic.get(r.topic);
          if (list === undefined) byTopic.set(r.topic, (list = []));
          b = list[p];
          if (b === undefined) {
            b = { seq: this.#seq++, topic: r.topic, partition: p, records: [], owners: [], indexes: [], distinct: [], bytes: undefined, stamp: undefined, state: 'inflight', lastError: undefined };
            list[p] = b;
            chunk.push(b);
            this.#open.push(b);
          }
          last = b;
        }
        b.records.push(r);
        b.owners.push(call);
        b.indexes.push(call.taken);
        if (b.distinct[b.distinct.length - 1] !== call) {
          b.distinct.push(call);
          call.outstanding++;
        }
        call.taken++;
        count++;
        bytes += size;
      }
      this.#cursor++;
    }
    return chunk.length === 0 ? undefined : chunk;
  }

  /**
   * Batches in retry plus every later not-final batch of their partitions, in seq order. Without
   * idempotence acknowledged ones among them are resent too (their order must hold); with it the
   * broker orders by sequence, so only unacknowledged ones are.
   */
  resendList(idempotent: boolean, markRetry: (b: Batch) => void): Batch[] {
    const from = new Map<string, number>();
    for (const b of this.#open) {
      const key = partitionKey(b);
      if (b.state === 'retry' && !from.has(key)) from.set(key, b.seq);
    }
    if (from.size === 0) return [];
    const out: Batch[] = [];
    for (const b of this.#open) {
      const start = from.get(partitionKey(b));
      if (start === undefined || b.seq < start || b.state === 'failed') continue;
      if (b.state === 'acked') {
        if (idempotent) continue;
        markRetry(b);
      }
      out.push(b);
    }
    return out;
  }

  /** Resolves or rejects the oldest calls whose batches are all final. */
  settle(): void {
    while (this.#head < this.#cursor) {
      const call = this.#calls[this.#head]!;
      if (call.taken < call.records.length || call.outstanding > 0) break;
      this.#head++;
      call.settled = true;
      if (call.error !== undefined) call.reject(call.error);
      else call.resolve(call.meta);
    }
    if (this.#head >= 1024 || this.#head === this.#calls.length) {
      this.#calls = this.#calls.slice(this.#head);
      this.#cursor -= this.#head;
      this.#head = 0;
    }
    let drop = 0;
    while (drop < this.#open.length) {
      const b = this.#open[drop]!;
      if (b.state === 'inflight' || b.state === 'retry' || !b.distinct.every((c) => c.settled)) break;
      drop++;
    }
    if (drop > 0) this.#open = this.#open.slice(drop);
  }

  /**
   * Last resort for a bug or an input the checks missed (the sender threw): every unsettled call
   * fails with that error instead of hanging, and the accumulator starts afresh.
   */
  failEverything(err: KafkaClientError): void {
    for (let i = this.#head; i < this.#calls.length; i++) {
      const call = this.#calls[i]!;
      call.error ??= err;
      call.taken = call.records.length;
      call.outstanding = 0;
    }
    this.#cursor = this.#calls.length;
    this.#open = [];
    this.settle();
  }

  /** Chooses every record's partition; false (and the call failed) when that is impossible. */
  async #partitionCall(call: Call): Promise<boolean> {
    const parts = new Int32Array(call.records.length);
    for (let i = 0; i < call.records.length; i++) {
      const r = call.records[i]!;
      let info = this.topics.cached(r.topic);
      if (info === undefined) {
        try {
          info = await this.topics.lookup(r.topic);
        } catch (e) {
          call.error = toClientError(e, `sending ${call.records.length} records to ${r.topic}`);
          return false;
        }
      }
      if ((r.key !== null && !Buffer.isBuffer(r.key)) || (r.value !== null && !Buffer.isBuffer(r.value))) {
        call.error = new KafkaClientError(`sending to ${r.topic} failed: record ${i} has a key or value that is neither a Buffer nor null; serialize it first`, { retriable: false });
        return false;
      }
      if (r.partition !== undefined && Number.isInteger(r.partition) && r.partition >= info.partitions.length) {
        // Partitions may have been added since the topic was cached (CreatePartitions): look
        // once more before refusing, as Kafka's producer waits for metadata that has it.
        try {
          info = await this.topics.refresh(r.topic);
        } catch (e) {
          call.error = toClientError(e, `sending ${call.records.length} records to ${r.topic}`);
          return false;
        }
      }
      const counted = info.partitions.length;
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= counted) {
          call.error = new KafkaClientError(`sending to ${r.topic}-${r.partition} failed: the topic has partitions 0-${counted - 1}; pick one of those or leave partition unset`, { retriable: false });
          return false;
        }
      }
      parts[i] = this.#partitioner.partition(r, counted, r.key === null && r.partition === undefined ? estimatedRecordSize(r) : 0);
    }
    call.partitions = parts;
    return true;
  }
}
