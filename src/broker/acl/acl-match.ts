/*
 * The ACL decision rules, as pure functions over a set of bindings (no I/O, no state), so they
 * can be tested against a naive model. They follow Apache Kafka's AclAuthorizer and
 * StandardAuthorizer (org.apache.kafka.metadata.authorizer.StandardAuthorizerData):
 *
 * authorize(principal, host, operation, resource):
 *   1. a super user is allowed everything, whatever the ACLs say;
 *   2. the ACLs that apply to the resource are those of its type whose pattern matches its name:
 *      LITERAL with the same name, LITERAL `*`, or PREFIXED with a prefix of the name;
 *   3. none apply (to anyone) → allowed iff allow.everyone.if.no.acl.found;
 *   4. of those, the ones for this caller: principal equal or `User:*`, host equal or `*`;
 *   5. any DENY for this operation or ALL → denied (deny wins);
 *   6. any ALLOW for this operation, ALL, or an operation implying it (READ, WRITE, DELETE and
 *      ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS) → allowed;
 *   7. otherwise denied.
 *
 * authorizeByResourceType(principal, host, operation, type) is KIP-679's "may this caller do
 * `operation` on at least one resource of `type`" (Kafka's Authorizer default method): allowed if
 * authorize() allows a resource named "hardcode" (super users, `*` grants, no ACLs + allow
 * everyone), else if some ALLOW pattern for the caller is not covered by a DENY (a LITERAL `*`
 * deny covers all; a LITERAL deny covers the same literal; a PREFIXED deny covers every pattern
 * that starts with it). Only exact operations and ALL count here, no implications, as in Kafka.
 */
import {
  AclOperation,
  AclPermission,
  IMPLIED_BY,
  PatternType,
  ResourceType,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  WILDCARD_RESOURCE,
  type AclBinding,
  type AclFilter,
} from '../../protocol/acl-types.ts';

export interface AuthzPolicy {
  readonly superUsers: ReadonlySet<string>;
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** Who asks: a principal (`User:alice`) from a host (an IP address). */
export interface Caller {
  readonly principal: string;
  readonly host: string;
}

/** Does the binding's resource pattern cover the resource `type`/`name`? (rule 2) */
export function patternCovers(b: AclBinding, type: number, name: string): boolean {
  if (b.resourceType !== type) return false;
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD_RESOURCE;
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return false;
}

/** Is the binding about this caller? (rule 4) */
export function entryFor(b: AclBinding, caller: Caller): boolean {
  return (b.principal === caller.principal || b.principal === WILDCARD_PRINCIPAL) && (b.host === caller.host || b.host === WILDCARD_HOST);
}

function allows(b: AclBinding, op: AclOperation): boolean {
  if (b.operation === AclOperation.ALL || b.operation === op) return true;
  const implied = IMPLIED_BY[op];
  return implied !== undefined && implied.includes(b.operation);
}

/**
 * Rules 3–7 over the bindings that apply to the resource (rule 2 is the caller's job: it may use
 * an index). `applicable` must hold exactly the bindings whose pattern covers the resource.
 */
export function decide(applicable: Iterable<AclBinding>, caller: Caller, op: AclOperation, allowIfNone: boolean): boolean {
  let any = false;
  let allowed = false;
  for (const b of applicable) {
    any = true;
    if (!entryFor(b, caller)) continue;
    if (b.permission === AclPermission.DENY) {
      if (b.operation === AclOperation.ALL || b.operation === op) return false;
    } else if (b.permission === AclPermission.ALLOW && !allowed) {
      allowed = allows(b, op);
    }
  }
  return any ? allowed : allowIfNone;
}

/** Rules 1–7 over a flat list of bindings (the store uses an index instead; same answer). */
export function authorizeIn(
  acls: Iterable<AclBinding>,
  policy: AuthzPolicy,
  caller: Caller,
  op: AclOperation,
  type: ResourceType,
  name: string,
): boolean {
  if (policy.superUsers.has(caller.principal)) return true;
  const applicable: AclBinding[] = [];
  for (const b of acls) if (patternCovers(b, type, name)) applicable.push(b);
  return decide(applicable, caller, op, policy.allowEveryoneIfNoAclFound);
}

/**
 * KIP-679 by-type check (see the header). `ofType` holds the bindings of resource type `type`;
 * `authorizeHardcode` is authorize() for a resource of that type named "hardcode".
 */
export function authorizeAnyOfType(ofType: Iterable<AclBinding>, caller: Caller, op: AclOperation, authorizeHardcode: () => boolean): boolean {
  if (authorizeHardcode()) return true;
  const denyLiteral = new Set<string>();
  const denyPrefixed = new Set<string>();
  const allow: AclBinding[] = [];
  let wildcardAllow = false;
  for (const b of ofType) {
    if (!entryFor(b, caller) || (b.operation !== op && b.operation !== AclOperation.ALL)) continue;
    if (b.permission === AclPermission.DENY) {
      if (b.patternType === PatternType.LITERAL) {
        if (b.resourceName === WILDCARD_RESOURCE) return false;
        denyLiteral.add(b.resourceName);
      } else if (b.patternType === PatternType.PREFIXED) {
        denyPrefixed.add(b.resourceName);
      }
    } else if (b.permission === AclPermission.ALLOW) {
      // Not returned at once: a LITERAL `*` DENY later in the list still wins.
      if (b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD_RESOURCE) wildcardAllow = true;
      else allow.push(b);
    }
  }
  if (wildcardAllow) return true;
  return allow.some((b) => {
    if (b.patternType === PatternType.LITERAL && denyLiteral.has(b.resourceName)) return false;
    for (let i = 1; i <= b.resourceName.length; i++) if (denyPrefixed.has(b.resourceName.slice(0, i))) return false;
    return true;
  });
}

/**
 * Kafka's AclBindingFilter.matches: ResourcePatternFilter (ANY type; ANY pattern = any pattern
 * type with the exact name; MATCH = every pattern that would apply to the named resource; a
 * concrete pattern type = that type with the exact name; null name = any) and
 * AccessControlEntryFilter (null principal/host = any; ANY operation/permission = any).
 */
export function filterMatches(f: AclFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType) return false;
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false;
  if (f.permission !== AclPermission.ANY && f.permission !== b.permission) return false;
  if (f.resourceName === null) return true;
  if (f.patternType !== PatternType.MATCH) return f.resourceName === b.resourceName;
  if (b.patternType === PatternType.LITERAL) return f.resourceName === b.resourceName || b.resourceName === WILDCARD_RESOURCE;
  return b.patternType === PatternType.PREFIXED && f.resourceName.startsWith(b.resourceName);
}
