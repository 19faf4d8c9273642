import { describe, expect, it } from 'vitest';
import { useFactorySession } from '../helpers/factory-session.ts';
import type { Assignment, GroupConsumer, TopicPartition } from '../../../src/client/types.ts';
import { rangeAssignor } from '../helpers/range-assignor.ts';

const session = useFactorySession('group-test');


function values(batches: readonly { records: readonly { value: Buffer | null }[] }[]): string[] {
  return batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
}

async function pollUntil(c: GroupConsumer, done: () => boolean, onBatch: (b: Awaited<ReturnType<GroupConsumer['poll']>>) => void, rounds = 100): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) onBatch(await c.poll(500, 100));
}

describe('GroupConsumer (kafkajs)', () => {
  it('joins with the custom assignor, delivers onAssigned before records, commits and reads committed offsets', async () => {
    await session.admin.createTopics([{ topic: 'g-one', numPartitions: 2, replicationFactor: 1 }]);
    await session.producer.send(Array.from({ length: 20 }, (_, i) => ({ topic: 'g-one', partition: i % 2, key: null, value: Buffer.from(`v${i}`), timestamp: i, headers: {} })));
    const events: string[] = [];
    let assignment: Assignment | undefined;
    const labels: string[] = [];
    const c = session.clients.consumer({
      groupId: 'g-one-group',
      assignor: rangeAssignor('member-a', labels),
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      onAssigned: async (a) => {
        events.push('assigned');
        assignment = a;
      },
      beforeRevoke: async () => {
        events.push('revoke');
      },
    });
    await c.connect();
    await c.subscribe(['g-one']);
    const got: string[] = [];
    await pollUntil(c, () => got.length >= 20, (b) => {
      if (b.length > 0) events.push('records');
      got.push(...values(b));
    });
    expect(got.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`).sort());
    expect(events[0]).toBe('assigned');
    expect(labels).toEqual(['member-a']);
    expect(assignment!.userData.toString()).toBe('rank-0');
    expect([...assignment!.partitions].sort((x, y) => x.partition - y.partition)).toEqual([{ topic: 'g-one', partition: 0 }, { topic: 'g-one', partition: 1 }]);
    expect(c.assignment()).toHaveLength(2);

    const tps: TopicPartition[] = [{ topic: 'g-one', partition: 0 }, { topic: 'g-one', partition: 1 }];
    expect(await c.committed(tps)).toEqual([{ topic: 'g-one', partition: 0, offset: -1 }, { topic: 'g-one', partition: 1, offset: -1 }]);
    await c.commitOffsets([{ topic: 'g-one', partition: 0, offset: 10 }, { topic: 'g-one', partition: 1, offset: 4 }]);
    expect(await c.committed(tps)).toEqual([{ topic: 'g-one', partition: 0, offset: 10 }, { topic: 'g-one', partition: 1, offset: 4 }]);
    await c.disconnect();

    // A new member of the group starts from the committed offsets.
    const again = session.clients.consumer({ groupId: 'g-one-group', assignor: rangeAssignor('member-b') });
    await again.connect();
    await again.subscribe(['g-one']);
    const rest: { partition: number; offset: number }[] = [];
    await pollUntil(again, () => rest.length >= 6, (b) => rest.push(...b.flatMap((x) => x.records.map((r) => ({ partition: x.partition, offset: r.offset })))));
    expect(rest.filter((r) => r.partition === 1).map((r) => r.offset)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(rest.filter((r) => r.partition === 0)).toEqual([]);
    await again.disconnect();
  }, 40_000);

  it('pause holds back a partition until resume; seek re-reads from an offset', async () => {
    await session.admin.createTopics([{ topic: 'g-pause', numPartitions: 2, replicationFactor: 1 }]);
    await session.producer.send(Array.from({ length: 10 }, (_, i) => ({ topic: 'g-pause', partition: i % 2, key: null, value: Buffer.from(`v${i}`), timestamp: i, headers: {} })));
    const c = session.clients.consumer({ groupId: 'g-pause-group', assignor: rangeAssignor('a'), onAssigned: async () => c.pause([{ topic: 'g-pause', partition: 1 }]) });
    await c.connect();
    await c.subscribe(['g-pause']);
    const got: { partition: number; offset: number }[] = [];
    const collect = (b: Awaited<ReturnType<GroupConsumer['poll']>>) => got.push(...b.flatMap((x) => x.records.map((r) => ({ partition: x.partition, offset: r.offset }))));
    await pollUntil(c, () => got.length >= 5, collect);
    for (let i = 0; i < 3; i++) collect(await c.poll(100, 100));
    expect(got.every((r) => r.partition === 0)).toBe(true);
    expect(got).toHaveLength(5);
    c.resume([{ topic: 'g-pause', partition: 1 }]);
    await pollUntil(c, () => got.length >= 10, collect);
    expect(got.filter((r) => r.partition === 1).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    c.seek({ topic: 'g-pause', partition: 0, offset: 3 });
    const again: number[] = [];
    await pollUntil(c, () => again.length >= 2, (b) => again.push(...b.filter((x) => x.partition === 0).flatMap((x) => x.records.map((r) => r.offset))));
    expect(again).toEqual([3, 4]);
    await c.disconnect();
  }, 40_000);

  it('with two members: beforeRevoke (with its commit) runs before the rejoin, then each gets half', async () => {
    await session.admin.createTopics([{ topic: 'g-two', numPartitions: 4, replicationFactor: 1 }]);
    await session.producer.send(Array.from({ length: 40 }, (_, i) => ({ topic: 'g-two', partition: i % 4, key: null, value: Buffer.from(`v${i}`), timestamp: i, headers: {} })));
    const log: string[] = [];
    const positions = new Map<number, number>();
    const first: GroupConsumer = session.clients.consumer({
      groupId: 'g-two-group',
      assignor: rangeAssignor('first'),
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 300,
      onAssigned: async (a) => {
        log.push(`first assigned ${a.partitions.length}`);
      },
      beforeRevoke: async (parts) => {
        log.push(`first revoke ${parts.length}`);
        // Commit what was consumed: still allowed, the old generation is valid until the rejoin.
        await first.commitOffsets([...positions].map(([partition, offset]) => ({ topic: 'g-two', partition, offset })));
        log.push('first committed');
      },
    });
    await first.connect();
    await first.subscribe(['g-two']);
    let count = 0;
    await pollUntil(first, () => count >= 40, (b) => {
      for (const x of b) {
        count += x.records.length;
        positions.set(x.partition, x.records[x.records.length - 1]!.offset + 1);
      }
    });
    expect(count).toBe(40);

    let secondAssigned: Assignment | undefined;
    const second = session.clients.consumer({
      groupId: 'g-two-group',
      assignor: rangeAssignor('second'),
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 300,
      onAssigned: async (a) => {
        log.push(`second assigned ${a.partitions.length}`);
        secondAssigned = a;
      },
    });
    await second.connect();
    await second.subscribe(['g-two']);
    // Both must keep polling: the first notices the rebalance through its heartbeat.
    const secondRecords: string[] = [];
    for (let i = 0; i < 100 && (secondAssigned === undefined || !log.includes('first assigned 2')); i++) {
      const [, b] = await Promise.all([first.poll(100, 100), second.poll(100, 100)]);
      secondRecords.push(...values(b));
    }
    expect(log).toEqual(['first assigned 4', 'first revoke 4', 'first committed', expect.stringMatching(/assigned 2/), expect.stringMatching(/assigned 2/)]);
    expect(secondAssigned!.partitions).toHaveLength(2);
    // The second member starts from the offsets the first committed in beforeRevoke: nothing is re-read.
    for (let i = 0; i < 5; i++) secondRecords.push(...values(await second.poll(100, 100)));
    expect(secondRecords).toEqual([]);
    expect(first.assignment()).toHaveLength(2);
    await second.disconnect();
    await first.disconnect();
  }, 60_000);
});
