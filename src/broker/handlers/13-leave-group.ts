/*
 * LeaveGroup (key 13), served 0-5. The member is removed at once and the group rebalances (or
 * becomes Empty when it was the last member).
 *
 * v0-2    one MemberId; its error is the top-level error code.
 * v3+     Members[{MemberId, GroupInstanceId}] with a per-member error (kafkajs); v4+ flexible;
 *         v5 adds a Reason (ignored).
 */
import {
  LeaveGroupRequestSchema,
  LeaveGroupResponseSchema,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
} from '../../protocol/messages/13-leave-group.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

export const leaveGroupHandler = defineHandler<LeaveGroupRequest, Partial<LeaveGroupResponse>>({
  apiKey: 13,
  name: 'LeaveGroup',
  requestSchema: LeaveGroupRequestSchema,
  responseSchema: LeaveGroupResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  handle(ctx, req) {
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const { coordinator } = ctx.broker.service(GROUPS);
    if (ctx.apiVersion < 3) {
      const r = coordinator.leave(req.groupId, [{ memberId: req.memberId, groupInstanceId: null }]);
      return { throttleTimeMs: 0, errorCode: r.errorCode !== 0 ? r.errorCode : (r.members[0]?.errorCode ?? 0), members: [] };
    }
    const r = coordinator.leave(
      req.groupId,
      req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })),
    );
    return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
  },
});
