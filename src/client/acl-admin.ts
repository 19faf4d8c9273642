/*
 * ACL admin calls of the client, as Kafka's AdminClient createAcls / describeAcls / deleteAcls,
 * used by `tributary acls`. They work against the bundled broker (with its authorizer on) and
 * Apache Kafka alike.
 *
 * Routing: any broker (Kafka's AdminClient sends ACL requests to the least loaded node; every
 * broker forwards to the controller). Versions: the highest both sides speak, at least v1 when a
 * binding or filter uses a pattern type other than LITERAL (v0 cannot carry one).
 * Errors: the first non-zero code throws a KafkaResponseError naming the ACL or filter
 * (SECURITY_DISABLED 54 when the broker has no authorizer, CLUSTER_AUTHORIZATION_FAILED 31 when
 * the caller may not manage ACLs).
 */
import { ApiKeys } from '../protocol/api-keys.ts';
import { AclOperation, AclPermission, PatternType, ResourceType, operationName, patternTypeName, permissionName, resourceTypeName, type AclBinding, type AclFilter } from '../protocol/acl-types.ts';
import { bindingFromWire, creationToWire, filterToWire } from '../protocol/acl-wire.ts';
import type { WireCluster } from './cluster.ts';
import { checkErrorCode } from './errors.ts';

export { AclOperation, AclPermission, PatternType, ResourceType, operationName, patternTypeName, permissionName, resourceTypeName, type AclBinding, type AclFilter };

/** A filter that matches every ACL; override the fields to narrow it. */
export const ANY_ACL: AclFilter = Object.freeze({
  resourceType: ResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: AclOperation.ANY,
  permission: AclPermission.ANY,
});

/** `TOPIC:orders (LITERAL) User:alice from * may WRITE` — for messages and the CLI. */
export function describeBinding(b: AclBinding): string {
  const verb = b.permission === AclPermission.DENY ? 'may not' : 'may';
  return `${resourceTypeName(b.resourceType)}:${b.resourceName} (${patternTypeName(b.patternType)}) ${b.principal} from ${b.host} ${verb} ${operationName(b.operation)}`;
}

const minVersionFor = (patterns: readonly number[]): { minVersion?: number } => (patterns.some((p) => p !== PatternType.LITERAL) ? { minVersion: 1 } : {});

/** Creates ACLs; an ACL that exists already is kept once. */
export async function createAcls(cluster: WireCluster, acls: readonly AclBinding[]): Promise<void> {
  const conn = await cluster.any();
  const { body } = await conn.request(
    ApiKeys.CreateAcls,
    {
      creations: acls.map(creationToWire),
    },
    minVersionFor(acls.map((b) => b.patternType)),
  );
  body.results.forEach((r, i) => checkErrorCode(r.errorCode, `creating ACL ${describeBinding(acls[i] as AclBinding)}`, r.errorMessage));
}

/** The ACLs a filter matches (ANY_ACL: all of them). */
export async function describeAcls(cluster: WireCluster, filter: AclFilter = ANY_ACL): Promise<AclBinding[]> {
  const conn = await cluster.any();
  const { body } = await conn.request(ApiKeys.DescribeAcls, filterToWire(filter), minVersionFor([filter.patternType]));
  checkErrorCode(body.errorCode, 'describing ACLs', body.errorMessage);
  return body.resources.flatMap((r) => r.acls.map((a) => bindingFromWire({ ...r, ...a })));
}

/** Deletes every ACL matched by any of the filters; returns the ACLs deleted. */
export async function deleteAcls(cluster: WireCluster, filters: readonly AclFilter[]): Promise<AclBinding[]> {
  const conn = await cluster.any();
  const { body } = await conn.request(ApiKeys.DeleteAcls, { filters: filters.map(filterToWire) }, minVersionFor(filters.map((f) => f.patternType)));
  const deleted: AclBinding[] = [];
  for (const r of body.filterResults) {
    checkErrorCode(r.errorCode, 'deleting ACLs', r.errorMessage);
    for (const m of r.matchingAcls) {
      const b = bindingFromWire(m);
      checkErrorCode(m.errorCode, `deleting ACL ${describeBinding(b)}`, m.errorMessage);
      deleted.push(b);
    }
  }
  return deleted;
}
