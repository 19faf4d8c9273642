/*
 * DescribeGroups (key 15), served 0-5. State strings are Kafka's ("Empty", "PreparingRebalance",
 * "CompletingRebalance", "Stable", "Dead"); an unknown group is error 0 with state "Dead".
 * Like Kafka's GroupMetadata.summary, the chosen protocol and each member's metadata and
 * assignment are filled only when Stable. v3+ authorized operations (not computed: the
 * "not requested" sentinel); v4+ group instance id; v5 flexible.
 * While offsets load: COORDINATOR_LOAD_IN_PROGRESS 14 per group.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  DescribeGroupsRequestSchema,
  DescribeGroupsResponseSchema,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
} from '../../protocol/messages/15-describe-groups.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

const NOT_REQUESTED = -2147483648;

export const describeGroupsHandler = defineHandler<DescribeGroupsRequest, Partial<DescribeGroupsResponse>>({
  apiKey: 15,
  name: 'DescribeGroups',
  requestSchema: DescribeGroupsRequestSchema,
  responseSchema: DescribeGroupsResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  handle(ctx, req) {
    const { coordinator, offsets } = ctx.broker.service(GROUPS);
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        const base = { groupId, authorizedOperations: NOT_REQUESTED };
        if (!allowed(ctx, Op.DESCRIBE, Res.GROUP, groupId)) {
          return { ...base, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, groupState: '', protocolType: '', protocolData: '', members: [] };
        }
        if (offsets.loading) {
          return { ...base, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groupState: '', protocolType: '', protocolData: '', members: [] };
        }
        const group = coordinator.group(groupId);
        if (!group) return { ...base, errorCode: 0, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
        const d = group.describe();
        return {
          ...base,
          errorCode: 0,
          groupState: d.state,
          protocolType: d.protocolType,
          protocolData: d.protocolData,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
        };
      }),
    };
  },
});
