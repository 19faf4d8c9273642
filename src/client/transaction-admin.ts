/*
 * Transaction admin calls of the client (KIP-664, as Kafka's AdminClient listTransactions and
 * describeTransactions), used by `tributary transactions`.
 *
 * Routing: ListTransactions goes to every broker, since each lists only the transactional ids it
 * coordinates; DescribeTransactions goes to the id's coordinator, found with FindCoordinator key
 * type 1 (v4+ batches keys: the answer is `coordinators[0]`). A non-zero error code throws a
 * KafkaResponseError naming the id.
 */
import { ApiKeys } from '../protocol/api-keys.ts';
import type { WireCluster } from './cluster.ts';
import { coordinatorOf } from './coordinator.ts';
import { checkErrorCode, KafkaClientError } from './errors.ts';
import type { TransactionDescription, TransactionListing } from './types.ts';

/** Every transactional id of the cluster, optionally only those in `states`, ordered by id. */
export async function listTransactions(cluster: WireCluster, states: readonly string[] = []): Promise<TransactionListing[]> {
  await cluster.refresh([]);
  const out = new Map<string, TransactionListing>();
  for (const nodeId of cluster.brokers.keys()) {
    const conn = await cluster.connectionTo(nodeId);
    const { body } = await conn.request(ApiKeys.ListTransactions, { stateFilters: [...states], producerIdFilters: [], durationFilter: -1n });
    checkErrorCode(body.errorCode, `listing transactions on broker ${nodeId}`);
    if (body.unknownStateFilters.length > 0) {
      throw new KafkaClientError(`unknown transaction state(s): ${body.unknownStateFilters.join(', ')}; use Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence or Dead`);
    }
    for (const t of body.transactionStates) out.set(t.transactionalId, { transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState });
  }
  return [...out.values()].sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
}


export async function describeTransaction(cluster: WireCluster, transactionalId: string): Promise<TransactionDescription> {
  const conn = await coordinatorOf(cluster, transactionalId, 'transaction');
  const { body } = await conn.request(ApiKeys.DescribeTransactions, { transactionalIds: [transactionalId] });
  const t = body.transactionStates[0];
  if (!t) throw new KafkaClientError(`the broker returned no description for transactional id "${transactionalId}"`);
  checkErrorCode(t.errorCode, `describing transactional id "${transactionalId}"`);
  return {
    transactionalId: t.transactionalId,
    state: t.transactionState,
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    timeoutMs: t.transactionTimeoutMs,
    startTimeMs: Number(t.transactionStartTimeMs),
    partitions: t.topics.map((tp: { topic: string; partitions: readonly number[] }) => ({ topic: tp.topic, partitions: [...tp.partitions] })),
  };
}

