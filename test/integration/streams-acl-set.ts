/*
 * The ACL set a Kafka Streams application needs (docs/security.md, as Kafka documents it): READ
 * on its input topic, WRITE on its output topic, ALL on topics PREFIXED with the application id
 * (repartition and changelog topics), READ on its group, and for exactly-once WRITE/DESCRIBE on
 * transactional ids PREFIXED with the application id plus IDEMPOTENT_WRITE on the cluster.
 */
import { AclOperation as Op, AclPermission, PatternType, ResourceType as Res, type AclBinding } from '../../src/client/acl-admin.ts';

export function streamsAclSet(principal: string, applicationId: string, input: string, output: string): AclBinding[] {
  const acl = (resourceType: Res, resourceName: string, operation: Op, patternType: PatternType = PatternType.LITERAL): AclBinding => ({
    resourceType,
    resourceName,
    patternType,
    principal,
    host: '*',
    operation,
    permission: AclPermission.ALLOW,
  });
  return [
    acl(Res.TOPIC, input, Op.READ),
    acl(Res.TOPIC, output, Op.WRITE),
    acl(Res.TOPIC, applicationId, Op.ALL, PatternType.PREFIXED),
    acl(Res.GROUP, applicationId, Op.READ),
    acl(Res.TRANSACTIONAL_ID, applicationId, Op.WRITE, PatternType.PREFIXED),
    acl(Res.TRANSACTIONAL_ID, applicationId, Op.DESCRIBE, PatternType.PREFIXED),
    acl(Res.CLUSTER, 'kafka-cluster', Op.IDEMPOTENT_WRITE),
  ];
}
