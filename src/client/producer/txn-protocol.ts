/*
 * Which transaction protocol a transactional producer speaks with its coordinator (KIP-890):
 *
 *   v1 (part 1)  AddPartitionsToTxn before a partition's first batch, AddOffsetsToTxn before
 *                TxnOffsetCommit, EndTxn ≤ v4; the epoch changes only through InitProducerId.
 *                Produce inside a transaction stays at ≤ v11 ("If V2 is disabled, the client can't
 *                use produce request version higher than 11 within a transaction",
 *                apache/kafka ProduceRequest.json at 4.0.0), TxnOffsetCommit at ≤ v4.
 *   v2 (part 2)  Produce v12 adds its partitions, TxnOffsetCommit v5 adds the group's offsets
 *                partition; EndTxn v5 bumps the epoch and answers the producer id and epoch to use
 *                next (sequences restart at 0 under it).
 *
 * v2 is chosen, as Java's TransactionManager does, when the coordinator's ApiVersions finalizes
 * the feature `transaction.version` at level 2 or more (KIP-1022), and that broker also serves
 * Produce v12, TxnOffsetCommit v5 and EndTxn v5; otherwise v1. The choice is made at each
 * InitProducerId (initTransactions, and the epoch bump after an abort) and holds until the next.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import type { WireConnection } from '../connection.ts';

export const TRANSACTION_VERSION_FEATURE = 'transaction.version';

/** Version bounds for one request (the connection negotiates within them). */
export interface VersionBounds {
  readonly minVersion?: number;
  readonly maxVersion?: number;
}

export interface TxnProtocol {
  readonly v2: boolean;
  readonly produce: VersionBounds;
  readonly txnOffsetCommit: VersionBounds;
  readonly endTxn: VersionBounds;
}

export const TXN_PROTOCOL_V1: TxnProtocol = Object.freeze({
  v2: false,
  produce: { minVersion: 3, maxVersion: 11 },
  txnOffsetCommit: { maxVersion: 4 },
  endTxn: { maxVersion: 4 },
});

export const TXN_PROTOCOL_V2: TxnProtocol = Object.freeze({
  v2: true,
  produce: { minVersion: 12 },
  txnOffsetCommit: { minVersion: 5 },
  endTxn: { minVersion: 5 },
});

/** The protocol to speak with the coordinator reached over `conn` (see the header). */
export function txnProtocolOf(conn: WireConnection): TxnProtocol {
  const level = conn.finalizedFeatures.get(TRANSACTION_VERSION_FEATURE) ?? 0;
  const serves = (apiKey: number, version: number) => (conn.versions.get(apiKey)?.max ?? -1) >= version;
  const v2 = level >= 2 && serves(ApiKeys.Produce, 12) && serves(ApiKeys.TxnOffsetCommit, 5) && serves(ApiKeys.EndTxn, 5);
  return v2 ? TXN_PROTOCOL_V2 : TXN_PROTOCOL_V1;
}
