/*
 * KIP-890 part 2, "transactions v2" (Kafka 4.0's `transaction.version` feature level 2, KIP-1022):
 * the rules the coordinator applies on top of part 1 (txn-verification.ts), as pure functions of
 * a transactional id's metadata. Apache Kafka's counterparts: TransactionCoordinator.endTransaction
 * (its TV2 branch) and TransactionMetadata.prepareAbortOrCommit / prepareComplete.
 *
 * What changes with v2, per request:
 *   Produce v12          a transactional batch adds its partition to the transaction itself
 *                        (txn-v2-produce.ts); AddPartitionsToTxn is not needed.
 *   TxnOffsetCommit v5   adds the group's offsets partition itself; AddOffsetsToTxn is not needed.
 *   EndTxn v5            the producer epoch is bumped at the end of EVERY transaction: Prepare*
 *                        carries epoch + 1, the markers are written with it, and the answer
 *                        names the producer id and epoch to use next. When the current epoch is
 *                        exhausted (≥ 32766: the client is never handed 32767, so the coordinator
 *                        can always fence), a next producer id is allocated at Prepare* and
 *                        becomes the producer id, at epoch 0, at Complete* (the old id is kept as
 *                        lastProducerId, Kafka's PreviousProducerId).
 * Why: a batch delayed past its transaction's end carries the old epoch, and every partition
 * refuses it once the coordinator moved on (txn-verification.ts: "another epoch"), so it can no
 * longer join the producer's next transaction (part 1 alone cannot tell the two apart).
 *
 * EndTxn v5 decision table (request: producer id P, epoch E; metadata: id M, epoch N):
 *   retryOnEpochBump  P = M and N = E + 1                  (the answer to an earlier EndTxn was lost)
 *   retryOnOverflow   P = lastProducerId, E = 32766, N = 0 (the same, across a producer-id rotation)
 *   P ≠ M and not retryOnOverflow                          → INVALID_PRODUCER_ID_MAPPING
 *   epoch check by state, else                             → PRODUCER_FENCED
 *     Ongoing, Empty           E = N
 *     Prepare*                 retryOnEpochBump
 *     Complete*                retryOnEpochBump or retryOnOverflow or E = N
 *   Ongoing                              → end (commit or abort)
 *   CompleteCommit + commit              → retry: NONE; else INVALID_TXN_STATE
 *   CompleteCommit/CompleteAbort + abort → retry of an abort: NONE; retry of a commit:
 *                                          INVALID_TXN_STATE; else an abort of nothing (epoch bumped)
 *   CompleteAbort + commit, Empty + commit → INVALID_TXN_STATE
 *   Empty + abort                         → an abort of nothing (epoch bumped)
 *   Prepare* (same outcome)               → CONCURRENT_TRANSACTIONS; other outcome → INVALID_TXN_STATE
 * An "abort of nothing" exists because with v2 a client cannot know whether its failed first
 * Produce reached the coordinator; it aborts anyway and gets a fresh epoch.
 *
 * Fencing (InitProducerId of a new instance, transaction timeout) bumps the epoch by 2 where a
 * transaction may be v2 (the broker finalizes level 2, or the transaction used v2), as Kafka's
 * fence followed by its v2 abort does: otherwise the fenced producer's EndTxn v5 at the old epoch
 * would look like a retry (N = E + 1) and be handed the new epoch.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import { MAX_PRODUCER_EPOCH } from './service.ts';
import type { TxnMetadata } from './txn-log.ts';
import { TxnState } from './txn-state-machine.ts';

/** The feature clients read from ApiVersions (KIP-1022) and its levels. */
export const TRANSACTION_VERSION_FEATURE = 'transaction.version';
export const TransactionVersion = { TV0: 0, TV1: 1, TV2: 2 } as const;
export const SUPPORTED_TRANSACTION_VERSIONS = { min: TransactionVersion.TV0, max: TransactionVersion.TV2 } as const;

/** First request version of each API that speaks transactions v2. */
export const TV2_SINCE = { produce: 12, endTxn: 5, txnOffsetCommit: 5 } as const;

export interface TxnIdentity {
  producerId: bigint;
  producerEpoch: number;
}

/** Kafka's TransactionMetadata.isEpochExhausted. */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_PRODUCER_EPOCH - 1;
}

export type EndTxnV2Plan =
  | { readonly kind: 'answer'; readonly errorCode: number; readonly producerId: bigint; readonly producerEpoch: number }
  | { readonly kind: 'end'; readonly commit: boolean; readonly metadata: TxnMetadata };

