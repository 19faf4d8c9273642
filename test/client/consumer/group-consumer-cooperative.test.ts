/*
 * The cooperative rebalance protocol (KIP-429) of the wire group consumer against the bundled
 * broker: a member keeps consuming what it owns while a rebalance is parked on the coordinator,
 * revokes only the partitions that move, and the follow-up rebalance hands them on.
 */
import { describe, expect, it } from 'vitest';
import { WireCluster } from '../../../src/client/cluster.ts';
import { KafkaGroupConsumer } from '../../../src/client/consumer/group-consumer.ts';
import { GroupMembership } from '../../../src/client/consumer/group-membership.ts';
import { cooperativeStickyAssignor } from '../../../src/client/consumer/cooperative-sticky-assignor.ts';
import type { Assignment, FetchedBatch, TopicPartition } from '../../../src/client/types.ts';
import { useFactorySession } from '../helpers/factory-session.ts';

const session = useFactorySession('coop-test');

const name = (tps: readonly TopicPartition[]): string[] => tps.map((t) => `${t.topic}-${t.partition}`).sort();

interface Member {
  readonly consumer: KafkaGroupConsumer;
  readonly assigned: Assignment[];
  readonly revoked: string[][];
  readonly got: string[];
}

/** A cooperative member that commits what it consumed when partitions are revoked. */
function member(groupId: string): Member {
  const assigned: Assignment[] = [];
  const revoked: string[][] = [];
  const got: string[] = [];
  const consumed = new Map<string, { topic: string; partition: number; offset: number }>();
  const consumer: KafkaGroupConsumer = new KafkaGroupConsumer(session.config, {
    groupId,
    assignor: cooperativeStickyAssignor(),
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 200,
    onAssigned: async (a) => void assigned.push(a),
    beforeRevoke: async (tps) => {
      revoked.push(name(tps));
      const offsets = tps.flatMap((tp) => consumed.get(`${tp.topic}-${tp.partition}`) ?? []);
      if (offsets.length > 0) await consumer.commitOffsets(offsets);
    },
  });
  const m: Member = { consumer, assigned, revoked, got };
  (m as { track?: (b: readonly FetchedBatch[]) => void }).track = (batches) => {
    for (const b of batches) {
      for (const r of b.records) got.push(r.value!.toString());
      const last = b.records.at(-1);
      if (last !== undefined) consumed.set(`${b.topic}-${b.partition}`, { topic: b.topic, partition: b.partition, offset: last.offset + 1 });
    }
  };
  return m;
}

async function pollOnce(m: Member): Promise<number> {
  const batches = await m.consumer.poll(500, 50);
  (m as unknown as { track: (b: readonly FetchedBatch[]) => void }).track(batches);
  return batches.reduce((n, b) => n + b.records.length, 0);
}

async function pollUntil(ms: readonly Member[], done: () => boolean, rounds = 400): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) for (const m of ms) await pollOnce(m);
  expect(done()).toBe(true);
}

async function produce(topic: string, from: number, n: number, partitions: number): Promise<void> {
  await session.producer.send(Array.from({ length: n }, (_, i) => ({ topic, partition: (from + i) % partitions, key: null, value: Buffer.from(`v${from + i}`), timestamp: 1000 + i, headers: {} })));
}

