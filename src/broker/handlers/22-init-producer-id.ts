/*
 * InitProducerId (key 22), served 0-5, for idempotent (non-transactional) producers. kafkajs
 * sends it to the controller (Metadata's controller id is this node) and librdkafka to any
 * broker; both get a producer id that is never reused, at epoch 0.
 *
 * v0-1    TransactionalId (null here), transaction timeout.   v2+: flexible.
 * v3+     ProducerId/ProducerEpoch of the producer's current id: KIP-360 epoch bump, answered
 *         with the same id at epoch + 1.   v4+: PRODUCER_FENCED exists (never sent here).
 * A non-null TransactionalId: transactions are a later issue, so the request is refused with
 * INVALID_REQUEST 42 (and a broker warning saying so) rather than half-served.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  InitProducerIdRequestSchema,
  InitProducerIdResponseSchema,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/messages/22-init-producer-id.ts';
import { PRODUCERS } from '../txn/service.ts';
import { defineHandler } from './handler.ts';

export const initProducerIdHandler = defineHandler<InitProducerIdRequest, Partial<InitProducerIdResponse>>({
  apiKey: 22,
  name: 'InitProducerId',
  requestSchema: InitProducerIdRequestSchema,
  responseSchema: InitProducerIdResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  handle(ctx, req) {
    if (req.transactionalId !== null) {
      ctx.broker.logger.warn(
        `InitProducerId for transactional id "${req.transactionalId}" refused: transactions are not implemented yet ` +
          '(use an idempotent, non-transactional producer)',
      );
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    }
    const producers = ctx.broker.service(PRODUCERS);
    const v = ctx.apiVersion;
    const r = producers.initProducerId(v >= 3 ? req.producerId : -1n, v >= 3 ? req.producerEpoch : -1);
    return { throttleTimeMs: 0, errorCode: 0, producerId: r.producerId, producerEpoch: r.producerEpoch };
  },
});
