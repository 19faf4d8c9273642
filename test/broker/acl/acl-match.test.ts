// The ACL decision rules (src/broker/acl/acl-match.ts) and the indexed Authorizer, against a
// naive model written straight from Kafka's documented semantics.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { authorizeAnyOfType, authorizeIn, filterMatches } from '../../../src/broker/acl/acl-match.ts';
import { Authorizer } from '../../../src/broker/acl/authorizer.ts';
import { AclOperation as Op, AclPermission as Perm, PatternType as Pat, ResourceType as Res, type AclBinding } from '../../../src/protocol/acl-types.ts';

const CONCRETE_OPS = [Op.ALL, Op.READ, Op.WRITE, Op.CREATE, Op.DELETE, Op.ALTER, Op.DESCRIBE, Op.CLUSTER_ACTION, Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS, Op.IDEMPOTENT_WRITE];
const TYPES = [Res.TOPIC, Res.GROUP, Res.TRANSACTIONAL_ID];
const NAMES = ['a', 'ab', 'abc', 'b', 'ba', '*'];
const PRINCIPALS = ['User:alice', 'User:bob', 'User:*'];
const HOSTS = ['10.0.0.1', '10.0.0.2', '*'];

const binding = fc.record({
  resourceType: fc.constantFrom(...TYPES),
  resourceName: fc.constantFrom(...NAMES),
  patternType: fc.constantFrom(Pat.LITERAL, Pat.PREFIXED),
  principal: fc.constantFrom(...PRINCIPALS),
  host: fc.constantFrom(...HOSTS),
  operation: fc.constantFrom(...CONCRETE_OPS),
  permission: fc.constantFrom(Perm.ALLOW, Perm.DENY),
}) as fc.Arbitrary<AclBinding>;
const query = fc.record({
  principal: fc.constantFrom('User:alice', 'User:bob', 'User:carol'),
  host: fc.constantFrom('10.0.0.1', '10.0.0.2'),
  op: fc.constantFrom(...CONCRETE_OPS.filter((o) => o !== Op.ALL)),
  type: fc.constantFrom(...TYPES),
  name: fc.constantFrom('a', 'ab', 'abc', 'abd', 'b', 'ba', 'c'),
});

/** Kafka's rules in the most literal form: no index, no early exits. */
function naive(acls: AclBinding[], supers: string[], allowEveryone: boolean, q: { principal: string; host: string; op: number; type: number; name: string }): boolean {
  if (supers.includes(q.principal)) return true;
  const applies = acls.filter(
    (a) =>
      a.resourceType === q.type &&
      ((a.patternType === Pat.LITERAL && (a.resourceName === q.name || a.resourceName === '*')) || (a.patternType === Pat.PREFIXED && q.name.startsWith(a.resourceName))),
  );
  if (applies.length === 0) return allowEveryone;
  const mine = applies.filter((a) => [q.principal, 'User:*'].includes(a.principal) && [q.host, '*'].includes(a.host));
  if (mine.some((a) => a.permission === Perm.DENY && (a.operation === q.op || a.operation === Op.ALL))) return false;
  const grants: number[] =
    q.op === Op.DESCRIBE ? [Op.DESCRIBE, Op.READ, Op.WRITE, Op.DELETE, Op.ALTER] : q.op === Op.DESCRIBE_CONFIGS ? [Op.DESCRIBE_CONFIGS, Op.ALTER_CONFIGS] : [q.op];
  return mine.some((a) => a.permission === Perm.ALLOW && (a.operation === Op.ALL || grants.includes(a.operation)));
}

const noPersist = { persist: async () => undefined };
const caller = (principal: string, host = '10.0.0.1') => ({ principal, host });

