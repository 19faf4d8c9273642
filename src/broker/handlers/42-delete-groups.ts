/*
 * DeleteGroups (key 42), served 0-2. Only an Empty group can be deleted (NON_EMPTY_GROUP 68
 * otherwise); an unknown one is GROUP_ID_NOT_FOUND 69. Deleting writes tombstones for the
 * group's offsets and metadata to __consumer_offsets before the reply, so the group stays
 * deleted after a restart. v2 flexible.
 */
import {
  DeleteGroupsRequestSchema,
  DeleteGroupsResponseSchema,
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
} from '../../protocol/messages/42-delete-groups.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { GROUPS } from '../coordinator/service.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, Partial<DeleteGroupsResponse>>({
  apiKey: 42,
  name: 'DeleteGroups',
  requestSchema: DeleteGroupsRequestSchema,
  responseSchema: DeleteGroupsResponseSchema,
  advertised: { min: 0, max: 2 },
  served: { min: 0, max: 2 },
  async handle(ctx, req) {
    const groups = ctx.broker.service(GROUPS);
    const results: { groupId: string; errorCode: number }[] = [];
    for (const groupId of req.groupsNames) {
      let errorCode: number;
      if (!allowed(ctx, Op.DELETE, Res.GROUP, groupId)) {
        results.push({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
        continue;
      }
      try {
        errorCode = await groups.deleteGroup(groupId);
      } catch (err) {
        ctx.broker.logger.warn(`DeleteGroups ${groupId}: ${(err as Error).message}`);
        errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      results.push({ groupId, errorCode });
    }
    return { throttleTimeMs: 0, results };
  },
});
