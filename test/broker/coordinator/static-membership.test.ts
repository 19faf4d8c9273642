/*
 * Static membership (KIP-345) in the group coordinator: a member that comes back with the same
 * group.instance.id takes its old place without a rebalance, older incarnations are fenced, and
 * the session timeout still decides when a silent static member is given up.
 */
import { describe, it, expect } from 'vitest';
import type { JoinResult } from '../../../src/broker/coordinator/classic-group.ts';
import { flush, joinReq, setup, syncReq, track } from './coordinator-fixture.ts';

const FENCED_INSTANCE_ID = 82;
const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;

/** Two static members a (leader) and b in a Stable generation 1, each with its own assignment. */
async function stableGroup() {
  const ctx = setup({ initialDelay: 0 });
  const { coord } = ctx;
  const aJoin = track(coord.join(joinReq({ clientId: 'a', groupInstanceId: 'instance-a' })));
  const bJoin = track(coord.join(joinReq({ clientId: 'b', groupInstanceId: 'instance-b' })));
  await flush();
  // a joined first and completed generation 1 alone; b's join started generation 2.
  const a1 = aJoin.value as JoinResult;
  const aRejoin = track(coord.join(joinReq({ clientId: 'a', groupInstanceId: 'instance-a', memberId: a1.memberId })));
  await flush();
  const a = aRejoin.value as JoinResult;
  const b = bJoin.value as JoinResult;
  expect(a.generationId).toBe(b.generationId);
  const generation = a.generationId;
  const bSync = track(coord.sync(syncReq({ memberId: b.memberId, generationId: generation, groupInstanceId: 'instance-b' })));
  await coord.sync(
    syncReq({
      memberId: a.memberId,
      generationId: generation,
      groupInstanceId: 'instance-a',
      assignments: [
        { memberId: a.memberId, assignment: Buffer.from('A') },
        { memberId: b.memberId, assignment: Buffer.from('B') },
      ],
    }),
  );
  await flush();
  expect(bSync.value?.assignment.toString()).toBe('B');
  expect(coord.group('g')?.state).toBe('Stable');
  return { ...ctx, a, b, generation };
}