const answer = (errorCode: number, id: TxnIdentity | null = null): EndTxnV2Plan => ({
  kind: 'answer',
  errorCode,
  producerId: id?.producerId ?? -1n,
  producerEpoch: id?.producerEpoch ?? -1,
});

/** EndTxn v5: what to do (the table in the header). `m` is the metadata of the request's transactional id. */
export function planEndTxnV2(m: TxnMetadata | undefined, p: TxnIdentity, commit: boolean): EndTxnV2Plan {
  if (m === undefined) return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  const retryOnOverflow = m.lastProducerId === p.producerId && p.producerEpoch === MAX_PRODUCER_EPOCH - 1 && m.producerEpoch === 0;
  if (m.producerId !== p.producerId && !retryOnOverflow) return answer(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  const retryOnEpochBump = m.producerId === p.producerId && m.producerEpoch === p.producerEpoch + 1;
  const isRetry = retryOnEpochBump || retryOnOverflow;
  const sameEpoch = m.producerId === p.producerId && m.producerEpoch === p.producerEpoch;
  const end = (c: boolean): EndTxnV2Plan => ({ kind: 'end', commit: c, metadata: m });
  switch (m.state) {
    case TxnState.Ongoing:
      return sameEpoch ? end(commit) : answer(ErrorCode.PRODUCER_FENCED);
    case TxnState.Empty:
      if (!sameEpoch) return answer(ErrorCode.PRODUCER_FENCED);
      return commit ? answer(ErrorCode.INVALID_TXN_STATE) : end(false);
    case TxnState.PrepareCommit:
    case TxnState.PrepareAbort:
      if (!retryOnEpochBump) return answer(ErrorCode.PRODUCER_FENCED);
      return commit === (m.state === TxnState.PrepareCommit) ? answer(ErrorCode.CONCURRENT_TRANSACTIONS) : answer(ErrorCode.INVALID_TXN_STATE);
    case TxnState.CompleteCommit:
    case TxnState.CompleteAbort: {
      if (!isRetry && !sameEpoch) return answer(ErrorCode.PRODUCER_FENCED);
      const committed = m.state === TxnState.CompleteCommit;
      if (isRetry) return commit === committed ? answer(ErrorCode.NONE, m) : answer(ErrorCode.INVALID_TXN_STATE);
      return commit ? answer(ErrorCode.INVALID_TXN_STATE) : end(false);
    }
    default:
      // PrepareEpochFence is finished under the id's lock before any request sees it; Dead is forgotten.
      return sameEpoch ? answer(ErrorCode.CONCURRENT_TRANSACTIONS) : answer(ErrorCode.PRODUCER_FENCED);
  }
}

/**
 * The changes of the Prepare{Commit,Abort} record of a v2 end (Kafka's prepareAbortOrCommit):
 * the epoch bumped, the old one remembered, a next producer id when the epoch is exhausted.
 */
export function prepareEndChanges(m: TxnMetadata, allocate: () => bigint): Partial<TxnMetadata> {
  const exhausted = isEpochExhausted(m.producerEpoch);
  return {
    producerEpoch: m.producerEpoch + 1,
    lastProducerEpoch: m.producerEpoch,
    nextProducerId: exhausted ? allocate() : -1n,
    clientTransactionVersion: TransactionVersion.TV2,
  };
}

/**
 * The producer-id rotation of the Complete{Commit,Abort} record (Kafka's prepareComplete): after
 * the markers carried the last epoch of the old id, the next id takes over at epoch 0.
 */
export function completeChanges(m: TxnMetadata): Partial<TxnMetadata> {
  const next = m.nextProducerId ?? -1n;
  if (next < 0n) return {};
  return { producerId: next, producerEpoch: 0, lastProducerId: m.producerId, lastProducerEpoch: -1, nextProducerId: -1n };
}

/**
 * The epoch a fenced transaction is aborted with: + 2 where the transaction may be v2 (see the
 * header), + 1 otherwise, never reaching 32767 (the fence must stay possible); unchanged when
 * even + 1 would.
 */
export function fencedEpoch(m: TxnMetadata, finalizedLevel: number): number {
  const v2 = finalizedLevel >= TransactionVersion.TV2 || (m.clientTransactionVersion ?? 0) >= TransactionVersion.TV2;
  for (const bump of v2 ? [2, 1] : [1]) {
    if (m.producerEpoch + bump < MAX_PRODUCER_EPOCH) return m.producerEpoch + bump;
  }
  return m.producerEpoch;
}
