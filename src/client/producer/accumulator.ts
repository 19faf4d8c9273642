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
 *   Send buffer (Kafka's buffer.memory; buffer-budget.ts owns the count): a call's records are
 *   admitted in send order, each reserving its estimated size, and only admitted records can be
 *   taken. The common case admits the whole call at append (nobody waits and it fits: no loop,
 *   no allocation). Otherwise records are admitted one by one as acknowledged or failed batches
 *   release room (settle()), FIFO across calls, so a call bigger than the whole buffer still goes
 *   out piecewise. A record bigger than the whole buffer fails its call at once (Kafka's
 *   RecordTooLargeException); a call that waits longer than maxBlockMs fails, its unadmitted
 *   records unsent (Kafka's TimeoutException from send()).
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
import { bufferWaitTimedOut, recordTooLargeForBuffer, type BufferBudget } from './buffer-budget.ts';

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

/** The send buffer: its byte budget, how long a call may wait for room, and whom to wake when records become takeable. */
export interface AccumulatorBuffer {
  readonly budget: BufferBudget;
  readonly maxBlockMs: number;
  /** Records were admitted (or a waiting call failed) outside send(): the sender has work. */
  readonly wake: () => void;
}

export class RecordAccumulator {
  readonly #partitioner = new Partitioner();
  /** Calls not yet settled, FIFO; `#head` indexes the oldest. The first `#cursor` are fully taken. */
  #calls: Call[] = [];
  #head = 0;
  #cursor = 0;
  /** The first call not fully admitted (#cursor ≤ #admitting ≤ #calls.length). */
  #admitting = 0;
  /** Fails the oldest waiting call at its maxBlockMs deadline; set only while a call waits. */
  #timer: NodeJS.Timeout | undefined;
  /** Batches whose calls are not all settled, in seq (first write) order. */
  #open: Batch[] = [];
  #seq = 0;
  #lastDone: Promise<void> = Promise.resolve();

  constructor(
    private readonly limits: AccumulatorLimits,
    private readonly topics: TopicLookup,
    private readonly buffer: AccumulatorBuffer,
  ) {}

  append(records: readonly ProducerRecord[]): Promise<readonly RecordMetadata[]> {
    let call: Call | undefined;
    const done = new Promise<readonly RecordMetadata[]>((resolve, reject) => {
      call = { records, meta: new Array<RecordMetadata>(records.length), taken: 0, admitted: 0, reserved: 0, waitingSince: -1, partitions: undefined, outstanding: 0, settled: false, error: undefined, resolve, reject };
      this.#calls.push(call);
    });
    this.#lastDone = done.then(() => undefined, () => undefined);
    const c = call!;
    const budget = this.buffer.budget;
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if ((r.key !== null && !Buffer.isBuffer(r.key)) || (r.value !== null && !Buffer.isBuffer(r.value))) {
        this.#dropRest(c, new KafkaClientError(`sending to ${r.topic} failed: record ${i} has a key or value that is neither a Buffer nor null; serialize it first`, { retriable: false }));
        return done;
      }
      const size = estimatedRecordSize(r);
      if (size > budget.total) {
        this.#dropRest(c, recordTooLargeForBuffer(size, budget.total, r.topic));
        return done;
      }
      bytes += size;
    }
    // Fast path: nobody waits and the whole call fits.
    if (this.#admitting === this.#calls.length - 1 && budget.tryReserve(bytes)) {
      c.admitted = records.length;
      c.reserved = bytes;
      this.#admitting++;
      return done;
    }
    c.waitingSince = performance.now();
    this.#admit();
    return done;
  }

  /** Undefined while no call waits for room; else a promise settled (never rejected) once none does. */
  waitForRoom(): Promise<void> | undefined {
    return this.buffer.budget.waitForRoom(this.#admitting < this.#calls.length);
  }

  /** Settles when every call appended so far has settled (flush). */
  get lastDone(): Promise<void> {
    return this.#lastDone;
  }

  /** takeChunk() has something to do: admitted records not taken yet, or a failed call to step over. */
  hasTakeable(): boolean {
    const c = this.#calls[this.#cursor];
    return c !== undefined && (c.taken < c.admitted || c.taken >= c.records.length);
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
      if (call.taken >= call.records.length) {
        // Failed whole before any record was taken (refused at append, waited too long).
        this.#cursor++;
        this.settle();
        continue;
      }
      if (call.taken === call.admitted) break; // waiting for room in the send buffer
      if (call.partitions === undefined && !(await this.#partitionCall(call))) {
        this.#dropRest(call, call.error!);
        this.#cursor++;
        this.settle();
        continue;
      }
      const parts = call.partitions!;
      const records = call.records;
      while (call.taken < call.admitted) {
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
            b = { seq: this.#seq++, topic: r.topic, partition: p, records: [], owners: [], indexes: [], distinct: [], bytes: undefined, reserved: 0, stamp: undefined, state: 'inflight', lastError: undefined };
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
        // The record's room moves from the call to the batch (never more than the call holds).
        const moved = size < call.reserved ? size : call.reserved;
        call.reserved -= moved;
        b.reserved += moved;
        call.taken++;
        count++;
        bytes += size;
      }
      if (call.taken < call.records.length) break; // the rest waits for room
      if (call.reserved > 0) {
        // Only if a record's size changed since admission (a caller mutated its headers).
        this.buffer.budget.release(call.reserved);
        call.reserved = 0;
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
      this.#admitting -= this.#head;
      this.#head = 0;
    }
    // Room of batches that became final (acknowledged or failed) since the last settle.
    let freed = false;
    for (const b of this.#open) {
      if (b.reserved > 0 && (b.state === 'acked' || b.state === 'failed')) {
        this.buffer.budget.release(b.reserved);
        b.reserved = 0;
        freed = true;
      }
    }
    if (freed && this.#admitting < this.#calls.length && this.#admit()) this.buffer.wake();
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
      this.#release(call, err);
      call.outstanding = 0;
    }
    for (const b of this.#open) {
      this.buffer.budget.release(b.reserved);
      b.reserved = 0;
    }
    this.#cursor = this.#calls.length;
    this.#admitting = this.#calls.length;
    this.#open = [];
    this.#admit();
    this.settle();
  }

  /**
   * Admits waiting records in send order while they fit; true if any was. Keeps the maxBlockMs
   * timer on the oldest waiting call, and wakes waitForRoom() once no call waits.
   */
  #admit(): boolean {
    const budget = this.buffer.budget;
    let any = false;
    while (this.#admitting < this.#calls.length) {
      const c = this.#calls[this.#admitting]!;
      while (c.admitted < c.records.length) {
        const size = estimatedRecordSize(c.records[c.admitted]!);
        if (!budget.tryReserve(size)) break;
        c.reserved += size;
        c.admitted++;
        any = true;
      }
      if (c.admitted < c.records.length) break;
      if (c.waitingSince >= 0) {
        budget.waited(performance.now() - c.waitingSince);
        c.waitingSince = -1;
      }
      this.#admitting++;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const head = this.#calls[this.#admitting];
    if (head === undefined) budget.roomMade();
    else {
      // A call behind the head started waiting at its own append; the head's deadline comes first.
      this.#timer = setTimeout(() => this.#expire(), Math.max(0, head.waitingSince + this.buffer.maxBlockMs - performance.now()));
    }
    return any;
  }

  /** The oldest waiting calls whose maxBlockMs passed fail (records already in batches still go out). */
  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let i = this.#admitting; i < this.#calls.length; i++) {
      const c = this.#calls[i]!;
      if (c.waitingSince < 0 || now - c.waitingSince < this.buffer.maxBlockMs) break;
      this.#release(c, bufferWaitTimedOut(this.buffer.maxBlockMs, c.records.length - c.taken));
    }
    this.#admit();
    this.buffer.wake();
  }

  /**
   * Fails the rest of a call: its untaken records are never sent and their room is released (the
   * records already in batches stay with their batches). The call counts as fully taken.
   */
  #release(call: Call, err: KafkaClientError): void {
    call.error ??= err;
    this.buffer.budget.release(call.reserved);
    call.reserved = 0;
    if (call.waitingSince >= 0) {
      this.buffer.budget.waited(performance.now() - call.waitingSince);
      call.waitingSince = -1;
    }
    call.taken = call.admitted = call.records.length;
  }

  /** #release, then admits what fits now (the call may have been the one waiting). */
  #dropRest(call: Call, err: KafkaClientError): void {
    this.#release(call, err);
    if (this.#admitting < this.#calls.length && this.#admit()) this.buffer.wake();
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
