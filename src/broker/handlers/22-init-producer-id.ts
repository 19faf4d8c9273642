/*
 * InitProducerId (key 22), served 0-5, for idempotent (non-transactional) producers. kafkajs
 * sends it to the controller (Metadata's controller id is this node) and librdkafka to any
 * broker; both get a producer id that is never reused, at epoch 0.
 *
 * v0-1    TransactionalId (null here), transaction timeout.   v2+: flexible.
 * v3+     ProducerId/ProducerEpoch of the producer's current id: KIP-360 epoch bump, answered
 *         with the same id at epoch + 1.   v4+: PRODUCER_FENCED exists (sent only from v4).
 * A non-null TransactionalId goes to the transaction coordinator (txn/transaction-coordinator.ts):
 * epoch bump, fencing and aborting the previous producer's open transaction.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  InitProducerIdRequestSchema,
  InitProducerIdResponseSchema,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/messages/22-init-producer-id.ts';
import { PRODUCERS } from '../txn/service.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import { defineHandler } from './handler.ts';
import { allowed, allowedOnAnyOf, clusterAllowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const initProducerIdHandler = defineHandler<InitProducerIdRequest, Partial<InitProducerIdResponse>>({
  apiKey: 22,
  name: 'InitProducerId',
  requestSchema: InitProducerIdRequestSchema,
  responseSchema: InitProducerIdResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  handle(ctx, req) {
    const v = ctx.apiVersion;
    if (req.transactionalId !== null) {
      if (req.transactionalId === '') {
        return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
      }
      if (!allowed(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
      }
      const given = v >= 3 ? { producerId: req.producerId, producerEpoch: req.producerEpoch } : null;
      return ctx.broker
        .service(TRANSACTIONS)
        .coordinator.initProducerId(req.transactionalId, req.transactionTimeoutMs, given, v)
        .then((r) => ({ throttleTimeMs: 0, ...r }));
    }
    // An idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679).
    if (!clusterAllowed(ctx, Op.IDEMPOTENT_WRITE) && !allowedOnAnyOf(ctx, Op.WRITE, Res.TOPIC)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
    }
    const producers = ctx.broker.service(PRODUCERS);
    const r = producers.initProducerId(v >= 3 ? req.producerId : -1n, v >= 3 ? req.producerEpoch : -1);
    return { throttleTimeMs: 0, errorCode: 0, producerId: r.producerId, producerEpoch: r.producerEpoch };
  },
});
