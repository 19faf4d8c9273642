import { describe, it, expect } from 'vitest';
import type { JoinResult, SyncResult } from '../../../src/broker/coordinator/classic-group.ts';
import { EMPTY_ASSIGNMENT, flush, joinReq, setup, track } from './coordinator-fixture.ts';

describe('GroupCoordinator join/sync', () => {
  it('v4+ join without member id gets MEMBER_ID_REQUIRED, then joins with the returned id', async () => {
    const { coord } = setup();
    const first = await coord.join(joinReq({ requireKnownMemberId: true }));
    expect(first.errorCode).toBe(79);
    expect(first.memberId).toMatch(/^c-/);
    const second = await coord.join(joinReq({ requireKnownMemberId: true, memberId: first.memberId }));
    expect(second.errorCode).toBe(0);
    expect(second.generationId).toBe(1);
    expect(second.leader).toBe(first.memberId);
    expect(second.members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(coord.group('g')?.state).toBe('CompletingRebalance');
  });

  it('a pending member that never re-joins expires after its session timeout', async () => {
    const { coord, clock } = setup();
    const first = await coord.join(joinReq({ requireKnownMemberId: true }));
    clock.advance(1001);
    const again = await coord.join(joinReq({ requireKnownMemberId: true, memberId: first.memberId }));
    expect(again.errorCode).toBe(25);
  });

  it('two members: leader gets the member list, followers none; sync distributes assignments', async () => {
    const { coord } = setup();
    const a = await coord.join(joinReq());
    expect(a.errorCode).toBe(0);
    await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: Buffer.from('A1') }] });
    expect(coord.group('g')?.state).toBe('Stable');
    // b joins: rebalance; a learns through its heartbeat and re-joins.
    const bJoin = track(coord.join(joinReq({ clientId: 'b' })));
    await flush();
    expect(bJoin.value).toBeUndefined();
    expect(coord.heartbeat('g', a.memberId, 1, null)).toBe(27);
    const aJoin = await coord.join(joinReq({ memberId: a.memberId }));
    await flush();
    const b = bJoin.value as JoinResult;
    expect(aJoin.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aJoin.leader).toBe(a.memberId);
    expect(aJoin.members).toHaveLength(2);
    expect(b.members).toHaveLength(0);
    const bSync = track(coord.sync({ groupId: 'g', memberId: b.memberId, generationId: 2, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }));
    await flush();
    expect(bSync.value).toBeUndefined();
    expect(coord.heartbeat('g', b.memberId, 2, null)).toBe(0);
    const aSync = await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 2, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: a.memberId, assignment: Buffer.from('A2') }] });
    await flush();
    expect(aSync.assignment.toString()).toBe('A2');
    // b got no assignment from the leader: an encoded empty one, not zero bytes.
    expect((bSync.value as SyncResult).assignment).toEqual(EMPTY_ASSIGNMENT);
    expect(coord.group('g')?.state).toBe('Stable');
  });

  it('picks the protocol by vote among those every member supports', async () => {
    const { coord, clock } = setup({ initialDelay: 100 });
    const p1 = track(coord.join(joinReq({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }, { name: 'range', metadata: Buffer.alloc(0) }] })));
    const p2 = track(coord.join(joinReq({ protocols: [{ name: 'range', metadata: Buffer.alloc(0) }, { name: 'roundrobin', metadata: Buffer.alloc(0) }] })));
    const p3 = track(coord.join(joinReq({ protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] })));
    await flush();
    expect(p1.value).toBeUndefined();
    clock.advance(100);
    await flush();
    expect(p1.value?.protocolName).toBe('range');
    expect(p3.value?.protocolName).toBe('range');
    expect(p2.value?.generationId).toBe(1);
  });

  it('refuses a joiner with no protocol in common, or another protocol type', async () => {
    const { coord } = setup();
    await coord.join(joinReq());
    const bad = await coord.join(joinReq({ protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] }));
    expect(bad.errorCode).toBe(23);
    const badType = await coord.join(joinReq({ protocolType: 'connect' }));
    expect(badType.errorCode).toBe(23);
  });

  it('validates group id, session timeout and unknown member ids', async () => {
    const { coord } = setup();
    expect((await coord.join(joinReq({ groupId: '' }))).errorCode).toBe(24);
    expect((await coord.join(joinReq({ groupId: 'x'.repeat(256) }))).errorCode).toBe(24);
    expect((await coord.join(joinReq({ sessionTimeoutMs: 99 }))).errorCode).toBe(26);
    expect((await coord.join(joinReq({ sessionTimeoutMs: 60_001 }))).errorCode).toBe(26);
    expect((await coord.join(joinReq({ memberId: 'ghost' }))).errorCode).toBe(25);
    expect(coord.heartbeat('g', 'ghost', 0, null)).toBe(25);
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while offsets load', async () => {
    let loading = true;
    const { coord } = setup({ loading: () => loading });
    expect((await coord.join(joinReq())).errorCode).toBe(14);
    expect(coord.validateCommit('g', '', -1, null)).toBe(14);
    loading = false;
    expect((await coord.join(joinReq())).errorCode).toBe(0);
  });

  it('stale generation gets ILLEGAL_GENERATION on sync, heartbeat and commit', async () => {
    const { coord } = setup();
    const a = await coord.join(joinReq());
    expect(coord.heartbeat('g', a.memberId, 0, null)).toBe(22);
    expect(coord.validateCommit('g', a.memberId, 7, null)).toBe(22);
    const s = await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 5, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(s.errorCode).toBe(22);
  });

  it('commits: rejected during CompletingRebalance, accepted when Stable and for simple consumers', async () => {
    const { coord } = setup();
    expect(coord.validateCommit('solo', '', -1, null)).toBe(0);
    expect(coord.group('solo')?.state).toBe('Empty');
    expect(coord.validateCommit('unknown', 'm', 3, null)).toBe(22);
    const a = await coord.join(joinReq());
    expect(coord.validateCommit('g', a.memberId, 1, null)).toBe(27);
    await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(coord.validateCommit('g', a.memberId, 1, null)).toBe(0);
    expect(coord.validateCommit('g', '', -1, null)).toBe(25);
  });

  it('a vanished member is evicted after its session timeout and the other gets a rebalance', async () => {
    const { coord, clock } = setup();
    const a = await coord.join(joinReq());
    const bJoin = track(coord.join(joinReq({ clientId: 'b' })));
    await coord.join(joinReq({ memberId: a.memberId }));
    await flush();
    const b = bJoin.value as JoinResult;
    const bSync = track(coord.sync({ groupId: 'g', memberId: b.memberId, generationId: 2, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 2, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await flush();
    expect(bSync.value?.errorCode).toBe(0);
    // b keeps heartbeating, a goes silent.
    for (let i = 0; i < 2; i++) {
      clock.advance(400);
      expect(coord.heartbeat('g', b.memberId, 2, null)).toBe(0);
    }
    expect(coord.group('g')?.has(a.memberId)).toBe(true);
    clock.advance(400);
    expect(coord.group('g')?.has(a.memberId)).toBe(false);
    expect(coord.heartbeat('g', b.memberId, 2, null)).toBe(27);
    const rejoin = await coord.join(joinReq({ memberId: b.memberId }));
    expect(rejoin.generationId).toBe(3);
    expect(rejoin.leader).toBe(b.memberId);
    expect(rejoin.members.map((m) => m.memberId)).toEqual([b.memberId]);
  });

  it('the rebalance completes without members that do not re-join within the rebalance timeout', async () => {
    const { coord, clock } = setup();
    const a = await coord.join(joinReq({ sessionTimeoutMs: 60_000 }));
    await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const bJoin = track(coord.join(joinReq({ clientId: 'b', sessionTimeoutMs: 60_000 })));
    clock.advance(4999);
    await flush();
    expect(bJoin.value).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(bJoin.value?.generationId).toBe(2);
    expect(bJoin.value?.leader).toBe(bJoin.value?.memberId);
    expect(coord.group('g')?.has(a.memberId)).toBe(false);
  });

  it('leaving: the last member leaving empties the group; a group can then be deleted', async () => {
    const { coord } = setup();
    const a = await coord.join(joinReq());
    expect(coord.deleteGroup('g')).toBe(68);
    const res = coord.leave('g', [{ memberId: a.memberId, groupInstanceId: null }, { memberId: 'nobody', groupInstanceId: null }]);
    expect(res.members.map((m) => m.errorCode)).toEqual([0, 25]);
    expect(coord.group('g')?.state).toBe('Empty');
    expect(coord.group('g')?.generationId).toBe(2);
    expect(coord.deleteGroup('g')).toBe(0);
    expect(coord.deleteGroup('g')).toBe(69);
  });

  it('the leader leaving during CompletingRebalance fails parked syncs with REBALANCE_IN_PROGRESS', async () => {
    const { coord } = setup();
    const a = await coord.join(joinReq());
    await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 1, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const bJoin = track(coord.join(joinReq({ clientId: 'b' })));
    await coord.join(joinReq({ memberId: a.memberId }));
    await flush();
    const b = bJoin.value as JoinResult;
    const bSync = track(coord.sync({ groupId: 'g', memberId: b.memberId, generationId: 2, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    coord.leave('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    await flush();
    expect(bSync.value?.errorCode).toBe(27);
    expect(coord.group('g')?.state).toBe('PreparingRebalance');
  });

  it('a follower re-joining a Stable group unchanged keeps the generation', async () => {
    const { coord } = setup();
    const a = await coord.join(joinReq());
    const bJoin = track(coord.join(joinReq({ clientId: 'b' })));
    await coord.join(joinReq({ memberId: a.memberId }));
    await flush();
    const b = bJoin.value as JoinResult;
    void coord.sync({ groupId: 'g', memberId: b.memberId, generationId: 2, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await coord.sync({ groupId: 'g', memberId: a.memberId, generationId: 2, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const again = await coord.join(joinReq({ memberId: b.memberId, clientId: 'b' }));
    expect(again.generationId).toBe(2);
    expect(coord.group('g')?.state).toBe('Stable');
  });

  it('close answers parked requests and leaves no timers behind', async () => {
    const { coord, clock } = setup({ initialDelay: 3000 });
    const p = coord.join(joinReq());
    coord.close();
    expect((await p).errorCode).toBe(16);
    expect(clock.pending()).toBe(0);
  });
});
