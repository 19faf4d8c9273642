/*
 * DescribeAcls (key 29), served 0-3 (v2+ flexible). Needs DESCRIBE on the cluster.
 *   no authorizer                → SECURITY_DISABLED 54
 *   not allowed                  → CLUSTER_AUTHORIZATION_FAILED 31
 *   a filter with an UNKNOWN code → INVALID_REQUEST 42
 *   otherwise                     → every stored ACL the filter matches, grouped by resource
 *                                  (type, name, pattern type) in first-seen order.
 * v0 has no pattern type: its filter is LITERAL (the field's default), so only LITERAL ACLs are
 * listed, which is all a v0 answer can express.
 */
import {
  DescribeAclsRequestSchema,
  DescribeAclsResponseSchema,
  type DescribeAclsRequest,
  type DescribeAclsResponse,
} from '../../protocol/messages/29-describe-acls.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { aclApiGate } from '../acl/acl-api-gate.ts';
import { filterFromWire } from '../../protocol/acl-wire.ts';
import { AclOperation } from '../../protocol/acl-types.ts';
import { checkFilter } from '../acl/acl-validation.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<DescribeAclsResponse>;
interface Resource {
  resourceType: number;
  resourceName: string;
  patternType: number;
  acls: { principal: string; host: string; operation: number; permissionType: number }[];
}

export const describeAclsHandler = defineHandler<DescribeAclsRequest, Response>({
  apiKey: 29,
  name: 'DescribeAcls',
  requestSchema: DescribeAclsRequestSchema,
  responseSchema: DescribeAclsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  handle(ctx, req) {
    const gate = aclApiGate(ctx, AclOperation.DESCRIBE);
    if (!('authorizer' in gate)) return { throttleTimeMs: 0, ...gate, resources: [] };
    const filter = checkFilter(filterFromWire(req));
    if (!filter.ok) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: filter.error, resources: [] };
    const byResource = new Map<string, Resource>();
    for (const b of gate.authorizer.describe(filter.value)) {
      const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
      let r = byResource.get(key);
      if (r === undefined) {
        r = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] };
        byResource.set(key, r);
      }
      r.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...byResource.values()] };
  },
});
