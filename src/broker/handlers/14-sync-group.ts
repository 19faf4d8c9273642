/*
 * SyncGroup (key 14), served 0-5. Followers park until the leader's SyncGroup arrives with the
 * assignments; a member the leader left out gets an encoded empty ConsumerProtocolAssignment
 * for protocol type "consumer" (kafka-python 2.0.2 crashes on zero bytes).
 *
 * v3+     group instance id.   v4+: flexible.   v5+: ProtocolType/ProtocolName in both
 *         directions (checked against the group's: INCONSISTENT_GROUP_PROTOCOL 23).
 */
import {
  SyncGroupRequestSchema,
  SyncGroupResponseSchema,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from '../../protocol/messages/14-sync-group.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

export const syncGroupHandler = defineHandler<SyncGroupRequest, Partial<SyncGroupResponse>>({
  apiKey: 14,
  name: 'SyncGroup',
  requestSchema: SyncGroupRequestSchema,
  responseSchema: SyncGroupResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  async handle(ctx, req) {
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, assignment: Buffer.alloc(0) };
    const { coordinator } = ctx.broker.service(GROUPS);
    const v = ctx.apiVersion;
    const result = await coordinator.sync({
      groupId: req.groupId,
      memberId: req.memberId,
      generationId: req.generationId,
      groupInstanceId: v >= 3 ? req.groupInstanceId : null,
      protocolType: v >= 5 ? req.protocolType : null,
      protocolName: v >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    };
  },
});
