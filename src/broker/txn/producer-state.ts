/*
 * Idempotent-producer state: per partition and producer id, the producer's epoch and the last
 * five batches it wrote (first sequence, last sequence, base offset). The Produce handler asks
 * `check` before appending a batch and calls `record` once the log assigned its offset.
 *
 * Decision table for a batch (pid ≥ 0) against the entry for (partition, pid), as Kafka's
 * ProducerStateManager / franz-go kfake pushAndValidate do it:
 *   no entry                              → accept (any first sequence: a producer we have no
 *                                           state for, e.g. after its batches were deleted)
 *   batch epoch < entry epoch             → INVALID_PRODUCER_EPOCH 47
 *   batch epoch > entry epoch             → accept only if baseSequence = 0, else
 *                                           OUT_OF_ORDER_SEQUENCE_NUMBER 45 (a new epoch restarts
 *                                           the sequence)
 *   same (first, last) seq as one of the
 *   last 5 batches                        → duplicate: answer the original base offset, no append
 *   baseSequence = lastSeq + 1 (wrapping
 *   from Int32.MAX to 0)                  → accept
 *   entry without batches (made by a
 *   marker), baseSequence = 0             → accept
 *   anything else                         → OUT_OF_ORDER_SEQUENCE_NUMBER 45
 * A marker creates the entry and moves it to the marker's epoch if newer (onMarker below).
 * Batches with pid -1 are not idempotent and always accepted.
 *
 * Restart: the state is restored from the partition's producer-state snapshot plus the batch
 * headers after it (partition-state-loader.ts), so the state after a restart is the state before it. Transactions do not change the decision table;
 * the open transaction's first offset per partition lives in partition-txn-state.ts.
 *
 * Expiration (producer.id.expiration.ms, producer-expiration.ts): an entry's `lastTimestamp` is
 * Kafka's ProducerStateEntry.lastTimestamp — the max timestamp of its last data batch (the
 * producer's CreateTime, or the broker's time on a LogAppendTime topic), or the timestamp of the
 * last marker written for it, whichever came last. An expired entry is removed; the producer's next
 * batch is then the "no entry" row above (accepted at any sequence, as Kafka does).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { BatchHeader } from '../../protocol/records/batch-header.ts';

export const IDEMPOTENCE_WINDOW = 5;


export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: bigint;
  epoch: number;
  /** Timestamp of the producer's last data batch or marker here (see Expiration above). */
  lastTimestamp: number;
  /** Oldest first; at most IDEMPOTENCE_WINDOW entries. */
  batches: BatchMetadata[];
}

export type IdempotenceDecision =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

const APPEND: IdempotenceDecision = { kind: 'append' };
const INT32_MAX = 2_147_483_647;

/** The sequence of the last record of a batch: baseSequence + lastOffsetDelta, wrapping at Int32.MAX. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  const last = baseSequence + lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/** The header fields idempotence looks at (a BatchHeader satisfies it). */
export type IdempotenceHeader = Pick<BatchHeader, 'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta' | 'maxTimestamp'>;

/** State for one partition. */
export class PartitionProducerState {
  readonly producers = new Map<bigint, ProducerEntry>();