describe('KafkaGroupConsumer, cooperative protocol', () => {
  it('keeps delivering owned partitions while the JoinGroup is parked, revokes only what moves, hands it on in a follow-up rebalance', async () => {
    const topic = 'coop-four';
    await session.admin.createTopics([{ topic, numPartitions: 4, replicationFactor: 1 }, { topic: 'coop-other', numPartitions: 1, replicationFactor: 1 }]);
    const groupId = 'coop-g';
    // A member that never rejoins on its own: it holds the next rebalance open (the coordinator
    // waits for every known member) until it leaves — a rebalance parked for as long as we need.
    const cluster = new WireCluster({ bootstrap: [session.broker.bootstrap], clientId: 'parker', connectTimeoutMs: 3000, requestTimeoutMs: 30_000 });
    const parker = new GroupMembership(cluster, {
      groupId,
      assignors: [cooperativeStickyAssignor()],
      protocol: 'COOPERATIVE',
      ownedPartitions: () => [],
      sessionTimeoutMs: 60_000,
      rebalanceTimeoutMs: 60_000,
      heartbeatIntervalMs: 1000,
      groupInstanceId: null,
      clientId: 'parker',
      connectTimeoutMs: 3000,
      requestTimeoutMs: 30_000,
    });
    const a = member(groupId);
    await a.consumer.connect();
    await a.consumer.subscribe([topic]);
    await produce(topic, 0, 40, 4);
    await pollUntil([a], () => a.got.length >= 40);
    // The parker joins (subscribed to another topic); a rejoins and keeps its partitions.
    const parkerJoin = parker.joinAndSync(['coop-other']);
    await pollUntil([a], () => parker.generationId > 0 && !a.consumer.rebalanceInProgress());
    await parkerJoin;
    expect(name(a.consumer.assignment())).toEqual([`${topic}-0`, `${topic}-1`, `${topic}-2`, `${topic}-3`]);

    // b joins: a rejoins (cooperatively) and its JoinGroup stays parked waiting for the parker.
    const b = member(groupId);
    await b.consumer.connect();
    await b.consumer.subscribe([topic]);
    const bPolling = (async () => {
      while (b.assigned.length === 0 || b.consumer.assignment().length < 2) await pollOnce(b);
    })();
    await pollUntil([a], () => a.consumer.rebalanceInProgress());
    await produce(topic, 40, 20, 4);
    let duringJoin = 0;
    await pollUntil([a], () => {
      if (!a.consumer.rebalanceInProgress()) throw new Error('the rebalance completed while the parker was still a member');
      duringJoin = a.got.length - 40;
      return duringJoin >= 20;
    });
    // Structural: records of every owned partition arrived while the JoinGroup was parked.
    expect(duringJoin).toBe(20);
    expect(a.revoked).toEqual([]);
    // A commit now would carry a generation about to end (ILLEGAL_GENERATION would make a drop
    // everything): it fails retriably without being sent, and a keeps its place.
    const generation = a.consumer.groupMetadata().generationId;
    await expect(a.consumer.commitOffsets([{ topic, partition: 0, offset: 1 }])).rejects.toMatchObject({ retriable: true, message: expect.stringMatching(/REBALANCE_IN_PROGRESS/) });
    expect(a.consumer.groupMetadata().generationId).toBe(generation);

    await parker.close(true); // leaves: the rebalance completes without it
    await bPolling;
    await pollUntil([a], () => a.consumer.assignment().length === 2);
    // a revoked exactly the two partitions b now owns, once; it never gave up the other two.
    expect(a.revoked).toHaveLength(1);
    expect(a.revoked[0]).toEqual(name(b.consumer.assignment()));
    expect(a.consumer.groupMetadata().generationId).toBeGreaterThan(generation + 1); // two rebalances
    expect(name([...a.consumer.assignment(), ...b.consumer.assignment()])).toEqual([`${topic}-0`, `${topic}-1`, `${topic}-2`, `${topic}-3`]);
    for (const x of a.assigned) expect(x.partitions.length).toBeGreaterThanOrEqual(2);
    expect(a.assigned.slice(1).every((x) => x.added.length === 0)).toBe(true);
    expect(name(b.assigned.flatMap((x) => x.added))).toEqual(name(b.consumer.assignment()));

    // Nothing consumed twice, nothing lost: b starts where a committed in beforeRevoke.
    await produce(topic, 60, 40, 4);
    await pollUntil([a, b], () => a.got.length + b.got.length >= 100);
    expect([...a.got, ...b.got].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`).sort());
    await b.consumer.disconnect();
    await a.consumer.disconnect();
    cluster.close();
  });
});