describe('static membership (KIP-345)', () => {
  it('a restarted follower takes its old place: same generation, its old assignment, no rebalance', async () => {
    const { coord, a, b, generation } = await stableGroup();
    const back = await coord.join(joinReq({ clientId: 'b', groupInstanceId: 'instance-b' }));
    expect(back.errorCode).toBe(0);
    expect(back.generationId).toBe(generation);
    expect(back.memberId).not.toBe(b.memberId);
    expect(back.leader).toBe(a.memberId);
    expect(back.members).toEqual([]);
    expect(coord.group('g')?.state).toBe('Stable');
    const sync = await coord.sync(syncReq({ memberId: back.memberId, generationId: generation, groupInstanceId: 'instance-b' }));
    expect(sync.assignment.toString()).toBe('B');
    // The other member never sees a rebalance.
    expect(coord.heartbeat('g', a.memberId, generation, 'instance-a')).toBe(0);
    // The old incarnation is fenced, not merely unknown.
    expect(coord.heartbeat('g', b.memberId, generation, 'instance-b')).toBe(FENCED_INSTANCE_ID);
    expect(coord.validateCommit('g', b.memberId, generation, 'instance-b')).toBe(FENCED_INSTANCE_ID);
    expect(coord.heartbeat('g', back.memberId, generation, 'instance-b')).toBe(0);
  });

  it('a restarted leader is answered with the old leader id, so it does not reassign, and keeps its assignment', async () => {
    const { coord, a, b, generation } = await stableGroup();
    const back = await coord.join(joinReq({ clientId: 'a', groupInstanceId: 'instance-a' }));
    expect(back.generationId).toBe(generation);
    expect(back.leader).toBe(a.memberId);
    expect(back.leader).not.toBe(back.memberId);
    const sync = await coord.sync(syncReq({ memberId: back.memberId, generationId: generation, groupInstanceId: 'instance-a' }));
    expect(sync.assignment.toString()).toBe('A');
    expect(coord.group('g')?.leaderId).toBe(back.memberId);
    expect(coord.heartbeat('g', b.memberId, generation, 'instance-b')).toBe(0);
  });

  it('a static member whose chosen protocol would change makes the group rebalance', async () => {
    const { coord } = setup({ initialDelay: 0 });
    const both = [{ name: 'range', metadata: Buffer.from('m') }, { name: 'sticky', metadata: Buffer.from('m') }];
    const first = await coord.join(joinReq({ groupInstanceId: 'solo', protocols: both }));
    await coord.sync(syncReq({ memberId: first.memberId, generationId: first.generationId, groupInstanceId: 'solo' }));
    expect(coord.group('g')?.protocolName).toBe('range');
    const back = track(coord.join(joinReq({ groupInstanceId: 'solo', protocols: [...both].reverse() })));
    await flush();
    expect(back.value?.generationId).toBe(first.generationId + 1);
    expect(back.value?.protocolName).toBe('sticky');
    expect(coord.heartbeat('g', first.memberId, first.generationId, 'solo')).toBe(FENCED_INSTANCE_ID);
  });

  it('rejoining during CompletingRebalance fences the old parked sync and starts a new rebalance', async () => {
    const { coord, a, b, generation } = await stableGroup();
    // a rejoins with new protocols metadata as leader: the group rebalances to generation+1.
    const aJoin = track(coord.join(joinReq({ clientId: 'a', groupInstanceId: 'instance-a', memberId: a.memberId })));
    const bJoin = track(coord.join(joinReq({ clientId: 'b', groupInstanceId: 'instance-b', memberId: b.memberId })));
    await flush();
    expect(coord.group('g')?.state).toBe('CompletingRebalance');
    const next = (bJoin.value as JoinResult).generationId;
    expect(next).toBe(generation + 1);
    expect(aJoin.value?.errorCode).toBe(0);
    const oldSync = track(coord.sync(syncReq({ memberId: b.memberId, generationId: next, groupInstanceId: 'instance-b' })));
    await flush();
    expect(oldSync.value).toBeUndefined();
    const back = track(coord.join(joinReq({ clientId: 'b', groupInstanceId: 'instance-b' })));
    await flush();
    expect(oldSync.value?.errorCode).toBe(FENCED_INSTANCE_ID);
    expect(coord.group('g')?.state).toBe('PreparingRebalance');
    expect(back.value).toBeUndefined();
    // a rejoins: the rebalance completes with the new incarnation of b in it.
    const aAgain = track(coord.join(joinReq({ clientId: 'a', groupInstanceId: 'instance-a', memberId: a.memberId })));
    await flush();
    expect(back.value?.errorCode).toBe(0);
    expect(back.value?.generationId).toBe(next + 1);
    expect((aAgain.value as JoinResult).members.map((m) => m.groupInstanceId).sort()).toEqual(['instance-a', 'instance-b']);
  });

  it('the session timeout still gives up a static member that does not come back', async () => {
    const { coord, clock, a, b, generation } = await stableGroup();
    for (let i = 0; i < 3; i++) {
      clock.advance(300);
      expect(coord.heartbeat('g', a.memberId, generation, 'instance-a')).toBe(0);
    }
    clock.advance(200); // b's 1000 ms session has passed without a heartbeat
    expect(coord.heartbeat('g', a.memberId, generation, 'instance-a')).toBe(REBALANCE_IN_PROGRESS);
    expect(coord.heartbeat('g', b.memberId, generation, 'instance-b')).toBe(UNKNOWN_MEMBER_ID);
    expect(coord.group('g')?.staticMembers.has('instance-b')).toBe(false);
  });

  it('LeaveGroup by instance id removes the static member', async () => {
    const { coord, b } = await stableGroup();
    const res = coord.leave('g', [{ memberId: '', groupInstanceId: 'instance-b' }]);
    expect(res.members[0]?.errorCode).toBe(0);
    expect(coord.group('g')?.has(b.memberId)).toBe(false);
    expect(coord.group('g')?.state).toBe('PreparingRebalance');
  });
});
