/*
 * What read_committed readers (Fetch and ListOffsets with isolation level 1, KIP-98) see of a
 * partition: records below the last stable offset only, and the aborted transactions among them
 * so the client can drop their records. read_uncommitted (0) readers see up to the high
 * watermark and get no aborted list (Kafka answers null there; an empty list reads the same).
 */
import type { Broker } from '../broker.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { TRANSACTIONS } from './txn-service.ts';

export const READ_COMMITTED = 1;

export function lastStableOffset(broker: Broker, topic: string, partition: number, log: PartitionLog): number {
  return broker.service(TRANSACTIONS).coordinator.partitions.lastStableOffset(topic, partition, log);
}

/** Aborted transactions overlapping [fetchOffset, upperOffset), as Fetch's AbortedTransactions. */
export function abortedTransactions(
  broker: Broker,
  topic: string,
  partition: number,
  log: PartitionLog,
  fetchOffset: number,
  upperOffset: number,
): { producerId: bigint; firstOffset: bigint }[] {
  // From the `.txnindex` files of the segments the fetch covers (log/transaction-index.ts); entries
  // below the log start are never returned since fetchOffset ≥ log start.
  return log.collectAbortedTxns(fetchOffset, upperOffset).map((a) => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) }));
}
