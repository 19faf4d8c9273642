/*
 * Conversions between a partition's in-memory producer and transaction state and the snapshot
 * file's records (log/producer-snapshot.ts), and the writer the broker calls at segment roll and
 * clean shutdown.
 *
 * Invariant that makes a snapshot at offset X exact: it is taken synchronously when the log end is
 * X, after the produce hooks and marker bookkeeping of every batch below X ran (they run in the
 * same synchronous section as the append), and before any batch at X is recorded. A roll inside a
 * multi-batch append is the one place a batch below X could still be unrecorded; idempotent and
 * transactional Produce carries exactly one batch per partition (Produce v3+), and markers are
 * single batches, so no producer state is missed.
 *
 * What a snapshot keeps of the idempotence state is Kafka's choice: the last batch per producer
 * (log/producer-snapshot.ts). A snapshot is therefore exact for everything but the four older
 * batches of the idempotence window, which only a retry of an older batch would have used.
 */
import { writeSnapshot, type SnapshotEntry } from '../log/producer-snapshot.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { PartitionProducerState, type BatchMetadata } from './producer-state.ts';
import type { PartitionTxnState } from './partition-txn-state.ts';

const NONE = -1;
const INT32_MAX = 2_147_483_647;

/** Kafka's DefaultRecordBatch.decrementSequence: `sequence − decrement`, wrapping below 0 to Int32.MAX. */
export function firstSequenceOf(lastSequence: number, offsetDelta: number): number {
  return lastSequence < offsetDelta ? lastSequence - offsetDelta + INT32_MAX + 1 : lastSequence - offsetDelta;
}

function emptyEntry(producerId: bigint): SnapshotEntry {
  return { producerId, epoch: NONE, lastSequence: NONE, lastOffset: NONE, offsetDelta: 0, timestamp: NONE, coordinatorEpoch: NONE, currentTxnFirstOffset: NONE };
}

/**
 * One snapshot entry per producer known to the partition: its idempotence state (epoch and LAST
 * batch only, as Kafka writes it), the first offset of its open transaction, and the coordinator
 * epoch of its last marker. A producer with no idempotence state keeps epoch -1.
 */
export function toSnapshot(producers: PartitionProducerState | undefined, txns: PartitionTxnState | undefined): SnapshotEntry[] {
  const out = new Map<bigint, SnapshotEntry>();
  const entry = (producerId: bigint): SnapshotEntry => {
    let e = out.get(producerId);
    if (e === undefined) out.set(producerId, (e = emptyEntry(producerId)));
    return e;
  };
  for (const p of producers?.producers.values() ?? []) {
    const e = entry(p.producerId);
    e.epoch = p.epoch;
    const last = p.batches.at(-1);
    if (last !== undefined) {
      e.lastSequence = last.lastSeq;
      e.lastOffset = last.lastOffset;
      e.offsetDelta = last.lastOffset - last.baseOffset;
    }
    // Kafka's entry timestamp is the producer's last activity (batches and markers), which is
    // what producer-id expiration measures.
    e.timestamp = p.lastTimestamp;
  }
  for (const [producerId, first] of txns?.openTransactions() ?? []) entry(producerId).currentTxnFirstOffset = first;
  for (const [producerId, epoch] of txns?.coordinatorEpochs() ?? []) entry(producerId).coordinatorEpoch = epoch;
  return [...out.values()];
}

export interface RestoredState {
  producers: PartitionProducerState;
  /** producer id → first offset of its open transaction. */
  open: Map<bigint, number>;
  /** producer id → coordinator epoch of its last marker. */
  coordinatorEpochs: Map<bigint, number>;
}

export function fromSnapshot(entries: readonly SnapshotEntry[]): RestoredState {
  const producers = new PartitionProducerState();
  const open = new Map<bigint, number>();
  const coordinatorEpochs = new Map<bigint, number>();
  for (const e of entries) {
    if (e.epoch >= 0) {
      const batches: BatchMetadata[] = [];
      if (e.lastOffset >= 0) {
        batches.push({
          firstSeq: firstSequenceOf(e.lastSequence, e.offsetDelta),
          lastSeq: e.lastSequence,
          baseOffset: e.lastOffset - e.offsetDelta,
          lastOffset: e.lastOffset,
          timestamp: e.timestamp,
        });
      }
      producers.producers.set(e.producerId, { producerId: e.producerId, epoch: e.epoch, lastTimestamp: e.timestamp, batches });
    }
    if (e.currentTxnFirstOffset >= 0) open.set(e.producerId, e.currentTxnFirstOffset);
    if (e.coordinatorEpoch >= 0) coordinatorEpochs.set(e.producerId, e.coordinatorEpoch);
  }
  return { producers, open, coordinatorEpochs };
}

/** Writes the partition's snapshot at the log end (pruning older ones, writeSnapshot). */
export function snapshotPartition(log: PartitionLog, producers: PartitionProducerState | undefined, txns: PartitionTxnState | undefined): void {
  writeSnapshot(log.dir, log.logEndOffset, toSnapshot(producers, txns), activeBaseOf(log));
}

/** Base offset of the log's active segment. */
export function activeBaseOf(log: PartitionLog): number {
  const segments = log.allSegments();
  return segments[segments.length - 1]!.baseOffset;
}
