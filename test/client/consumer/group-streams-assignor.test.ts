import { describe, expect, it } from 'vitest';
import { useFactorySession } from '../helpers/factory-session.ts';
import type { Assignment, GroupConsumer } from '../../../src/client/types.ts';
import { Topology } from '../../../src/streams/topology/topology.ts';
import { createStreamsAssignor } from '../../../src/streams/runtime/assignor/streams-assignor.ts';
import { decodeAssignment } from '../../../src/streams/runtime/assignor/assignment-codec.ts';

const session = useFactorySession('rebalance-test');

/** orders and payments read by one processor: tasks 0_p own partition p of both topics. */
function topology(): Topology {
  return new Topology()
    .addSource('orders-source', 'orders')
    .addSource('payments-source', 'payments')
    .addProcessor('match', () => ({ process: () => undefined }), 'orders-source', 'payments-source')
    .copartitionSources(['orders-source', 'payments-source']);
}

function streamsMember(processId: string, server: string, assigned: Assignment[], revoked: string[], cooperative: boolean): GroupConsumer {
  let owned: string[] = [];
  const assignor = createStreamsAssignor({
    topology: topology(),
    applicationId: 'app',
    processId,
    applicationServer: server,
    numStandbyReplicas: 1,
    acceptableRecoveryLag: 0,
    cooperative,
    localState: () => ({ activeTasks: owned, standbyTasks: [], taskOffsets: new Map() }),
  });
  return session.clients.consumer({
    groupId: `streams-app-${cooperative ? 'coop' : 'eager'}`,
    assignor,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 300,
    onAssigned: async (a) => {
      assigned.push(a);
      owned = [...decodeAssignment(a.userData).activeTasks];
    },
    beforeRevoke: async () => {
      revoked.push(processId);
    },
  });
}

describe.each([
  { protocol: 'cooperative', cooperative: true },
  { protocol: 'eager', cooperative: false },
])('GroupConsumer with the streams assignor ($protocol)', ({ cooperative }) => {
  it('hands out co-partitioned partitions together, standbys and the host map, and rebalances when a member leaves', async () => {
    await session.admin.createTopics([{ topic: 'orders', numPartitions: 4, replicationFactor: 1 }, { topic: 'payments', numPartitions: 4, replicationFactor: 1 }]).catch(() => {});
    const aAssigned: Assignment[] = [];
    const bAssigned: Assignment[] = [];
    const revoked: string[] = [];
    const a = streamsMember('pa', 'a:1', aAssigned, revoked, cooperative);
    const b = streamsMember('pb', 'b:1', bAssigned, revoked, cooperative);
    for (const c of [a, b]) {
      await c.connect();
      await c.subscribe(['orders', 'payments']);
    }
    const settled = () => {
      const la = aAssigned.at(-1);
      const lb = bAssigned.at(-1);
      return la !== undefined && lb !== undefined && la.generationId === lb.generationId && la.partitions.length === 4 && lb.partitions.length === 4;
    };
    for (let i = 0; i < 100 && !settled(); i++) await Promise.all([a.poll(10, 50), b.poll(10, 50)]);
    expect(settled()).toBe(true);
    const ia = decodeAssignment(aAssigned.at(-1)!.userData);
    const ib = decodeAssignment(bAssigned.at(-1)!.userData);
    expect([...ia.activeTasks, ...ib.activeTasks].sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    // Co-partitioning: a member owns partition p of orders exactly when it owns p of payments.
    for (const asg of [aAssigned.at(-1)!, bAssigned.at(-1)!]) {
      const byTopic = (t: string) => asg.partitions.filter((tp) => tp.topic === t).map((tp) => tp.partition).sort();
      expect(byTopic('orders')).toEqual(byTopic('payments'));
    }
    // The tasks are stateless: no standbys even though numStandbyReplicas is 1. Both hosts are in the host map.
    expect([...ia.standbyTasks, ...ib.standbyTasks]).toEqual([]);
    expect([...ia.hostMap.keys()].sort()).toEqual(['a:1', 'b:1']);
    expect(ia.hostMap.get('b:1')!.active).toHaveLength(4);

    // b leaves: eager, a is told to revoke everything before it rejoins; cooperative, a gives up
    // nothing. Either way it then owns every task.
    const revokesBefore = revoked.filter((r) => r === 'pa').length;
    await b.disconnect();
    for (let i = 0; i < 100 && aAssigned.at(-1)!.partitions.length !== 8; i++) await a.poll(10, 50);
    expect(aAssigned.at(-1)!.partitions).toHaveLength(8);
    expect(revoked.filter((r) => r === 'pa').length).toBe(revokesBefore + (cooperative ? 0 : 1));
    expect(decodeAssignment(aAssigned.at(-1)!.userData).activeTasks).toEqual(['0_0', '0_1', '0_2', '0_3']);
    await a.disconnect();
  }, 60_000);
});