describe('authorize: the indexed Authorizer agrees with the naive model', () => {
  it('for random ACL sets, super users, allow.everyone and queries, after creates and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(binding, { maxLength: 12 }),
        fc.array(binding, { maxLength: 4 }),
        fc.subarray(['User:alice', 'User:bob']),
        fc.boolean(),
        fc.array(query, { minLength: 1, maxLength: 10 }),
        async (initial, removed, supers, allowEveryone, queries) => {
          const a = new Authorizer({ superUsers: new Set(supers), allowEveryoneIfNoAclFound: allowEveryone, ...noPersist }, initial);
          await a.delete(removed.map((b) => ({ ...b })));
          const keyOf = (b: AclBinding) => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permission]);
          const gone = new Set(removed.map(keyOf));
          const remaining = initial.filter((b) => !gone.has(keyOf(b)));
          expect(new Set(a.list().map(keyOf))).toEqual(new Set(remaining.map(keyOf)));
          for (const q of queries) {
            const expected = naive(remaining, supers, allowEveryone, q);
            expect(a.authorize(caller(q.principal, q.host), q.op as never, q.type as never, q.name)).toBe(expected);
            expect(authorizeIn(remaining, { superUsers: new Set(supers), allowEveryoneIfNoAclFound: allowEveryone }, caller(q.principal, q.host), q.op as never, q.type as never, q.name)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const acl = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: Res.TOPIC,
  resourceName: 'orders',
  patternType: Pat.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.READ,
  permission: Perm.ALLOW,
  ...over,
});
const policy = { superUsers: new Set(['User:admin']), allowEveryoneIfNoAclFound: false };
const can = (acls: AclBinding[], principal: string, op: number, name = 'orders', type: number = Res.TOPIC) =>
  authorizeIn(acls, policy, caller(principal), op as never, type as never, name);

describe('Kafka semantics, case by case', () => {
  it('READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; nothing implies WRITE', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) expect(can([acl({ operation: op })], 'User:alice', Op.DESCRIBE)).toBe(true);
    expect(can([acl({ operation: Op.CREATE })], 'User:alice', Op.DESCRIBE)).toBe(false);
    expect(can([acl({ operation: Op.ALTER_CONFIGS })], 'User:alice', Op.DESCRIBE_CONFIGS)).toBe(true);
    expect(can([acl({ operation: Op.READ })], 'User:alice', Op.WRITE)).toBe(false);
    expect(can([acl({ operation: Op.ALL })], 'User:alice', Op.IDEMPOTENT_WRITE)).toBe(true);
  });

  it('a DENY wins over any ALLOW, but a DENY READ does not deny DESCRIBE', () => {
    const acls = [acl({ principal: 'User:*', operation: Op.ALL }), acl({ permission: Perm.DENY })];
    expect(can(acls, 'User:alice', Op.READ)).toBe(false);
    expect(can(acls, 'User:alice', Op.DESCRIBE)).toBe(true);
    expect(can(acls, 'User:bob', Op.READ)).toBe(true);
    expect(can([acl({ operation: Op.ALL }), acl({ operation: Op.ALL, permission: Perm.DENY, principal: 'User:*' })], 'User:alice', Op.DESCRIBE)).toBe(false);
  });

  it('PREFIXED patterns cover names that start with them; LITERAL * covers every name', () => {
    const acls = [acl({ resourceName: 'app-', patternType: Pat.PREFIXED, operation: Op.ALL })];
    expect(can(acls, 'User:alice', Op.WRITE, 'app-counts-changelog')).toBe(true);
    expect(can(acls, 'User:alice', Op.WRITE, 'ap')).toBe(false);
    expect(can([acl({ resourceName: '*' })], 'User:alice', Op.READ, 'anything')).toBe(true);
    // A PREFIXED `*` is a prefix like any other, not a wildcard.
    expect(can([acl({ resourceName: '*', patternType: Pat.PREFIXED })], 'User:alice', Op.READ, 'anything')).toBe(false);
  });

  it('super users pass whatever the ACLs say; with no ACL on a resource, allow.everyone decides', () => {
    expect(can([acl({ principal: 'User:*', operation: Op.ALL, permission: Perm.DENY })], 'User:admin', Op.WRITE)).toBe(true);
    expect(can([], 'User:alice', Op.READ)).toBe(false);
    expect(authorizeIn([], { ...policy, allowEveryoneIfNoAclFound: true }, caller('User:x'), Op.READ, Res.TOPIC, 'orders')).toBe(true);
    // Once any ACL applies to the resource, allow.everyone no longer opens it.
    expect(authorizeIn([acl({})], { ...policy, allowEveryoneIfNoAclFound: true }, caller('User:bob'), Op.READ, Res.TOPIC, 'orders')).toBe(false);
  });

  it('hosts must match exactly unless the ACL says *', () => {
    const acls = [acl({ host: '10.0.0.2' })];
    expect(authorizeIn(acls, policy, caller('User:alice', '10.0.0.2'), Op.READ, Res.TOPIC, 'orders')).toBe(true);
    expect(authorizeIn(acls, policy, caller('User:alice', '10.0.0.1'), Op.READ, Res.TOPIC, 'orders')).toBe(false);
  });
});

describe('authorizeAnyOfType (KIP-679, for idempotent producers)', () => {
  const any = (acls: AclBinding[], principal = 'User:alice') =>
    authorizeAnyOfType(acls, caller(principal), Op.WRITE, () => authorizeIn(acls, policy, caller(principal), Op.WRITE, Res.TOPIC, 'hardcode'));
  it('is allowed by a WRITE on some topic not covered by a DENY', () => {
    expect(any([acl({ operation: Op.WRITE })])).toBe(true);
    expect(any([acl({ operation: Op.READ })])).toBe(false);
    expect(any([acl({ operation: Op.WRITE }), acl({ operation: Op.WRITE, permission: Perm.DENY })])).toBe(false);
    expect(any([acl({ operation: Op.WRITE, resourceName: 'app-x' }), acl({ operation: Op.WRITE, resourceName: 'app', patternType: Pat.PREFIXED, permission: Perm.DENY })])).toBe(false);
    expect(any([acl({ operation: Op.WRITE, resourceName: '*' }), acl({ operation: Op.WRITE, resourceName: '*', permission: Perm.DENY })])).toBe(false);
    expect(any([], 'User:admin')).toBe(true);
  });
});

describe('filterMatches (DescribeAcls / DeleteAcls filters)', () => {
  const f = { resourceType: Res.ANY, resourceName: null, patternType: Pat.ANY, principal: null, host: null, operation: Op.ANY, permission: Perm.ANY };
  it('ANY and nulls match everything; MATCH finds every pattern that applies to a name', () => {
    const lit = acl({});
    const pre = acl({ resourceName: 'ord', patternType: Pat.PREFIXED });
    const wild = acl({ resourceName: '*' });
    expect([lit, pre, wild].every((b) => filterMatches(f, b))).toBe(true);
    const match = { ...f, resourceName: 'orders', patternType: Pat.MATCH };
    expect([lit, pre, wild].map((b) => filterMatches(match, b))).toEqual([true, true, true]);
    const exact = { ...f, resourceName: 'orders', patternType: Pat.ANY };
    expect([lit, pre, wild].map((b) => filterMatches(exact, b))).toEqual([true, false, false]);
    expect(filterMatches({ ...f, patternType: Pat.PREFIXED }, lit)).toBe(false);
    expect(filterMatches({ ...f, principal: 'User:bob' }, lit)).toBe(false);
    expect(filterMatches({ ...f, operation: Op.WRITE }, lit)).toBe(false);
    expect(filterMatches({ ...f, resourceType: Res.GROUP }, lit)).toBe(false);
  });
});
