/*
 * The common first step of the three ACL APIs (KafkaApis / AclApis):
 *   no authorizer configured                  → SECURITY_DISABLED 54 ("No Authorizer is configured")
 *   caller lacks `op` (DESCRIBE for DescribeAcls, ALTER for Create/DeleteAcls) on the cluster
 *                                             → CLUSTER_AUTHORIZATION_FAILED 31
 *   otherwise                                 → the authorizer to work with
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { RequestContext } from '../handlers/handler.ts';
import type { AclOperation } from '../../protocol/acl-types.ts';
import type { Authorizer } from './authorizer.ts';
import { authorizerFor, clusterAllowed } from './request-authz.ts';

export type Gate = { readonly authorizer: Authorizer } | { readonly errorCode: number; readonly errorMessage: string };

export function aclApiGate(ctx: RequestContext, op: AclOperation): Gate {
  const authorizer = authorizerFor(ctx);
  if (authorizer === null) return { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker' };
  if (!clusterAllowed(ctx, op)) return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
  return { authorizer };
}
