/*
 * The common first step of the three ACL APIs (KafkaApis / AclApis):
 *   no authorizer configured                  → SECURITY_DISABLED 54 ("No Authorizer is configured")
 *   caller lacks `op` (DESCRIBE for DescribeAcls, ALTER for Create/DeleteAcls) on the cluster
 *                                             → CLUSTER_AUTHORIZATION_FAILED 31
 *   otherwise                                 → the authorizer to work with
 * Also the conversions between wire entries and bindings/filters, shared by the three handlers.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { RequestContext } from '../handlers/handler.ts';
import type { AclBinding, AclFilter, AclOperation, AclPermission, PatternType, ResourceType } from './acl-types.ts';
import type { Authorizer } from './authorizer.ts';
import { authorizerFor, clusterAllowed } from './request-authz.ts';

export type Gate = { readonly authorizer: Authorizer } | { readonly errorCode: number; readonly errorMessage: string };

export function aclApiGate(ctx: RequestContext, op: AclOperation): Gate {
  const authorizer = authorizerFor(ctx);
  if (authorizer === null) return { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker' };
  if (!clusterAllowed(ctx, op)) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
  return { authorizer };
}

/** A filter as the wire carries it (DescribeAcls request, DeleteAcls filter entries). */
export interface WireFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export function filterFromWire(f: WireFilter): AclFilter {
  return {
    resourceType: f.resourceTypeFilter,
    resourceName: f.resourceNameFilter,
    patternType: f.patternTypeFilter,
    principal: f.principalFilter,
    host: f.hostFilter,
    operation: f.operation,
    permission: f.permissionType,
  };
}

/** A binding as the DeleteAcls response lists it. */
export function bindingToWire(b: AclBinding): {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
} {
  return {
    resourceType: b.resourceType,
    resourceName: b.resourceName,
    patternType: b.patternType,
    principal: b.principal,
    host: b.host,
    operation: b.operation,
    permissionType: b.permission,
  };
}

/** A CreateAcls entry as a binding (codes unchecked: see acl-validation.ts). */
export function bindingFromWire(c: {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding {
  return {
    resourceType: c.resourceType as ResourceType,
    resourceName: c.resourceName,
    patternType: c.resourcePatternType as PatternType,
    principal: c.principal,
    host: c.host,
    operation: c.operation as AclOperation,
    permission: c.permissionType as AclPermission,
  };
}
