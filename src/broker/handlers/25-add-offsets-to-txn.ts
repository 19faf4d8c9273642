/*
 * AddOffsetsToTxn (key 25), served 0-4: the consumer group's offsets partition
 * (__consumer_offsets-0 on this single node) joins the transaction, so TxnOffsetCommit may follow.
 * v2+ may answer PRODUCER_FENCED; v3 flexible; v4 may answer TRANSACTION_ABORTABLE (never here).
 * An invalid group id answers INVALID_GROUP_ID 24.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  AddOffsetsToTxnRequestSchema,
  AddOffsetsToTxnResponseSchema,
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
} from '../../protocol/messages/25-add-offsets-to-txn.ts';
import { validGroupId } from '../coordinator/group-coordinator.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const addOffsetsToTxnHandler = defineHandler<AddOffsetsToTxnRequest, Partial<AddOffsetsToTxnResponse>>({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  requestSchema: AddOffsetsToTxnRequestSchema,
  responseSchema: AddOffsetsToTxnResponseSchema,
  advertised: { min: 0, max: 4 },
  served: { min: 0, max: 4 },
  async handle(ctx, req) {
    if (!allowed(ctx, Op.WRITE, Res.TRANSACTIONAL_ID, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    if (!validGroupId(req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    const errorCode = await ctx.broker
      .service(TRANSACTIONS)
      .coordinator.addOffsets(req.transactionalId, { producerId: req.producerId, producerEpoch: req.producerEpoch }, ctx.apiVersion);
    return { throttleTimeMs: 0, errorCode };
  },
});
