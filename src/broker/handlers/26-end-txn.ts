/*
 * EndTxn (key 26), served 0-5: commit or abort the transaction. The reply is sent once the
 * markers are in every partition of the transaction and durable, and the transaction's pending
 * offsets are committed (commit) or dropped (abort): a read_committed consumer that starts after
 * the reply sees the outcome. v2+ may answer PRODUCER_FENCED; v3 flexible; v4 (KIP-890) may answer
 * TRANSACTION_ABORTABLE, which this coordinator, like Kafka's part-1 coordinator, never sends for
 * EndTxn (an EndTxn outside a transaction is INVALID_TXN_STATE at every version below 5).
 * v5 (KIP-890 part 2) ends the transaction with the producer epoch bumped and answers the producer
 * id and epoch to use next; an abort with no open transaction is served too (txn/txn-v2.ts). As in
 * Kafka, the request version decides (a client picks v5 only when the broker finalizes
 * transaction.version 2).
 */
import {
  EndTxnRequestSchema,
  EndTxnResponseSchema,
  type EndTxnRequest,
  type EndTxnResponse,
} from '../../protocol/messages/26-end-txn.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import { TV2_SINCE } from '../txn/txn-v2.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

export const endTxnHandler = defineHandler<EndTxnRequest, Partial<EndTxnResponse>>({
  apiKey: 26,
  name: 'EndTxn',
  requestSchema: EndTxnRequestSchema,
  responseSchema: EndTxnResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  async handle(ctx, req) {
    if (!allowed(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    const coordinator = ctx.broker.service(TRANSACTIONS).coordinator;
    const producer = { producerId: req.producerId, producerEpoch: req.producerEpoch };
    if (ctx.apiVersion >= TV2_SINCE.endTxn) return { throttleTimeMs: 0, ...(await coordinator.endTxnV2(req.transactionalId, producer, req.committed)) };
    const errorCode = await coordinator.endTxn(req.transactionalId, producer, req.committed, ctx.apiVersion);
    return { throttleTimeMs: 0, errorCode };
  },
});
