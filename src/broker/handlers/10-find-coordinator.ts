/*
 * FindCoordinator (key 10), served 0-5. A single node coordinates every group (key type 0) and
 * every transactional id (key type 1, the transaction coordinator in txn/), so the
 * answer is always this broker under its advertised host and port.
 *
 * v0      {error, node, host, port}               v1-3  + throttle time, error message
 * v4-5    batched: CoordinatorKeys[] → Coordinators[] (@platformatic/kafka)
 * Errors: key type other than 0/1 → INVALID_REQUEST 42; an empty or over-long group id →
 * INVALID_GROUP_ID 24 (the clients would fail on JoinGroup anyway; this fails earlier).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  FindCoordinatorRequestSchema,
  FindCoordinatorResponseSchema,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../protocol/messages/10-find-coordinator.ts';
import { validGroupId } from '../coordinator/group-coordinator.ts';
import { defineHandler, type RequestContext } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

function lookup(ctx: RequestContext, key: string, keyType: number): { errorCode: number; errorMessage: string | null } {
  const broker = ctx.broker;
  if (keyType !== KEY_TYPE_GROUP && keyType !== KEY_TYPE_TRANSACTION) {
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown coordinator key type ${keyType}; use 0 (group) or 1 (transaction)` };
  }
  if (keyType === KEY_TYPE_GROUP && !validGroupId(key)) {
    return { errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: `group id "${key}" must be 1-255 characters` };
  }
  // DESCRIBE on the group / transactional id, as Kafka checks before naming a coordinator.
  if (keyType === KEY_TYPE_GROUP && !allowed(ctx, Op.DESCRIBE, Res.GROUP, key)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null };
  if (keyType === KEY_TYPE_TRANSACTION && !allowed(ctx, Op.DESCRIBE, Res.TRANSACTIONAL_ID, key)) {
    return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: null };
  }
  if (broker.isClosing) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the broker is shutting down' };
  return { errorCode: ErrorCode.NONE, errorMessage: null };
}

export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, Partial<FindCoordinatorResponse>>({
  apiKey: 10,
  name: 'FindCoordinator',
  requestSchema: FindCoordinatorRequestSchema,
  responseSchema: FindCoordinatorResponseSchema,
  advertised: { min: 0, max: 5 },
  served: { min: 0, max: 5 },
  handle(ctx, req) {
    const b = ctx.broker;
    const node = { nodeId: b.nodeId, host: b.advertisedHost, port: b.port };
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: req.coordinatorKeys.map((key) => {
          const r = lookup(ctx, key, req.keyType);
          return r.errorCode === 0 ? { key, ...node, ...r } : { key, nodeId: -1, host: '', port: -1, ...r };
        }),
      };
    }
    const r = lookup(ctx, req.key, req.keyType);
    return r.errorCode === 0 ? { throttleTimeMs: 0, ...r, ...node } : { throttleTimeMs: 0, ...r, nodeId: -1, host: '', port: -1 };
  },
});
