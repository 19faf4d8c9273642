/*
 * JoinGroup (key 11), served 0-9. Parks the request until the rebalance completes (the
 * connection waits, as with Kafka); the state machine is in coordinator/group-coordinator.ts.
 *
 * v0      no rebalance timeout: the session timeout is used for both.
 * v4+     an empty member id is answered MEMBER_ID_REQUIRED 79 with a fresh id (kafkajs and
 *         librdkafka re-join at once with it).      v5+: static membership (group instance id).
 * v6+     flexible.   v7+: ProtocolType in the response.   v9: SkipAssignment (always false).
 * ProtocolName is nullable only from v7: older versions get "" on errors.
 */
import {
  JoinGroupRequestSchema,
  JoinGroupResponseSchema,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from '../../protocol/messages/11-join-group.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';

/** Kafka's JoinGroupRequest.getErrorResponse: no member id, no generation, no leader. */
function groupAuthorizationFailed(v: number): Partial<JoinGroupResponse> {
  const errorCode = ErrorCode.GROUP_AUTHORIZATION_FAILED;
  return { throttleTimeMs: 0, errorCode, generationId: -1, protocolType: null, protocolName: v >= 7 ? null : '', leader: '', memberId: '', members: [] };
}

export const joinGroupHandler = defineHandler<JoinGroupRequest, Partial<JoinGroupResponse>>({
  apiKey: 11,
  name: 'JoinGroup',
  requestSchema: JoinGroupRequestSchema,
  responseSchema: JoinGroupResponseSchema,
  advertised: { min: 0, max: 9 },
  served: { min: 0, max: 9 },
  async handle(ctx, req) {
    const { coordinator } = ctx.broker.service(GROUPS);
    const v = ctx.apiVersion;
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return groupAuthorizationFailed(v);
    const result = await coordinator.join({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
      clientId: ctx.clientId ?? '',
      clientHost: `/${ctx.conn.remote.replace(/:\d+$/, '')}`,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 && req.rebalanceTimeoutMs > 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      requireKnownMemberId: v >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName: result.protocolName ?? (v >= 7 ? null : ''),
      leader: result.leader,
      skipAssignment: false,
      memberId: result.memberId,
      members: result.members,
    };
  },
});
