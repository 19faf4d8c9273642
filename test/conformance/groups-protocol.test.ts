/*
 * The group APIs at the protocol level, with the project's codec and wire client: a full
 * join/sync/heartbeat/commit/fetch/leave cycle at the newest (flexible) versions that
 * @platformatic/kafka uses and at the oldest ones kafka-python uses, and the bad inputs the
 * clients must get Kafka's error codes for: empty or over-long group ids (24), session timeouts
 * out of range (26), unknown members (25), stale generations (22), inconsistent protocols (23),
 * commits during a rebalance (27), deleting a non-empty (68) or unknown (69) group.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { WireConnection } from '../../src/client/connection.ts';
import { ApiKeys } from '../../src/protocol/api-keys.ts';
import { decodeAssignment, encodeAssignment, encodeSubscription } from '../../src/protocol/messages/consumer-protocol.ts';

const sub = encodeSubscription({ topics: ['gp-topic'], userData: null, ownedPartitions: [] });

describe('group APIs on the wire', () => {
  let tb: TestBroker;
  let conn: WireConnection;
  let conn2: WireConnection;
  beforeAll(async () => {
    tb = await startTestBroker({ defaultPartitions: 2, group: { minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000 } });
    conn = await WireConnection.open({ host: '127.0.0.1', port: tb.port, clientId: 'gp' });
    conn2 = await WireConnection.open({ host: '127.0.0.1', port: tb.port, clientId: 'gp2' });
    await conn.request(ApiKeys.Metadata, { topics: [{ name: 'gp-topic', topicId: '00000000-0000-0000-0000-000000000000' }], allowAutoTopicCreation: true });
  });
  afterAll(async () => {
    conn?.close();
    conn2?.close();
    await tb?.stop();
  });

  const join = (c: WireConnection, version: number, over: Record<string, unknown> = {}) =>
    c.request(
      ApiKeys.JoinGroup,
      {
        groupId: 'gp-group', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 5000, memberId: '', groupInstanceId: null,
        protocolType: 'consumer', protocols: [{ name: 'range', metadata: sub }], reason: null, ...over,
      },
      { version },
    );

  it('FindCoordinator answers this broker for groups and transactional ids, single and batched', async () => {
    const v2 = await conn.request(ApiKeys.FindCoordinator, { key: 'gp-group', keyType: 0 }, { version: 2 });
    expect(v2.body).toMatchObject({ errorCode: 0, nodeId: tb.broker.nodeId, host: '127.0.0.1', port: tb.port });
    const v5 = await conn.request(ApiKeys.FindCoordinator, { keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] }, { version: 5 });
    expect(v5.body.coordinators.map((c) => [c.key, c.errorCode, c.port])).toEqual([['txn-a', 0, tb.port], ['txn-b', 0, tb.port]]);
    const bad = await conn.request(ApiKeys.FindCoordinator, { key: '', keyType: 0 }, { version: 1 });
    expect(bad.body.errorCode).toBe(24);
  });

  it('runs a whole generation at the flexible versions (JoinGroup v9, SyncGroup v5, OffsetCommit/Fetch v9)', async () => {
    const first = await join(conn, 9);
    expect(first.body.errorCode).toBe(79);
    const memberId = first.body.memberId;
    const joined = await join(conn, 9, { memberId });
    expect(joined.body).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: memberId, memberId });
    expect(joined.body.members).toHaveLength(1);
    const assignment = encodeAssignment({ assignedPartitions: [{ topic: 'gp-topic', partitions: [0, 1] }], userData: null });
    const synced = await conn.request(
      ApiKeys.SyncGroup,
      { groupId: 'gp-group', generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId, assignment }] },
      { version: 5 },
    );
    expect(synced.body).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
    expect(decodeAssignment(synced.body.assignment).value.assignedPartitions).toEqual([{ topic: 'gp-topic', partitions: [0, 1] }]);
    const hb = await conn.request(ApiKeys.Heartbeat, { groupId: 'gp-group', generationId: 1, memberId, groupInstanceId: null }, { version: 4 });
    expect(hb.body.errorCode).toBe(0);

    const commit = await conn.request(
      ApiKeys.OffsetCommit,
      {
        groupId: 'gp-group', generationIdOrMemberEpoch: 1, memberId, groupInstanceId: null,
        topics: [{ name: 'gp-topic', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: 'm' }, { partitionIndex: 7, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] }],
      },
      { version: 9 },
    );
    expect(commit.body.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 3]);
    const fetched = await conn.request(ApiKeys.OffsetFetch, { groups: [{ groupId: 'gp-group', memberId: null, memberEpoch: -1, topics: null }], requireStable: true }, { version: 9 });
    expect(fetched.body.groups[0]).toMatchObject({ groupId: 'gp-group', errorCode: 0 });
    expect(fetched.body.groups[0]!.topics).toEqual([
      { name: 'gp-topic', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, metadata: 'm', errorCode: 0 }] },
    ]);
    const v1 = await conn.request(ApiKeys.OffsetFetch, { groupId: 'gp-group', topics: [{ name: 'gp-topic', partitionIndexes: [0, 1] }] }, { version: 1 });
    expect(v1.body.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([[0, 42n, 'm'], [1, -1n, '']]);

    const described = await conn.request(ApiKeys.DescribeGroups, { groups: ['gp-group', 'nobody'], includeAuthorizedOperations: false }, { version: 5 });
    expect(described.body.groups.map((g) => [g.groupId, g.groupState, g.protocolData, g.members.length])).toEqual([
      ['gp-group', 'Stable', 'range', 1],
      ['nobody', 'Dead', '', 0],
    ]);
    const listed = await conn.request(ApiKeys.ListGroups, { statesFilter: ['stable'], typesFilter: [] }, { version: 5 });
    expect(listed.body.groups.map((g) => [g.groupId, g.groupState, g.groupType])).toContainEqual(['gp-group', 'Stable', 'classic']);

    const del = await conn.request(ApiKeys.DeleteGroups, { groupsNames: ['gp-group', 'nobody'] }, { version: 2 });
    expect(del.body.results.map((r) => r.errorCode)).toEqual([68, 69]);
    const left = await conn.request(ApiKeys.LeaveGroup, { groupId: 'gp-group', members: [{ memberId, groupInstanceId: null, reason: 'done' }] }, { version: 5 });
    expect(left.body.members.map((m) => m.errorCode)).toEqual([0]);
    const del2 = await conn.request(ApiKeys.DeleteGroups, { groupsNames: ['gp-group'] }, { version: 2 });
    expect(del2.body.results[0]!.errorCode).toBe(0);
    const gone = await conn.request(ApiKeys.OffsetFetch, { groupId: 'gp-group', topics: null }, { version: 4 });
    expect(gone.body.topics).toEqual([]);
  });

  it('answers bad input with the codes the clients expect (kafka-python versions)', async () => {
    expect((await join(conn, 2, { groupId: '' })).body.errorCode).toBe(24);
    expect((await join(conn, 2, { groupId: 'g'.repeat(300) })).body.errorCode).toBe(24);
    expect((await join(conn, 2, { sessionTimeoutMs: 500 })).body.errorCode).toBe(26);
    expect((await join(conn, 2, { sessionTimeoutMs: 600_000 })).body.errorCode).toBe(26);
    expect((await join(conn, 2, { memberId: 'ghost' })).body.errorCode).toBe(25);

    // v2 (kafka-python): no MEMBER_ID_REQUIRED round trip.
    const a = await join(conn, 2, { groupId: 'bad-group' });
    expect(a.body.errorCode).toBe(0);
    const aId = a.body.memberId;
    expect((await join(conn2, 2, { groupId: 'bad-group', protocols: [{ name: 'RoundRobinAssigner', metadata: sub }] })).body.errorCode).toBe(23);
    const hb = (gen: number, id = aId) => conn.request(ApiKeys.Heartbeat, { groupId: 'bad-group', generationId: gen, memberId: id }, { version: 1 });
    expect((await hb(5)).body.errorCode).toBe(22);
    expect((await hb(1, 'ghost')).body.errorCode).toBe(25);
    const commit = (gen: number) =>
      conn.request(
        ApiKeys.OffsetCommit,
        { groupId: 'bad-group', generationIdOrMemberEpoch: gen, memberId: aId, retentionTimeMs: -1n, topics: [{ name: 'gp-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] },
        { version: 2 },
      );
    // CompletingRebalance (joined, not yet synced): commits are refused with 27.
    expect((await commit(1)).body.topics[0]!.partitions[0]!.errorCode).toBe(27);
    expect((await commit(9)).body.topics[0]!.partitions[0]!.errorCode).toBe(22);
    const sync = await conn.request(ApiKeys.SyncGroup, { groupId: 'bad-group', generationId: 1, memberId: aId, assignments: [] }, { version: 1 });
    // The leader assigned nothing: an encoded empty assignment, never zero bytes.
    expect(sync.body.errorCode).toBe(0);
    expect(decodeAssignment(sync.body.assignment).value.assignedPartitions).toEqual([]);
    expect((await commit(1)).body.topics[0]!.partitions[0]!.errorCode).toBe(0);
    const leave = await conn.request(ApiKeys.LeaveGroup, { groupId: 'bad-group', memberId: 'ghost' }, { version: 1 });
    expect(leave.body.errorCode).toBe(25);
  });
});
