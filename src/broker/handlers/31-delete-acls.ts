/*
 * DeleteAcls (key 31), served 0-3 (v2+ flexible). Needs ALTER on the cluster.
 *   no authorizer                → every filter result SECURITY_DISABLED 54
 *   not allowed                  → every filter result CLUSTER_AUTHORIZATION_FAILED 31
 *   a filter with an UNKNOWN code → that result INVALID_REQUEST 42 (other filters still run)
 *   otherwise                     → per filter, every ACL it matched, now deleted (an ACL matched
 *                                  by two filters is listed under both, as in Kafka)
 * The reply waits until the remaining ACL set is on disk.
 */
import {
  DeleteAclsRequestSchema,
  DeleteAclsResponseSchema,
  type DeleteAclsRequest,
  type DeleteAclsResponse,
} from '../../protocol/messages/31-delete-acls.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { aclApiGate } from '../acl/acl-api-gate.ts';
import { bindingToWire, filterFromWire } from '../../protocol/acl-wire.ts';
import { AclOperation, type AclFilter } from '../../protocol/acl-types.ts';
import { checkFilter } from '../acl/acl-validation.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<DeleteAclsResponse>;
type FilterResult = NonNullable<Response['filterResults']>[number];

export const deleteAclsHandler = defineHandler<DeleteAclsRequest, Response>({
  apiKey: 31,
  name: 'DeleteAcls',
  requestSchema: DeleteAclsRequestSchema,
  responseSchema: DeleteAclsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  async handle(ctx, req) {
    const gate = aclApiGate(ctx, AclOperation.ALTER);
    if (!('authorizer' in gate)) {
      const { errorCode, errorMessage } = gate;
      return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) };
    }
    const checked = req.filters.map((f) => checkFilter(filterFromWire(f)));
    const runnable = checked.flatMap((c): AclFilter[] => (c.ok ? [c.value] : []));
    let deleted: Awaited<ReturnType<typeof gate.authorizer.delete>>;
    try {
      deleted = await gate.authorizer.delete(runnable);
    } catch (err) {
      ctx.broker.logger.warn(`DeleteAcls: writing the ACL file failed: ${(err as Error).message}`);
      const errorMessage = (err as Error).message;
      return { throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage, matchingAcls: [] })) };
    }
    let next = 0;
    const filterResults = checked.map((c): FilterResult => {
      if (!c.ok) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: c.error, matchingAcls: [] };
      const matched = deleted[next++] ?? [];
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: matched.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...bindingToWire(b) })),
      };
    });
    return { throttleTimeMs: 0, filterResults };
  },
});
