/*
 * ListGroups (key 16), served 0-5: every group this coordinator knows (including Empty groups
 * that only hold committed offsets), with its protocol type. v3+ flexible; v4+ StatesFilter
 * (case-insensitive, empty = all) and GroupState; v5+ TypesFilter and GroupType (always
 * "classic"). While offsets load: COORDINATOR_LOAD_IN_PROGRESS 14.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  ListGroupsRequestSchema,
  ListGroupsResponseSchema,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../../protocol/messages/16-list-groups.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, clusterAllowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const listGroupsHandler = defineHandler<ListGroupsRequest, Partial<ListGroupsResponse>>({
  apiKey: 16,
  name: 'ListGroups',
  requestSchema: ListGroupsRequestSchema,
  responseSchema: ListGroupsResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  handle(ctx, req) {
    const { coordinator, offsets } = ctx.broker.service(GROUPS);
    if (offsets.loading) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groups: [] };
    const states = new Set((ctx.apiVersion >= 4 ? req.statesFilter : []).map((s) => s.toLowerCase()));
    const types = new Set((ctx.apiVersion >= 5 ? req.typesFilter : []).map((s) => s.toLowerCase()));
    const seeAll = clusterAllowed(ctx, Op.DESCRIBE);
    const groups = coordinator
      .allGroups()
      .filter((g) => g.state !== 'Dead')
      .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
      .filter(() => types.size === 0 || types.has('classic'))
      // Kafka lists every group to a caller with DESCRIBE on the cluster, else those it may describe.
      .filter((g) => seeAll || allowed(ctx, Op.DESCRIBE, Res.GROUP, g.groupId))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' }));
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});
