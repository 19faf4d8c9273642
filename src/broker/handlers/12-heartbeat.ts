/*
 * Heartbeat (key 12), served 0-4. Answered at once: 0 while Stable or CompletingRebalance,
 * REBALANCE_IN_PROGRESS 27 while PreparingRebalance (how members learn to re-join), 25 / 22 for
 * an unknown member or a stale generation. v3+ group instance id; v4 flexible.
 */
import {
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  type HeartbeatRequest,
  type HeartbeatResponse,
} from '../../protocol/messages/12-heartbeat.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

export const heartbeatHandler = defineHandler<HeartbeatRequest, Partial<HeartbeatResponse>>({
  apiKey: 12,
  name: 'Heartbeat',
  requestSchema: HeartbeatRequestSchema,
  responseSchema: HeartbeatResponseSchema,
  advertised: { min: 0, max: 4 },
  served: { min: 0, max: 4 },
  handle(ctx, req) {
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const { coordinator } = ctx.broker.service(GROUPS);
    const instanceId = ctx.apiVersion >= 3 ? req.groupInstanceId : null;
    return { throttleTimeMs: 0, errorCode: coordinator.heartbeat(req.groupId, req.memberId, req.generationId, instanceId) };
  },
});
