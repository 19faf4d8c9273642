/*
 * AddPartitionsToTxn (key 24), served 0-5.
 *
 * v0-3, the client form (librdkafka v0, kafkajs v1, v2 may answer PRODUCER_FENCED, v3 flexible):
 *   one transaction; its partitions join it (transaction-coordinator.ts has the checks and the
 *   state change). Per partition: 0, or the common error; an unknown partition gets
 *   UNKNOWN_TOPIC_OR_PARTITION 3 and the others OPERATION_NOT_ATTEMPTED 55 (nothing is added),
 *   as Kafka does.
 * v4-5, the broker-to-broker form (KIP-890 part 1): a batch of transactions, each with VerifyOnly.
 *   VerifyOnly=true asks whether the partitions are already in the ongoing transaction and
 *   changes nothing (txn-verification.ts: per partition NONE or TRANSACTION_ABORTABLE, or a common
 *   49/90/51); VerifyOnly=false adds them as v3 does. The answer has a top-level ErrorCode and one
 *   ResultsByTransaction entry per transaction. As in Kafka (KafkaApis), the caller needs
 *   CLUSTER_ACTION on the cluster (else top-level CLUSTER_AUTHORIZATION_FAILED 31 and no results)
 *   and the per-transaction ACL checks of v0-3 are not made (a broker asks on behalf of a produce
 *   it has already authorized). An empty transactional id gets INVALID_REQUEST 42 per partition;
 *   a transactional id named twice makes the whole request INVALID_REQUEST (top level).
 *   v5 may answer TRANSACTION_ABORTABLE 120; v4 gets INVALID_TXN_STATE 48 in its place.
 * This node's own Produce path asks the coordinator in process instead (txn-service.ts), so v4+
 * serves other tools and brokers speaking the protocol.
 */
import {
  AddPartitionsToTxnRequestSchema,
  AddPartitionsToTxnResponseSchema,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponse,
} from '../../protocol/messages/24-add-partitions-to-txn.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import type { TxnPartition } from '../txn/txn-log.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { RequestContext } from './handler.ts';
import { clusterAllowed } from '../acl/request-authz.ts';
import { ABORTABLE_SINCE, abortableFor } from '../txn/txn-verification.ts';

/** The first version of the batched broker-to-broker form. */
const BATCHED_SINCE = 4;

/**
 * Kafka's checks (KafkaApis.handleAddPartitionsToTransactionRequest): WRITE on the transactional
 * id, else every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED; WRITE on each topic, else its
 * partitions TOPIC_AUTHORIZATION_FAILED and all others OPERATION_NOT_ATTEMPTED (nothing is added).
 * Returns the code per topic, or null when everything is allowed.
 */
function deniedTopics(ctx: RequestContext, transactionalId: string, parts: { name: string }[]): Map<string, number> | null {
  if (!allowed(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, transactionalId)) {
    return new Map(parts.map((t) => [t.name, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]));
  }
  const codes = new Map(parts.map((t) => [t.name, allowed(ctx, Op.WRITE, Res.TOPIC, t.name) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.TOPIC_AUTHORIZATION_FAILED]));
  return [...codes.values()].includes(ErrorCode.TOPIC_AUTHORIZATION_FAILED) ? codes : null;
}

function answer(parts: { name: string; list: TxnPartition[] }[], codes: Map<string, number>): Partial<AddPartitionsToTxnResponse> {
  return {
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: parts.map((t) => ({
      name: t.name,
      resultsByPartition: t.list.map((tp) => ({ partitionIndex: tp.partition, partitionErrorCode: codes.get(t.name) ?? 0 })),
    })),
  };
}

export const addPartitionsToTxnHandler = defineHandler<AddPartitionsToTxnRequest, Partial<AddPartitionsToTxnResponse>>({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  requestSchema: AddPartitionsToTxnRequestSchema,
  responseSchema: AddPartitionsToTxnResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  async handle(ctx, req) {
    if (ctx.apiVersion >= BATCHED_SINCE) return batched(ctx, req);
    const parts: { name: string; list: TxnPartition[] }[] = req.v3AndBelowTopics.map((t) => ({
      name: t.name,
      list: t.partitions.map((partition) => ({ topic: t.name, partition })),
    }));
    const denied = deniedTopics(ctx, req.v3AndBelowTransactionalId, parts);
    if (denied !== null) return answer(parts, denied);
    const codes = await ctx.broker.service(TRANSACTIONS).coordinator.addPartitions(
      req.v3AndBelowTransactionalId,
      { producerId: req.v3AndBelowProducerId, producerEpoch: req.v3AndBelowProducerEpoch },
      parts.flatMap((t) => t.list),
      ctx.apiVersion,
    );
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: parts.map((t) => ({
        name: t.name,
        resultsByPartition: t.list.map((tp) => ({ partitionIndex: tp.partition, partitionErrorCode: codes.get(tp) ?? 0 })),
      })),
    };
  },
});

type TxnResult = AddPartitionsToTxnResponse['resultsByTransaction'][number];

/** v4+: every transaction of the batch, verified or added (see the header). */
async function batched(ctx: RequestContext, req: AddPartitionsToTxnRequest): Promise<Partial<AddPartitionsToTxnResponse>> {
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, resultsByTransaction: [] });
  if (!clusterAllowed(ctx, Op.CLUSTER_ACTION)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  const ids = req.transactions.map((t) => t.transactionalId);
  if (new Set(ids).size !== ids.length) return fail(ErrorCode.INVALID_REQUEST);
  const coordinator = ctx.broker.service(TRANSACTIONS).coordinator;
  const results = await Promise.all(
    req.transactions.map(async (t): Promise<TxnResult> => {
      const parts = t.topics.flatMap((topic) => topic.partitions.map((partition) => ({ topic: topic.name, partition })));
      const producer = { producerId: t.producerId, producerEpoch: t.producerEpoch };
      let codes: Map<TxnPartition, number>;
      if (t.transactionalId === '') codes = new Map(parts.map((tp) => [tp, ErrorCode.INVALID_REQUEST]));
      else if (t.verifyOnly) codes = coordinator.verifyPartitions(t.transactionalId, producer, parts);
      else codes = await coordinator.addPartitions(t.transactionalId, producer, parts, ctx.apiVersion);
      let i = 0;
      return {
        transactionalId: t.transactionalId,
        topicResults: t.topics.map((topic) => ({
          name: topic.name,
          resultsByPartition: topic.partitions.map((partitionIndex) => ({
            partitionIndex,
            partitionErrorCode: abortableFor(codes.get(parts[i++]!) ?? ErrorCode.NONE, ctx.apiVersion, ABORTABLE_SINCE.addPartitions),
          })),
        })),
      };
    }),
  );
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: results };
}
