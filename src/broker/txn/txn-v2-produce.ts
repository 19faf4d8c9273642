/*
 * Produce v12 inside a transaction (KIP-890 part 2): before the request's batches are checked and
 * appended, every partition that carries a transactional batch of the request's transactional id
 * is added to that transaction, as an AddPartitionsToTxn would (Kafka's AddPartitionsToTxnManager
 * with the `addPartition` operation). The client sends no AddPartitionsToTxn of its own.
 *
 * Phases:
 *   1. collect, per (producer id, epoch) of the batch headers, the partitions that may take a
 *      transactional batch: the caller's `eligible` says which (existing partition, not internal,
 *      writes allowed by the ACLs), and the batch must be transactional and not a control batch;
 *   2. ask the coordinator to add them (transactionalId, producer id, epoch: the same checks as
 *      AddPartitionsToTxn), recording that the transaction uses the v2 protocol;
 *   3. nothing else: the Produce handler's synchronous check (txn-verification.ts) stays the one
 *      that decides. A partition the add refused is refused there too, for the same reason
 *      (no mapping → INVALID_PRODUCER_ID_MAPPING; another epoch — a fenced producer, or a batch
 *      of a transaction that already ended — → INVALID_PRODUCER_EPOCH, which is what Kafka's
 *      AddPartitionsToTxnManager answers a producer for PRODUCER_FENCED).
 * A request without a transactional id, or at v11 and below, adds nothing (part 1 verifies only).
 */
import { BATCH_HEADER_SIZE, isControlBatch, isTransactionalBatch, readBatchHeader } from '../../protocol/records/batch-header.ts';
import type { Broker } from '../broker.ts';
import type { TxnPartition } from './txn-log.ts';
import { TransactionVersion, TV2_SINCE } from './txn-v2.ts';
import { TRANSACTIONS } from './txn-service.ts';

export interface ProduceTopicData {
  readonly name: string;
  readonly partitionData: readonly { readonly index: number; readonly records: Buffer | null }[];
}

/** Whether a Produce of `version` with this transactional id adds its partitions to the transaction. */
export function addsPartitionsImplicitly(version: number, transactionalId: string | null): transactionalId is string {
  return version >= TV2_SINCE.produce && transactionalId !== null;
}

/**
 * Phases 1-2 above. Resolves once the coordinator has answered (its errors are not surfaced here;
 * see phase 3). Never rejects: a failure only leaves the partitions out of the transaction.
 */
export async function addProducePartitions(
  broker: Broker,
  transactionalId: string,
  topics: readonly ProduceTopicData[],
  eligible: (topic: string, partition: number) => boolean,
  version: number,
): Promise<void> {
  const byProducer = new Map<string, { producerId: bigint; producerEpoch: number; parts: TxnPartition[] }>();
  for (const t of topics) {
    for (const pd of t.partitionData) {
      const records = pd.records;
      if (records === null || records.length < BATCH_HEADER_SIZE || !eligible(t.name, pd.index)) continue;
      const h = readBatchHeader(records);
      if (!isTransactionalBatch(h.attributes) || isControlBatch(h.attributes) || h.producerId < 0n) continue;
      const key = `${h.producerId}:${h.producerEpoch}`;
      let entry = byProducer.get(key);
      if (entry === undefined) byProducer.set(key, (entry = { producerId: h.producerId, producerEpoch: h.producerEpoch, parts: [] }));
      entry.parts.push({ topic: t.name, partition: pd.index });
    }
  }
  if (byProducer.size === 0) return;
  const coordinator = broker.service(TRANSACTIONS).coordinator;
  for (const e of byProducer.values()) {
    try {
      await coordinator.addPartitions(transactionalId, e, e.parts, version, TransactionVersion.TV2);
    } catch (err) {
      broker.logger.warn(`adding ${e.parts.length} partition(s) to transaction ${transactionalId} for a Produce v${version}: ${(err as Error).message}`);
    }
  }
}
