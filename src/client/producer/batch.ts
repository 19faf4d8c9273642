/*
 * The producer's two bookkeeping records and the transitions both its halves use:
 *   Call   one send(): its records, their metadata as acknowledged, how many of its batch
 *          memberships are not final yet (`outstanding`), and its promise.
 *   Batch  the records of one partition taken together by the accumulator (accumulator.ts) and
 *          written by the sender (sender.ts), possibly several times.
 *
 * Batch states:   inflight ──ack──▶ acked          (final once all its calls settled)
 *                    │  ▲              │
 *               retry│  │resend        │a retry of an earlier batch of the partition
 *                    ▼  │              ▼  (no idempotence: acknowledged copies are resent too)
 *                  retry ◀─────────────┘
 *                    │
 *                    └──fail──▶ failed   (non-retriable error, delivery timeout, closing)
 * Send-buffer bytes (buffer.memory, buffer-budget.ts) are held by a call from admission until its
 * records are taken, then by the batch until the batch is first acknowledged or failed (an acked
 * batch resent without idempotence is not counted again): each byte is released exactly once.
 * Invariant: `call.outstanding` counts the batches holding the call's records whose state is
 * inflight or retry; a call settles (FIFO) when it has none left and all its records were taken.
 */
import type { KafkaClientError } from '../errors.ts';
import type { ProducerRecord, RecordMetadata } from '../types.ts';
import type { BatchStamp } from './transaction-manager.ts';

export interface Call {
  readonly records: readonly ProducerRecord[];
  readonly meta: RecordMetadata[];
  /** Records already placed into batches (or rejected). */
  taken: number;
  /** Records given room in the send buffer (buffer-budget.ts); taken ≤ admitted ≤ records.length. */
  admitted: number;
  /** Bytes of the buffer held for admitted records not taken yet (taking moves them to the batch). */
  reserved: number;
  /** performance.now() when the call began waiting for room; -1 while it does not wait. */
  waitingSince: number;
  /** Partition of each record, chosen when the call is first taken by the accumulator. */
  partitions: Int32Array | undefined;
  /** Batch memberships not final yet. */
  outstanding: number;
  settled: boolean;
  error: KafkaClientError | undefined;
  resolve(meta: readonly RecordMetadata[]): void;
  reject(e: unknown): void;
}

export type BatchState = 'inflight' | 'acked' | 'retry' | 'failed';

export interface Batch {
  readonly seq: number;
  readonly topic: string;
  readonly partition: number;
  readonly records: ProducerRecord[];
  readonly owners: Call[];
  readonly indexes: number[];
  /** Distinct owners, in order (a call counts once per batch). */
  readonly distinct: Call[];
  bytes: Buffer | undefined;
  /** Bytes of the send buffer held for the batch's records, released when it is first final. */
  reserved: number;
  /** Producer id, epoch and base sequence, given when the batch is first encoded (idempotence). */
  stamp: BatchStamp | undefined;
  state: BatchState;
  lastError: unknown;
}

/** "topic\0partition", the key of a partition in the producer's maps. */
export function partitionKey(b: { readonly topic: string; readonly partition: number }): string {
  return b.topic + '\u0000' + b.partition;
}

/** Record i of the batch gets baseOffset + i (acks=0 or no offset: -1). */
export function ackBatch(b: Batch, baseOffset: number): void {
  if (b.state !== 'inflight') return;
  b.state = 'acked';
  b.bytes = undefined;
  for (let i = 0; i < b.records.length; i++) {
    b.owners[i]!.meta[b.indexes[i]!] = { topic: b.topic, partition: b.partition, offset: baseOffset < 0 ? -1 : baseOffset + i };
  }
  for (const c of b.distinct) c.outstanding--;
}

/** Final failure: the batch's calls reject with `err` (or an earlier error of theirs). False if it was failed already. */
export function failBatch(b: Batch, err: KafkaClientError): boolean {
  if (b.state === 'failed') return false;
  if (b.state !== 'acked') for (const c of b.distinct) c.outstanding--;
  b.state = 'failed';
  b.bytes = undefined;
  for (const c of b.distinct) c.error ??= err;
  return true;
}

/** To be resent by the next recovery; false when the batch already failed. */
export function retryBatch(b: Batch, err: unknown): boolean {
  if (b.state === 'failed') return false;
  if (b.state === 'acked') for (const c of b.distinct) c.outstanding++;
  b.state = 'retry';
  if (err !== undefined) b.lastError = err;
  return true;
}
