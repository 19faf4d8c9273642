/*
 * Transaction verification (KIP-890 part 1, "transactions server-side defense"): before a
 * transactional batch is appended, the broker asks the transaction coordinator whether the batch's
 * partition belongs to its producer's ongoing transaction. Without that check, a produce that was
 * delayed past its transaction's EndTxn(abort) opens a new transaction in the partition that no
 * coordinator knows of: no marker ever closes it, and the last stable offset stays at that batch
 * forever (a "hanging transaction", KIP-890's motivating bug). Kafka routes the question through
 * AddPartitionsToTxn v4 with VerifyOnly (AddPartitionsToTxnManager → the coordinator's
 * handleVerifyPartitionsInTransaction); on this single node the coordinator is in process, so the
 * Produce hook asks it directly, and the v4+ API serves the same answer on the wire.
 *
 * Verification of (transactional id's metadata, producer id, epoch, partitions), in order:
 *   no metadata, or another producer id           → INVALID_PRODUCER_ID_MAPPING 49
 *   another epoch                                  → PRODUCER_FENCED 90
 *   PrepareCommit / PrepareAbort                   → CONCURRENT_TRANSACTIONS 51
 *   per partition: in the transaction              → NONE; otherwise TRANSACTION_ABORTABLE 120
 * (Empty and Complete{Commit,Abort} transactions hold no partitions, so every partition of a finished transaction
 * is TRANSACTION_ABORTABLE.)
 *
 * TRANSACTION_ABORTABLE (KIP-890) tells a client "abort this transaction and carry on with the
 * same transactional id". Only request versions from the one that introduced it may receive it;
 * older ones get INVALID_TXN_STATE 48 instead, as Kafka does "for backward compatibility with
 * clients" (ABORTABLE_SINCE below, from the message specs' version notes).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { ProduceVerdict } from '../broker.ts';
import type { TxnMetadata, TxnPartition } from './txn-log.ts';
import { isPreparing, TxnState } from './txn-state-machine.ts';

/** First request version of each API whose clients know TRANSACTION_ABORTABLE 120 (KIP-890). */
export const ABORTABLE_SINCE = {
  produce: 11,
  addPartitions: 5,
  addOffsets: 4,
  endTxn: 4,
  txnOffsetCommit: 4,
  initProducerId: 5,
} as const;

/** TRANSACTION_ABORTABLE for versions that know it, INVALID_TXN_STATE before; other codes as they are. */
export function abortableFor(code: number, version: number, since: number): number {
  return code === ErrorCode.TRANSACTION_ABORTABLE && version < since ? ErrorCode.INVALID_TXN_STATE : code;
}

/** The error a Produce of `version` answers for a verdict's code (see abortableFor). */
export function produceErrorFor(code: number, version: number): number {
  return abortableFor(code, version, ABORTABLE_SINCE.produce);
}

export interface VerifyingProducer {
  producerId: bigint;
  producerEpoch: number;
}

/**
 * Kafka's handleVerifyPartitionsInTransaction: one code per partition (see the table above);
 * never changes anything. `m` is the metadata of the transactional id named in the request.
 */
export function verifyPartitions(m: TxnMetadata | undefined, p: VerifyingProducer, parts: readonly TxnPartition[]): Map<TxnPartition, number> {
  const common = commonError(m, p);
  const codes = new Map<TxnPartition, number>();
  for (const tp of parts) codes.set(tp, common ?? (inTransaction(m!, tp.topic, tp.partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE));
  return codes;
}

function commonError(m: TxnMetadata | undefined, p: VerifyingProducer): number | null {
  if (m === undefined || m.producerId !== p.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
  if (m.producerEpoch !== p.producerEpoch) return ErrorCode.PRODUCER_FENCED;
  if (isPreparing(m.state)) return ErrorCode.CONCURRENT_TRANSACTIONS;
  return null;
}

function inTransaction(m: TxnMetadata, topic: string, partition: number): boolean {
  return m.state === TxnState.Ongoing && m.partitions.some((tp) => tp.topic === topic && tp.partition === partition);
}

/**
 * The Produce check of a transactional batch: `m` is the metadata its producer id maps to.
 * Codes a producer understands (Kafka's AddPartitionsToTxnManager maps the coordinator's answer
 * the same way): no mapping → INVALID_PRODUCER_ID_MAPPING; another epoch → INVALID_PRODUCER_EPOCH
 * (a zombie, or an epoch the coordinator never handed out); a partition not in an Ongoing
 * transaction — none open, or finishing (Prepare*), or not added — → TRANSACTION_ABORTABLE, which
 * the Produce handler turns into INVALID_TXN_STATE below Produce v11 (produceErrorFor).
 * Nothing is appended on an error, so a late batch can never open a transaction by itself.
 */
export function verifyProduce(m: TxnMetadata | undefined, topic: string, partition: number, producerId: bigint, producerEpoch: number): ProduceVerdict {
  if (m === undefined || m.producerId !== producerId) {
    return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING, message: `producer ${producerId} has no transactional id` };
  }
  if (producerEpoch !== m.producerEpoch) {
    const why = producerEpoch < m.producerEpoch ? `was fenced by epoch ${m.producerEpoch}` : `is newer than the coordinator's epoch ${m.producerEpoch}`;
    return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, message: `producer ${producerId} epoch ${producerEpoch} ${why}` };
  }
  if (!inTransaction(m, topic, partition)) {
    return {
      kind: 'error',
      errorCode: ErrorCode.TRANSACTION_ABORTABLE,
      message: `${topic}-${partition} is not part of an ongoing transaction of producer ${producerId} (transaction ${m.transactionalId} is ${m.state}): abort the transaction`,
    };
  }
  return { kind: 'append' };
}