  check(h: IdempotenceHeader): IdempotenceDecision {
    if (h.producerId < 0n) return APPEND;
    const entry = this.producers.get(h.producerId);
    if (!entry) return APPEND;
    if (h.producerEpoch < entry.epoch) {
      return {
        kind: 'error',
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${h.producerId} epoch ${h.producerEpoch} is older than the current epoch ${entry.epoch}`,
      };
    }
    if (h.producerEpoch > entry.epoch) {
      if (h.baseSequence === 0) return APPEND;
      return {
        kind: 'error',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `producer ${h.producerId} started epoch ${h.producerEpoch} at sequence ${h.baseSequence}, expected 0`,
      };
    }
    const lastSeq = lastSequenceOf(h.baseSequence, h.lastOffsetDelta);
    const dup = entry.batches.find((b) => b.firstSeq === h.baseSequence && b.lastSeq === lastSeq);
    if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset, lastOffset: dup.lastOffset };
    // An entry without batches comes from a marker: its epoch's sequence starts at 0 (Kafka's
    // checkSequence with lastSeq NO_SEQUENCE).
    const last = entry.batches[entry.batches.length - 1];
    const expected = last === undefined ? 0 : nextSequence(last.lastSeq);
    if (h.baseSequence === expected) return APPEND;
    return {
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      message: `producer ${h.producerId} sent sequence ${h.baseSequence}, expected ${expected}`,
    };
  }

  /** Records an appended batch (live or replayed from the log). Non-idempotent batches are ignored. */
  record(h: IdempotenceHeader, baseOffset: number): void {
    if (h.producerId < 0n || h.baseSequence < 0) return;
    let entry = this.producers.get(h.producerId);
    if (!entry) {
      entry = { producerId: h.producerId, epoch: h.producerEpoch, lastTimestamp: h.maxTimestamp, batches: [] };
      this.producers.set(h.producerId, entry);
    }
    entry.lastTimestamp = h.maxTimestamp;
    if (h.producerEpoch > entry.epoch) {
      entry.epoch = h.producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({
      firstSeq: h.baseSequence,
      lastSeq: lastSequenceOf(h.baseSequence, h.lastOffsetDelta),
      baseOffset,
      lastOffset: baseOffset + h.lastOffsetDelta,
      timestamp: h.maxTimestamp,
    });
    if (entry.batches.length > IDEMPOTENCE_WINDOW) entry.batches.shift();
  }

  /**
   * A transaction marker for the producer was written (or replayed) at `epoch` with `timestamp`:
   * Kafka's ProducerAppendInfo.appendEndTxnMarker. The marker creates the producer's entry if the
   * partition had none, and a marker at a newer epoch (an epoch bumped by InitProducerId fencing,
   * or by EndTxn under transactions v2) moves the entry to that epoch and forgets its batches, so
   * a late batch of the older epoch is fenced (INVALID_PRODUCER_EPOCH) and the next batch at the
   * new epoch must start at sequence 0. A marker at an older epoch changes nothing but the time.
   */
  onMarker(producerId: bigint, epoch: number, timestamp: number): void {
    let entry = this.producers.get(producerId);
    if (entry === undefined) {
      entry = { producerId, epoch, lastTimestamp: timestamp, batches: [] };
      this.producers.set(producerId, entry);
    }
    if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    entry.lastTimestamp = timestamp;
  }
}

/** State for every partition of the broker, keyed by topic and partition. */
export class ProducerStateManager {
  private readonly partitions = new Map<string, PartitionProducerState>();

  private key(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  partition(topic: string, partition: number): PartitionProducerState {
    const k = this.key(topic, partition);
    let s = this.partitions.get(k);
    if (!s) {
      s = new PartitionProducerState();
      this.partitions.set(k, s);
    }
    return s;
  }

  check(topic: string, partition: number, h: IdempotenceHeader): IdempotenceDecision {
    if (h.producerId < 0n) return APPEND;
    return this.partitions.get(this.key(topic, partition))?.check(h) ?? APPEND;
  }

  record(topic: string, partition: number, h: IdempotenceHeader, baseOffset: number): void {
    if (h.producerId < 0n) return;
    this.partition(topic, partition).record(h, baseOffset);
  }

  /** The partition's state, or undefined when no idempotent producer wrote to it. */
  peek(topic: string, partition: number): PartitionProducerState | undefined {
    return this.partitions.get(this.key(topic, partition));
  }

  /** Every partition's state, with its topic and partition (expiration walks them all). */
  *all(): IterableIterator<{ topic: string; partition: number; state: PartitionProducerState }> {
    for (const [k, state] of this.partitions) {
      const cut = k.lastIndexOf('\u0000');
      yield { topic: k.slice(0, cut), partition: Number(k.slice(cut + 1)), state };
    }
  }

  /** Drops a partition's state once it holds no producer (expiration emptied it). */
  dropIfEmpty(topic: string, partition: number): void {
    const k = this.key(topic, partition);
    if (this.partitions.get(k)?.producers.size === 0) this.partitions.delete(k);
  }

  /**
   * DeleteTopics: the topic's producer state goes with its logs (Kafka deletes the partition's
   * ProducerStateManager with the log), so a namesake created later starts with none.
   */
  forgetTopic(topic: string): void {
    const prefix = `${topic}\u0000`;
    for (const k of [...this.partitions.keys()]) if (k.startsWith(prefix)) this.partitions.delete(k);
  }

  /** Installs a partition's state restored at start (partition-state-loader.ts). */
  adopt(topic: string, partition: number, state: PartitionProducerState): void {
    if (state.producers.size > 0) this.partitions.set(this.key(topic, partition), state);
    else this.partitions.delete(this.key(topic, partition));
  }
}
