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
 */
import { writeSnapshot, type SnapshotProducer } from '../log/producer-snapshot.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { PartitionProducerState } from './producer-state.ts';
import type { PartitionTxnState } from './partition-txn-state.ts';

/** This broker does not track the coordinator epoch of markers per producer (one coordinator, epoch 0). */
const UNKNOWN_COORDINATOR_EPOCH = -1;

export function toSnapshot(producers: PartitionProducerState | undefined, txns: PartitionTxnState | undefined): SnapshotProducer[] {
  const out = new Map<bigint, SnapshotProducer>();
  for (const e of producers?.producers.values() ?? []) {
    out.set(e.producerId, {
      producerId: e.producerId,
      epoch: e.epoch,
      coordinatorEpoch: UNKNOWN_COORDINATOR_EPOCH,
      currentTxnFirstOffset: -1,
      batches: e.batches.map((b) => ({ ...b })),
    });
  }
  for (const [producerId, first] of txns?.openTransactions() ?? []) {
    const p = out.get(producerId);
    if (p !== undefined) p.currentTxnFirstOffset = first;
    else out.set(producerId, { producerId, epoch: -1, coordinatorEpoch: UNKNOWN_COORDINATOR_EPOCH, currentTxnFirstOffset: first, batches: [] });
  }
  return [...out.values()];
}

export interface RestoredState {
  producers: PartitionProducerState;
  /** producer id → first offset of its open transaction. */
  open: Map<bigint, number>;
}

export function fromSnapshot(records: readonly SnapshotProducer[]): RestoredState {
  const producers = new PartitionProducerState();
  const open = new Map<bigint, number>();
  for (const r of records) {
    // The layout has no entry timestamp: the last batch's stands for it (a later marker's is lost).
    const lastTimestamp = r.batches.at(-1)?.timestamp ?? -1;
    if (r.epoch >= 0) producers.producers.set(r.producerId, { producerId: r.producerId, epoch: r.epoch, lastTimestamp, batches: r.batches.map((b) => ({ ...b })) });
    if (r.currentTxnFirstOffset >= 0) open.set(r.producerId, r.currentTxnFirstOffset);
  }
  return { producers, open };
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
