/*
 * ACL vocabulary, with Apache Kafka's wire codes (org.apache.kafka.common.resource.ResourceType,
 * PatternType, org.apache.kafka.common.acl.AclOperation and AclPermissionType):
 *
 *   resource type   UNKNOWN 0  ANY 1  TOPIC 2  GROUP 3  CLUSTER 4  TRANSACTIONAL_ID 5
 *                   DELEGATION_TOKEN 6  USER 7
 *   pattern type    UNKNOWN 0  ANY 1  MATCH 2  LITERAL 3  PREFIXED 4
 *   operation       UNKNOWN 0  ANY 1  ALL 2  READ 3  WRITE 4  CREATE 5  DELETE 6  ALTER 7
 *                   DESCRIBE 8  CLUSTER_ACTION 9  DESCRIBE_CONFIGS 10  ALTER_CONFIGS 11
 *                   IDEMPOTENT_WRITE 12  CREATE_TOKENS 13  DESCRIBE_TOKENS 14
 *   permission      UNKNOWN 0  ANY 1  DENY 2  ALLOW 3
 *
 * ANY and MATCH appear only in filters (DescribeAcls, DeleteAcls); a stored ACL (`AclBinding`) has
 * a concrete type, LITERAL or PREFIXED, a concrete operation and ALLOW or DENY.
 */

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

export const AclPermission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;
export type AclPermission = (typeof AclPermission)[keyof typeof AclPermission];

/** The one name a CLUSTER resource has (Kafka's `Resource.CLUSTER_NAME`). */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL resource named `*` matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
/** The principal that matches every principal. */
export const WILDCARD_PRINCIPAL = 'User:*';
/** The host that matches every host. */
export const WILDCARD_HOST = '*';
/** The principal of a connection that did not authenticate. */
export const ANONYMOUS = 'User:ANONYMOUS';

/** One stored ACL: who (principal, host) may or may not do what (operation) to which resources. */
export interface AclBinding {
  readonly resourceType: ResourceType;
  readonly resourceName: string;
  /** LITERAL or PREFIXED. */
  readonly patternType: PatternType;
  readonly principal: string;
  readonly host: string;
  readonly operation: AclOperation;
  /** ALLOW or DENY. */
  readonly permission: AclPermission;
}

/** A DescribeAcls / DeleteAcls filter: null strings and ANY codes match anything. */
export interface AclFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permission: number;
}

/**
 * Kafka's implication rules (AclAuthorizer / StandardAuthorizer): an ALLOW of any of these
 * operations also allows the key. DENY ACLs imply nothing (a DENY READ does not deny DESCRIBE).
 * ALL is handled separately: it matches every operation, for ALLOW and DENY alike.
 */
export const IMPLIED_BY: Readonly<Partial<Record<AclOperation, readonly AclOperation[]>>> = {
  [AclOperation.DESCRIBE]: [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER],
  [AclOperation.DESCRIBE_CONFIGS]: [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
};

const byCode = <T extends Record<string, number>>(o: T): ReadonlyMap<number, string> => new Map(Object.entries(o).map(([k, v]) => [v, k]));
const RESOURCE_NAMES = byCode(ResourceType);
const PATTERN_NAMES = byCode(PatternType);
const OPERATION_NAMES = byCode(AclOperation);
const PERMISSION_NAMES = byCode(AclPermission);

export const resourceTypeName = (c: number): string => RESOURCE_NAMES.get(c) ?? `UNKNOWN(${c})`;
export const patternTypeName = (c: number): string => PATTERN_NAMES.get(c) ?? `UNKNOWN(${c})`;
export const operationName = (c: number): string => OPERATION_NAMES.get(c) ?? `UNKNOWN(${c})`;
export const permissionName = (c: number): string => PERMISSION_NAMES.get(c) ?? `UNKNOWN(${c})`;

/** Parses a name such as `read`, `Read`, `IdempotentWrite` or `IDEMPOTENT_WRITE` (kafka-acls.sh style). */
function parseName<T extends Record<string, number>>(o: T, what: string, text: string): T[keyof T] {
  const key = text.trim().replace(/([a-z])([A-Z])/g, '$1_$2').replace(/[-\s]/g, '_').toUpperCase();
  const v = o[key as keyof T];
  if (v === undefined) throw new Error(`unknown ${what} "${text}"; expected one of ${Object.keys(o).join(', ')}`);
  return v;
}
export const parseOperation = (t: string): AclOperation => parseName(AclOperation, 'operation', t);
export const parseResourceType = (t: string): ResourceType => parseName(ResourceType, 'resource type', t);
export const parsePatternType = (t: string): PatternType => parseName(PatternType, 'resource pattern type', t);

/** Kafka principals are `<type>:<name>` with a non-empty type (KafkaPrincipal / SecurityUtils). */
export function principalError(principal: string): string | null {
  const i = principal.indexOf(':');
  if (i <= 0) return `principal "${principal}" must be written <type>:<name>, e.g. User:alice`;
  return null;
}

/** A stable identity for a binding (duplicates are stored once, as in Kafka). */
export function bindingKey(b: AclBinding): string {
  return [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission].join('\u0000');
}
