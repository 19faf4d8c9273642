/*
 * group-admin.ts against the bundled broker: a group with a live member is listed and described
 * (state, member, decoded assignment); its committed offsets read back; offsets committed while
 * the group is Empty are what OffsetFetch returns; an Empty group is deleted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTopics } from '../../src/client/admin.ts';
import { WireCluster } from '../../src/client/cluster.ts';
import { KafkaGroupConsumer } from '../../src/client/consumer/group-consumer.ts';
import { commitGroupOffsets, deleteGroup, describeGroup, groupOffsets, listGroups } from '../../src/client/group-admin.ts';
import { startTestBroker, type TestBroker } from '../../src/testing/broker-harness.ts';
import { rangeAssignor } from './helpers/range-assignor.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ b: TestBroker; cluster: WireCluster }> {
  const b = await startTestBroker();
  cleanups.push(() => b.stop());
  const cluster = new WireCluster({ bootstrap: b.bootstrap });
  cleanups.push(() => cluster.close());
  await createTopics(cluster, [{ name: 'ga', numPartitions: 2, replicationFactor: 1 }]);
  return { b, cluster };
}

describe('group admin', () => {
  it('lists and describes a live consumer group, and reads its committed offsets', async () => {
    const { b, cluster } = await setup();
    const member = new KafkaGroupConsumer({ bootstrapServers: [b.bootstrap], clientId: 'ga-member' }, { groupId: 'ga-g', assignor: rangeAssignor('m'), sessionTimeoutMs: 6000, heartbeatIntervalMs: 300 });
    await member.connect();
    cleanups.push(() => member.disconnect());
    await member.subscribe(['ga']);
    for (let i = 0; i < 100 && member.assignment().length < 2; i++) await member.poll(10, 50);
    await member.commitOffsets([{ topic: 'ga', partition: 1, offset: 0 }]);

    expect(await listGroups(cluster)).toContainEqual({ groupId: 'ga-g', protocolType: 'consumer', state: 'Stable' });
    const d = await describeGroup(cluster, 'ga-g');
    expect(d.state).toBe('Stable');
    expect(d.members).toHaveLength(1);
    expect(d.members[0]!.clientId).toBe('ga-member');
    expect([...(d.members[0]!.assignment.get('ga') ?? [])].sort()).toEqual([0, 1]);
    expect(await groupOffsets(cluster, 'ga-g')).toEqual([{ topic: 'ga', partition: 1, offset: 0 }]);
  });

  it('commits offsets for an Empty group and deletes it', async () => {
    const { cluster } = await setup();
    await commitGroupOffsets(cluster, 'ga-empty', [{ topic: 'ga', partition: 0, offset: 0 }, { topic: 'ga', partition: 1, offset: 0 }]);
    expect((await groupOffsets(cluster, 'ga-empty')).map((o) => o.partition).sort()).toEqual([0, 1]);
    expect((await describeGroup(cluster, 'ga-empty')).state).toBe('Empty');
    await deleteGroup(cluster, 'ga-empty');
    expect((await listGroups(cluster)).map((g) => g.groupId)).not.toContain('ga-empty');
  });
});
