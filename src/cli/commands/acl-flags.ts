/*
 * kafka-acls.sh's vocabulary turned into ACL bindings and filters (for `tributary acls`):
 *
 *   resources   --topic T, --group G, --transactional-id X (each repeatable), --cluster;
 *               --resource-pattern-type literal|prefixed (create, delete; default literal) or
 *               any|match|literal|prefixed (list; default any)
 *   who         --allow-principal P / --deny-principal P (repeatable, `User:alice`),
 *               --allow-host H / --deny-host H (default * = any host)
 *   what        --operation OP (repeatable: Read, Write, Create, Delete, Alter, Describe,
 *               ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All; default All)
 *   shortcuts   --producer: WRITE, DESCRIBE, CREATE on the topics and WRITE, DESCRIBE on the
 *               transactional ids, plus IDEMPOTENT_WRITE on the cluster with --idempotent;
 *               --consumer: READ, DESCRIBE on the topics and READ on the groups
 *
 * create  = every principal × host × operation on every resource (a cross product, as kafka-acls).
 * delete  = filters for the resources, narrowed by the principals, hosts and operations given
 *           (none given: every ACL of those resources).
 * list    = filters for the resources (none given: every ACL), narrowed by --principal.
 */
import {
  AclOperation,
  AclPermission,
  CLUSTER_NAME,
  PatternType,
  ResourceType,
  parseOperation,
  parsePatternType,
  type AclBinding,
  type AclFilter,
} from '../../protocol/acl-types.ts';
import { CliError } from '../cli-errors.ts';

export interface AclFlags {
  topic: string[];
  group: string[];
  transactionalId: string[];
  cluster?: boolean;
  resourcePatternType?: string;
  allowPrincipal: string[];
  denyPrincipal: string[];
  allowHost: string[];
  denyHost: string[];
  operation: string[];
  principal?: string;
  producer?: boolean;
  consumer?: boolean;
  idempotent?: boolean;
}

interface Resource {
  type: ResourceType;
  name: string;
}

function parse<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new CliError(`${what}: ${(err as Error).message}`);
  }
}

function resources(f: AclFlags): Resource[] {
  return [
    ...f.topic.map((name) => ({ type: ResourceType.TOPIC, name })),
    ...f.group.map((name) => ({ type: ResourceType.GROUP, name })),
    ...f.transactionalId.map((name) => ({ type: ResourceType.TRANSACTIONAL_ID, name })),
    ...(f.cluster === true ? [{ type: ResourceType.CLUSTER, name: CLUSTER_NAME }] : []),
  ];
}

function patternType(f: AclFlags, fallback: PatternType, allowed: readonly PatternType[]): PatternType {
  if (f.resourcePatternType === undefined) return fallback;
  const p = parse('--resource-pattern-type', () => parsePatternType(f.resourcePatternType as string));
  if (!allowed.includes(p)) throw new CliError(`--resource-pattern-type ${f.resourcePatternType} is not allowed here; use ${allowed.map((a) => (a === PatternType.LITERAL ? 'literal' : a === PatternType.PREFIXED ? 'prefixed' : a === PatternType.ANY ? 'any' : 'match')).join(' or ')}`);
  return p;
}

function principals(f: AclFlags): { principal: string; permission: AclPermission; hosts: string[] }[] {
  const check = (p: string): string => {
    if (p.indexOf(':') <= 0) throw new CliError(`principal "${p}" must be written <type>:<name>, e.g. User:alice`);
    return p;
  };
  return [
    ...f.allowPrincipal.map((p) => ({ principal: check(p), permission: AclPermission.ALLOW, hosts: f.allowHost.length > 0 ? f.allowHost : ['*'] })),
    ...f.denyPrincipal.map((p) => ({ principal: check(p), permission: AclPermission.DENY, hosts: f.denyHost.length > 0 ? f.denyHost : ['*'] })),
  ];
}

const operations = (f: AclFlags): AclOperation[] => f.operation.map((o) => parse('--operation', () => parseOperation(o)));

