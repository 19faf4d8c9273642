/*
 * Checks what clients send before it reaches the authorizer, with Kafka's rules
 * (AclControlManager.validateNewAcl, AclBindingFilter.isUnknown) and its answers: a bad creation
 * or filter gets INVALID_REQUEST with a message saying what was wrong; nothing is thrown.
 *
 * A creation needs: resource type TOPIC, GROUP, CLUSTER or TRANSACTIONAL_ID (DELEGATION_TOKEN and
 * USER are Kafka types this broker does not serve), pattern LITERAL or PREFIXED, a non-empty name
 * (`kafka-cluster`, LITERAL, for CLUSTER), a principal `<type>:<name>`, a non-empty host, an
 * operation other than ANY/UNKNOWN and permission ALLOW or DENY.
 * A filter may use ANY/MATCH and nulls, but no UNKNOWN code (such a filter would match nothing
 * for reasons the caller cannot see).
 */
import {
  AclOperation,
  AclPermission,
  CLUSTER_NAME,
  PatternType,
  ResourceType,
  principalError,
  resourceTypeName,
  type AclBinding,
  type AclFilter,
} from '../../protocol/acl-types.ts';

const SERVED_TYPES: ReadonlySet<number> = new Set([ResourceType.TOPIC, ResourceType.GROUP, ResourceType.CLUSTER, ResourceType.TRANSACTIONAL_ID]);
const KNOWN = {
  resourceType: new Set<number>(Object.values(ResourceType)),
  patternType: new Set<number>(Object.values(PatternType)),
  operation: new Set<number>(Object.values(AclOperation)),
  permission: new Set<number>(Object.values(AclPermission)),
};

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Validates one ACL to create. */
export function checkBinding(b: AclBinding): Checked<AclBinding> {
  const fail = (error: string): Checked<AclBinding> => ({ ok: false, error });
  if (!SERVED_TYPES.has(b.resourceType)) return fail(`resource type ${resourceTypeName(b.resourceType)} cannot carry ACLs here; use TOPIC, GROUP, CLUSTER or TRANSACTIONAL_ID`);
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return fail(`pattern type ${b.patternType} is not LITERAL (3) or PREFIXED (4)`);
  if (b.resourceName.length === 0) return fail('resource name must not be empty');
  if (b.resourceType === ResourceType.CLUSTER && (b.resourceName !== CLUSTER_NAME || b.patternType !== PatternType.LITERAL)) {
    return fail(`the only CLUSTER resource is the LITERAL name ${CLUSTER_NAME} (got ${b.resourceName})`);
  }
  const pe = principalError(b.principal);
  if (pe !== null) return fail(pe);
  if (b.host.length === 0) return fail('host must not be empty (use * for any host)');
  if (!KNOWN.operation.has(b.operation) || b.operation === AclOperation.ANY || b.operation === AclOperation.UNKNOWN) return fail(`operation ${b.operation} is not a concrete ACL operation`);
  if (b.permission !== AclPermission.ALLOW && b.permission !== AclPermission.DENY) return fail(`permission ${b.permission} is not ALLOW (3) or DENY (2)`);
  return { ok: true, value: b };
}

/** Validates a DescribeAcls / DeleteAcls filter. */
export function checkFilter(f: AclFilter): Checked<AclFilter> {
  for (const field of ['resourceType', 'patternType', 'operation', 'permission'] as const) {
    const code = f[field];
    if (!KNOWN[field].has(code) || code === 0) return { ok: false, error: `filter ${field} ${code} is UNKNOWN; use ANY to match every value` };
  }
  return { ok: true, value: f };
}
