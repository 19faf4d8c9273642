// ACLs over the wire against a live broker (src/broker/acl/, the ACL APIs and each handler's
// check). Principals come from the test-only principalOf hook: client id "alice" is User:alice.
import { describe, it, expect, afterEach } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { AclOperation as Op, AclPermission as Perm, PatternType as Pat, ResourceType as Res } from '../../../src/protocol/acl-types.ts';
import { RawClient, makeBatch } from '../raw-client.ts';

const principalOf = ({ clientId }: { clientId: string | null }) => `User:${clientId ?? 'ANONYMOUS'}`;
const open: (TestBroker | RawClient)[] = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if (x instanceof RawClient) x.close();
    else await x.stop();
  }
});

async function secured(extra: { allowEveryoneIfNoAclFound?: boolean; dataDir?: string } = {}): Promise<TestBroker> {
  const { allowEveryoneIfNoAclFound = false, dataDir } = extra;
  const tb = await startTestBroker({
    ...(dataDir === undefined ? {} : { dataDir }),
    authorizer: { enabled: true, superUsers: ['User:admin'], allowEveryoneIfNoAclFound },
    deps: { principalOf },
  });
  open.push(tb);
  return tb;
}
async function client(tb: TestBroker, who: string): Promise<RawClient> {
  const c = await RawClient.connect(tb.port, who);
  open.push(c);
  return c;
}

type Acl = { type?: number; name: string; pattern?: number; principal: string; op: number; perm?: number };
async function grant(admin: RawClient, ...acls: Acl[]): Promise<void> {
  const r = await admin.request(30, 3, {
    creations: acls.map((a) => ({
      resourceType: a.type ?? Res.TOPIC,
      resourceName: a.name,
      resourcePatternType: a.pattern ?? Pat.LITERAL,
      principal: a.principal,
      host: '*',
      operation: a.op,
      permissionType: a.perm ?? Perm.ALLOW,
    })),
  });
  expect(r.results.map((x) => x.errorCode)).toEqual(acls.map(() => 0));
}
const produce = async (c: RawClient, topic: string) =>
  (await c.request(0, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: makeBatch([{ value: 'v' }]) }] }] }))
    .responses[0]!.partitionResponses[0]!.errorCode;
const createTopic = async (c: RawClient, name: string) =>
  (await c.request(19, 4, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 })).topics[0]!.errorCode;
const join = async (c: RawClient, groupId: string) =>
  (await c.request(11, 5, {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
  })).errorCode;