/** The operations per resource, with --producer / --consumer expanded. */
function operationsFor(f: AclFlags, r: Resource): AclOperation[] {
  const out = new Set<AclOperation>(operations(f));
  if (f.producer === true && r.type === ResourceType.TOPIC) [AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE].forEach((o) => out.add(o));
  if (f.producer === true && r.type === ResourceType.TRANSACTIONAL_ID) [AclOperation.WRITE, AclOperation.DESCRIBE].forEach((o) => out.add(o));
  if (f.consumer === true && r.type === ResourceType.TOPIC) [AclOperation.READ, AclOperation.DESCRIBE].forEach((o) => out.add(o));
  if (f.consumer === true && r.type === ResourceType.GROUP) out.add(AclOperation.READ);
  if (out.size === 0 && f.producer !== true && f.consumer !== true) out.add(AclOperation.ALL);
  return [...out];
}

/** The ACLs `tributary acls create` adds. */
export function bindingsToCreate(f: AclFlags): AclBinding[] {
  const res = resources(f);
  if (res.length === 0) throw new CliError('name at least one resource: --topic, --group, --transactional-id or --cluster');
  if (f.consumer === true && f.group.length === 0) throw new CliError('--consumer needs --group (a consumer reads its group)');
  const who = principals(f);
  if (who.length === 0) throw new CliError('name at least one --allow-principal or --deny-principal');
  const pattern = patternType(f, PatternType.LITERAL, [PatternType.LITERAL, PatternType.PREFIXED]);
  const plan = res.map((r) => ({ r, ops: operationsFor(f, r) }));
  if (f.producer === true && f.idempotent === true) plan.push({ r: { type: ResourceType.CLUSTER, name: CLUSTER_NAME }, ops: [AclOperation.IDEMPOTENT_WRITE] });
  const out: AclBinding[] = [];
  for (const { r, ops } of plan) {
    const p = r.type === ResourceType.CLUSTER ? PatternType.LITERAL : pattern;
    for (const w of who) {
      for (const host of w.hosts) {
        for (const operation of ops) out.push({ resourceType: r.type, resourceName: r.name, patternType: p, principal: w.principal, host, operation, permission: w.permission });
      }
    }
  }
  return out;
}

/** The filters `tributary acls delete` removes with. */
export function filtersToDelete(f: AclFlags): AclFilter[] {
  const res = resources(f);
  if (res.length === 0) throw new CliError('name the resources whose ACLs to delete: --topic, --group, --transactional-id or --cluster');
  const pattern = patternType(f, PatternType.LITERAL, [PatternType.ANY, PatternType.MATCH, PatternType.LITERAL, PatternType.PREFIXED]);
  const who = principals(f);
  const ops = operations(f);
  const out: AclFilter[] = [];
  for (const r of res) {
    const base = { resourceType: r.type, resourceName: r.name, patternType: r.type === ResourceType.CLUSTER ? PatternType.LITERAL : pattern };
    if (who.length === 0 && ops.length === 0) {
      out.push({ ...base, principal: null, host: null, operation: AclOperation.ANY, permission: AclPermission.ANY });
      continue;
    }
    const entries = who.length > 0 ? who.flatMap((w) => w.hosts.map((host) => ({ principal: w.principal as string | null, host: host as string | null, permission: w.permission as AclPermission }))) : [{ principal: null, host: null, permission: AclPermission.ANY }];
    for (const e of entries) for (const operation of ops.length > 0 ? ops : [AclOperation.ANY]) out.push({ ...base, ...e, operation });
  }
  return out;
}

/** The filters `tributary acls list` shows. */
export function filtersToList(f: AclFlags): AclFilter[] {
  const res = resources(f);
  const pattern = patternType(f, PatternType.ANY, [PatternType.ANY, PatternType.MATCH, PatternType.LITERAL, PatternType.PREFIXED]);
  const base = { principal: f.principal ?? null, host: null, operation: AclOperation.ANY, permission: AclPermission.ANY };
  if (res.length === 0) return [{ ...base, resourceType: ResourceType.ANY, resourceName: null, patternType: pattern }];
  return res.map((r) => ({ ...base, resourceType: r.type, resourceName: r.name, patternType: r.type === ResourceType.CLUSTER ? PatternType.LITERAL : pattern }));
}
