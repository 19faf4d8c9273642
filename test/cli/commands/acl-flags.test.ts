// kafka-acls.sh flags → bindings and filters (src/cli/commands/acl-flags.ts).
import { describe, it, expect } from 'vitest';
import { bindingsToCreate, filtersToDelete, filtersToList, type AclFlags } from '../../../src/cli/commands/acl-flags.ts';
import { AclOperation as Op, AclPermission as Perm, PatternType as Pat, ResourceType as Res } from '../../../src/protocol/acl-types.ts';

const none: AclFlags = { topic: [], group: [], transactionalId: [], allowPrincipal: [], denyPrincipal: [], allowHost: [], denyHost: [], operation: [] };

describe('bindingsToCreate', () => {
  it('is the cross product of principals × hosts × operations × resources', () => {
    const b = bindingsToCreate({ ...none, topic: ['t'], group: ['g'], allowPrincipal: ['User:a', 'User:b'], operation: ['Read', 'DESCRIBE'] });
    expect(b).toHaveLength(8);
    expect(b[0]).toEqual({ resourceType: Res.TOPIC, resourceName: 't', patternType: Pat.LITERAL, principal: 'User:a', host: '*', operation: Op.READ, permission: Perm.ALLOW });
  });

  it('defaults to All, takes deny hosts and prefixed patterns, and keeps the cluster LITERAL', () => {
    const b = bindingsToCreate({ ...none, topic: ['app-'], cluster: true, denyPrincipal: ['User:x'], denyHost: ['10.0.0.9'], resourcePatternType: 'prefixed' });
    expect(b.map((x) => [x.resourceType, x.patternType, x.operation, x.permission, x.host])).toEqual([
      [Res.TOPIC, Pat.PREFIXED, Op.ALL, Perm.DENY, '10.0.0.9'],
      [Res.CLUSTER, Pat.LITERAL, Op.ALL, Perm.DENY, '10.0.0.9'],
    ]);
  });

  it('expands --producer --idempotent and --consumer as kafka-acls.sh does', () => {
    const p = bindingsToCreate({ ...none, topic: ['out'], transactionalId: ['app-'], allowPrincipal: ['User:app'], producer: true, idempotent: true });
    expect(p.map((x) => `${x.resourceType}:${x.operation}`).sort()).toEqual([`${Res.TOPIC}:${Op.WRITE}`, `${Res.TOPIC}:${Op.CREATE}`, `${Res.TOPIC}:${Op.DESCRIBE}`, `${Res.TRANSACTIONAL_ID}:${Op.WRITE}`, `${Res.TRANSACTIONAL_ID}:${Op.DESCRIBE}`, `${Res.CLUSTER}:${Op.IDEMPOTENT_WRITE}`].sort());
    const c = bindingsToCreate({ ...none, topic: ['in'], group: ['g'], allowPrincipal: ['User:app'], consumer: true });
    expect(c.map((x) => `${x.resourceType}:${x.operation}`).sort()).toEqual([`${Res.TOPIC}:${Op.READ}`, `${Res.TOPIC}:${Op.DESCRIBE}`, `${Res.GROUP}:${Op.READ}`].sort());
  });

  it.each([
    [{ ...none, allowPrincipal: ['User:a'] }, /at least one resource/],
    [{ ...none, topic: ['t'] }, /--allow-principal or --deny-principal/],
    [{ ...none, topic: ['t'], allowPrincipal: ['alice'] }, /<type>:<name>/],
    [{ ...none, topic: ['t'], allowPrincipal: ['User:a'], operation: ['Reed'] }, /--operation: unknown operation "Reed"/],
    [{ ...none, topic: ['t'], allowPrincipal: ['User:a'], resourcePatternType: 'match' }, /not allowed here; use literal or prefixed/],
    [{ ...none, topic: ['t'], allowPrincipal: ['User:a'], consumer: true }, /--consumer needs --group/],
  ])('refuses %j with a clear message', (flags, message) => {
    expect(() => bindingsToCreate(flags as AclFlags)).toThrow(message);
  });
});

describe('filtersToDelete and filtersToList', () => {
  it('delete: all ACLs of a resource, or only those of the principals and operations given', () => {
    expect(filtersToDelete({ ...none, topic: ['t'] })).toEqual([{ resourceType: Res.TOPIC, resourceName: 't', patternType: Pat.LITERAL, principal: null, host: null, operation: Op.ANY, permission: Perm.ANY }]);
    const narrowed = filtersToDelete({ ...none, topic: ['t'], allowPrincipal: ['User:a'], operation: ['Write'] });
    expect(narrowed).toEqual([{ resourceType: Res.TOPIC, resourceName: 't', patternType: Pat.LITERAL, principal: 'User:a', host: '*', operation: Op.WRITE, permission: Perm.ALLOW }]);
    expect(() => filtersToDelete(none)).toThrow(/name the resources/);
  });

  it('list: everything by default, or per resource with any pattern type, narrowed by principal', () => {
    expect(filtersToList(none)).toEqual([{ resourceType: Res.ANY, resourceName: null, patternType: Pat.ANY, principal: null, host: null, operation: Op.ANY, permission: Perm.ANY }]);
    expect(filtersToList({ ...none, group: ['g'], principal: 'User:a', resourcePatternType: 'match' })).toEqual([
      { resourceType: Res.GROUP, resourceName: 'g', patternType: Pat.MATCH, principal: 'User:a', host: null, operation: Op.ANY, permission: Perm.ANY },
    ]);
  });
});
