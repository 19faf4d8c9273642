/*
 * AddPartitionsToTxn (key 24), served 0-3: the client's partitions join its open transaction
 * (transaction-coordinator.ts has the checks and the state change). v0-1 (librdkafka, kafkajs),
 * v2 may answer PRODUCER_FENCED, v3 is flexible. v4+ is the broker-to-broker batched form
 * (KIP-890 verification), which a single node never needs; it is not advertised.
 * Per partition: 0, or the common error; an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION 3
 * and the others OPERATION_NOT_ATTEMPTED 55 (nothing is added), as Kafka does.
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
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  async handle(ctx, req) {
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
