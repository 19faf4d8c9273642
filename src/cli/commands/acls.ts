/*
 * `tributary acls list|create|delete`: ACL administration over the Kafka protocol (DescribeAcls,
 * CreateAcls, DeleteAcls), against the bundled broker (started with its authorizer on) or any
 * Apache Kafka cluster, with kafka-acls.sh's flags (see acl-flags.ts for how they combine).
 *
 *   acls list   [resource flags] [--principal P]      one row per ACL
 *   acls create resource flags, principals, [--operation OP]… [--producer|--consumer]
 *   acls delete resource flags, [principals, operations to narrow]; prints what was deleted
 */
import type { Command } from 'commander';
import { createAcls, deleteAcls, describeAcls, operationName, patternTypeName, permissionName, resourceTypeName, type AclBinding } from '../../client/acl-admin.ts';
import { withBootstrapOption, withCluster, type ClientFlags } from '../client-session.ts';
import { bindingsToCreate, filtersToDelete, filtersToList, type AclFlags } from './acl-flags.ts';
import { formatTable } from './topics.ts';

const repeat = (v: string, prev: string[]): string[] => [...prev, v];

function withResourceFlags(cmd: Command): Command {
  return cmd
    .option('--topic <topic>', 'a topic (repeatable)', repeat, [] as string[])
    .option('--group <group>', 'a consumer group (repeatable)', repeat, [] as string[])
    .option('--transactional-id <id>', 'a transactional id (repeatable)', repeat, [] as string[])
    .option('--cluster', 'the cluster resource')
    .option('--resource-pattern-type <type>', 'literal, prefixed (and for list/delete: any, match)');
}

function withPrincipalFlags(cmd: Command): Command {
  return cmd
    .option('--allow-principal <principal>', 'principal to allow, e.g. User:alice (repeatable)', repeat, [] as string[])
    .option('--deny-principal <principal>', 'principal to deny (repeatable)', repeat, [] as string[])
    .option('--allow-host <host>', 'host the allow applies to (repeatable; default *)', repeat, [] as string[])
    .option('--deny-host <host>', 'host the deny applies to (repeatable; default *)', repeat, [] as string[])
    .option('--operation <op>', 'Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite or All (repeatable)', repeat, [] as string[]);
}

export function formatAcls(acls: readonly AclBinding[]): string {
  const rows = acls.map((b) => [resourceTypeName(b.resourceType), b.resourceName, patternTypeName(b.patternType), b.principal, b.host, operationName(b.operation), permissionName(b.permission)]);
  return formatTable([['RESOURCE-TYPE', 'NAME', 'PATTERN', 'PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION'], ...rows]);
}

export function registerAclsCommands(program: Command): void {
  const acls = program.command('acls').description('list, create and delete ACLs (kafka-acls.sh flags)');

  withBootstrapOption(withResourceFlags(acls.command('list').description('list ACLs, all or those of the given resources')))
    .option('--principal <principal>', 'only ACLs of this principal')
    .action(async (flags: ClientFlags & AclFlags) => {
      const filters = filtersToList({ ...flags, allowPrincipal: [], denyPrincipal: [], allowHost: [], denyHost: [], operation: [] });
      const found = await withCluster(flags, async (cluster) => (await Promise.all(filters.map((f) => describeAcls(cluster, f)))).flat());
      process.stdout.write(`${formatAcls(found)}\n`);
    });

  withBootstrapOption(withPrincipalFlags(withResourceFlags(acls.command('create').description('add ACLs: every principal × host × operation on every resource'))))
    .option('--producer', 'WRITE, DESCRIBE, CREATE on the topics; WRITE, DESCRIBE on the transactional ids')
    .option('--idempotent', 'with --producer: IDEMPOTENT_WRITE on the cluster')
    .option('--consumer', 'READ, DESCRIBE on the topics; READ on the groups')
    .action(async (flags: ClientFlags & AclFlags) => {
      const bindings = bindingsToCreate(flags);
      await withCluster(flags, (cluster) => createAcls(cluster, bindings));
      process.stdout.write(`Created ${bindings.length} ACL${bindings.length === 1 ? '' : 's'}:\n${formatAcls(bindings)}\n`);
    });

  withBootstrapOption(withPrincipalFlags(withResourceFlags(acls.command('delete').description('remove the ACLs of the given resources (narrowed by principal, host, operation)')))).action(
    async (flags: ClientFlags & AclFlags) => {
      const filters = filtersToDelete(flags);
      const deleted = await withCluster(flags, (cluster) => deleteAcls(cluster, filters));
      process.stdout.write(`Deleted ${deleted.length} ACL${deleted.length === 1 ? '' : 's'}${deleted.length > 0 ? `:\n${formatAcls(deleted)}` : ''}\n`);
    },
  );
}
