/*
 * CreateAcls (key 30), served 0-3 (v2+ flexible). Needs ALTER on the cluster.
 *   no authorizer     → every result SECURITY_DISABLED 54
 *   not allowed       → every result CLUSTER_AUTHORIZATION_FAILED 31
 *   an invalid entry  → that result INVALID_REQUEST 42 with the reason (acl-validation.ts); the
 *                       valid entries of the same request are still created, as in Kafka
 * The reply waits until the new ACL set is on disk (acls.json), so an acknowledged ACL survives a
 * crash. Creating an ACL that exists already succeeds and stores it once.
 */
import {
  CreateAclsRequestSchema,
  CreateAclsResponseSchema,
  type CreateAclsRequest,
  type CreateAclsResponse,
} from '../../protocol/messages/30-create-acls.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { aclApiGate } from '../acl/acl-api-gate.ts';
import { creationFromWire } from '../../protocol/acl-wire.ts';
import { AclOperation, type AclBinding } from '../../protocol/acl-types.ts';
import { checkBinding } from '../acl/acl-validation.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<CreateAclsResponse>;
type Result = { errorCode: number; errorMessage: string | null };

export const createAclsHandler = defineHandler<CreateAclsRequest, Response>({
  apiKey: 30,
  name: 'CreateAcls',
  requestSchema: CreateAclsRequestSchema,
  responseSchema: CreateAclsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  async handle(ctx, req) {
    const gate = aclApiGate(ctx, AclOperation.ALTER);
    if (!('authorizer' in gate)) {
      const { errorCode, errorMessage } = gate;
      return { throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage })) };
    }
    const valid: AclBinding[] = [];
    const results: Result[] = req.creations.map((c) => {
      const checked = checkBinding(creationFromWire(c));
      if (!checked.ok) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: checked.error };
      valid.push(checked.value);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    });
    try {
      await gate.authorizer.create(valid);
    } catch (err) {
      ctx.broker.logger.warn(`CreateAcls: writing the ACL file failed: ${(err as Error).message}`);
      for (const r of results) if (r.errorCode === ErrorCode.NONE) Object.assign(r, { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: (err as Error).message });
    }
    return { throttleTimeMs: 0, results };
  },
});