const metadataNames = async (c: RawClient, topics: string[] | null) =>
  (await c.request(3, 9, { topics: topics === null ? null : topics.map((name) => ({ name })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics.map(
    (t) => [t.name, t.errorCode],
  );

describe('ACL APIs', () => {
  it('answer SECURITY_DISABLED when the authorizer is off', async () => {
    const tb = await startTestBroker();
    open.push(tb);
    const c = await client(tb, 'x');
    const d = await c.request(29, 1, { resourceTypeFilter: Res.ANY, resourceNameFilter: null, patternTypeFilter: Pat.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY });
    expect(d.errorCode).toBe(ErrorCode.SECURITY_DISABLED);
  });

  it('create, describe (grouped by resource) and delete, for the super user only', async () => {
    const tb = await secured();
    const admin = await client(tb, 'admin');
    const alice = await client(tb, 'alice');
    await grant(admin, { name: 'orders', principal: 'User:alice', op: Op.WRITE }, { name: 'orders', principal: 'User:bob', op: Op.READ }, { name: 'app-', pattern: Pat.PREFIXED, principal: 'User:alice', op: Op.ALL });
    const all = { resourceTypeFilter: Res.ANY, resourceNameFilter: null, patternTypeFilter: Pat.ANY, principalFilter: null, hostFilter: null, operation: Op.ANY, permissionType: Perm.ANY };
    const d = await admin.request(29, 2, all);
    expect(d.errorCode).toBe(0);
    expect(d.resources.map((r) => [r.resourceName, r.patternType, r.acls.length])).toEqual([['orders', Pat.LITERAL, 2], ['app-', Pat.PREFIXED, 1]]);
    // v0 cannot express PREFIXED: its filter is LITERAL.
    const v0 = await admin.request(29, 0, all);
    expect(v0.resources.map((r) => r.resourceName)).toEqual(['orders']);
    // Invalid entries are refused one by one; the valid ones of the same request are created.
    const mixed = await admin.request(30, 1, {
      creations: [
        { resourceType: Res.CLUSTER, resourceName: 'not-the-cluster', resourcePatternType: Pat.LITERAL, principal: 'User:x', host: '*', operation: Op.ALTER, permissionType: Perm.ALLOW },
        { resourceType: Res.TOPIC, resourceName: 't', resourcePatternType: Pat.LITERAL, principal: 'nocolon', host: '*', operation: Op.READ, permissionType: Perm.ALLOW },
        { resourceType: Res.GROUP, resourceName: 'g', resourcePatternType: Pat.LITERAL, principal: 'User:x', host: '*', operation: Op.READ, permissionType: Perm.ALLOW },
      ],
    });
    expect(mixed.results.map((r) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, 0]);
    expect(mixed.results[0]!.errorMessage).toContain('kafka-cluster');
    // Only a caller with ALTER / DESCRIBE on the cluster may manage ACLs.
    const denied = await alice.request(30, 1, { creations: [{ resourceType: Res.TOPIC, resourceName: 'x', resourcePatternType: Pat.LITERAL, principal: 'User:alice', host: '*', operation: Op.ALL, permissionType: Perm.ALLOW }] });
    expect(denied.results[0]!.errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    expect((await alice.request(29, 1, all)).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    // Delete by a MATCH filter: every pattern that applies to app-x, whoever it names.
    const del = await admin.request(31, 3, { filters: [{ ...all, resourceTypeFilter: Res.TOPIC, resourceNameFilter: 'app-x', patternTypeFilter: Pat.MATCH }] });
    expect(del.filterResults[0]!.matchingAcls.map((m) => [m.resourceName, m.principal, m.operation])).toEqual([['app-', 'User:alice', Op.ALL]]);
    const left = await admin.request(29, 1, all);
    expect(left.resources.map((r) => r.resourceName).sort()).toEqual(['g', 'orders']);
  });
});

describe('every request is checked', () => {
  it('a principal allowed WRITE on one topic produces there and gets TOPIC_AUTHORIZATION_FAILED elsewhere', async () => {
    const tb = await secured();
    const admin = await client(tb, 'admin');
    expect(await createTopic(admin, 'orders')).toBe(0);
    expect(await createTopic(admin, 'payments')).toBe(0);
    await grant(admin, { name: 'orders', principal: 'User:alice', op: Op.WRITE });
    const alice = await client(tb, 'alice');
    expect(await produce(alice, 'orders')).toBe(0);
    expect(await produce(alice, 'payments')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    // No auto-creation for a caller without CREATE, and no hint whether the topic exists.
    expect(await produce(alice, 'brand-new')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(tb.broker.topics.has('brand-new')).toBe(false);
    // WRITE implies DESCRIBE, not READ.
    const fetch = await alice.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
      topics: [{ topic: 'orders', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(fetch.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const lo = await alice.request(2, 1, { replicaId: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    expect(lo.topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect(await createTopic(alice, 'mine')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const del = await alice.request(20, 4, { topicNames: ['orders'], timeoutMs: 1000 });
    expect(del.responses[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const idem = await alice.request(22, 1, { transactionalId: null, transactionTimeoutMs: 1000 });
    expect(idem.errorCode).toBe(0); // WRITE on some topic is enough for an idempotent producer (KIP-679)
    const txn = await alice.request(22, 1, { transactionalId: 'tx', transactionTimeoutMs: 1000 });
    expect(txn.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });

  it('joining a group needs READ on it; DESCRIBE does not do', async () => {
    const tb = await secured();
    const admin = await client(tb, 'admin');
    const alice = await client(tb, 'alice');
    expect(await join(alice, 'g1')).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    await grant(admin, { type: Res.GROUP, name: 'g1', principal: 'User:alice', op: Op.DESCRIBE });
    expect(await join(alice, 'g1')).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    await grant(admin, { type: Res.GROUP, name: 'g1', principal: 'User:alice', op: Op.READ });
    expect(await join(alice, 'g1')).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const hb = await alice.request(12, 3, { groupId: 'g2', generationId: 1, memberId: 'm', groupInstanceId: null });
    expect(hb.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const fc = await alice.request(10, 1, { key: 'g2', keyType: 0 });
    expect(fc.errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
  });

  it('a DENY beats an ALLOW, PREFIXED patterns cover their names, and super users bypass everything', async () => {
    const tb = await secured();
    const admin = await client(tb, 'admin');
    for (const t of ['app-in', 'app-secret', 'other']) expect(await createTopic(admin, t)).toBe(0);
    await grant(
      admin,
      { name: 'app-', pattern: Pat.PREFIXED, principal: 'User:*', op: Op.WRITE },
      { name: 'app-secret', principal: 'User:bob', op: Op.ALL, perm: Perm.DENY },
      { name: '*', principal: 'User:admin', op: Op.ALL, perm: Perm.DENY },
    );
    const alice = await client(tb, 'alice');
    const bob = await client(tb, 'bob');
    expect(await produce(alice, 'app-in')).toBe(0);
    expect(await produce(alice, 'app-secret')).toBe(0);
    expect(await produce(bob, 'app-in')).toBe(0);
    expect(await produce(bob, 'app-secret')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(await produce(alice, 'other')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    // The super user is denied everything by an ACL, and is allowed anyway.
    expect(await produce(admin, 'other')).toBe(0);
  });

  it('Metadata lists only the topics a caller may describe and refuses the others by name', async () => {
    const tb = await secured();
    const admin = await client(tb, 'admin');
    for (const t of ['a', 'b', 'c']) expect(await createTopic(admin, t)).toBe(0);
    await grant(admin, { name: 'a', principal: 'User:alice', op: Op.READ }, { name: 'c', principal: 'User:alice', op: Op.DESCRIBE });
    const alice = await client(tb, 'alice');
    expect(await metadataNames(alice, null)).toEqual([['a', 0], ['c', 0]]);
    expect(await metadataNames(alice, ['b', 'a'])).toEqual([['b', ErrorCode.TOPIC_AUTHORIZATION_FAILED], ['a', 0]]);
    expect((await metadataNames(admin, null)).map(([n]) => n).filter((n) => !String(n).startsWith('__'))).toEqual(['a', 'b', 'c']);
  });

  it('allow.everyone.if.no.acl.found opens resources no ACL mentions, and only those', async () => {
    const tb = await secured({ allowEveryoneIfNoAclFound: true });
    const admin = await client(tb, 'admin');
    const alice = await client(tb, 'alice');
    expect(await createTopic(alice, 'free')).toBe(0);
    expect(await produce(alice, 'free')).toBe(0);
    await grant(admin, { name: 'free', principal: 'User:bob', op: Op.WRITE });
    expect(await produce(alice, 'free')).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });
});
