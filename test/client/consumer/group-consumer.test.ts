import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignerProtocol, Kafka, logLevel, type PartitionAssigner } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import { KafkaAdmin } from '../../../src/client/kafka-admin.ts';
import { KafkaProducer } from '../../../src/client/producer/producer.ts';
import { KafkaGroupConsumer } from '../../../src/client/consumer/group-consumer.ts';
import { decodeGroupAssignment, decodeGroupSubscription, encodeGroupAssignment, encodeGroupSubscription } from '../../../src/client/consumer/group-codec.ts';
import type { Admin, Assignment, ClientConfig, FetchedBatch, GroupConsumer, GroupConsumerOptions, MemberAssignment, Producer } from '../../../src/client/types.ts';
import { rangeAssignor } from '../helpers/range-assignor.ts';

let broker: TestBroker;
let config: ClientConfig;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startTestBroker();
  config = { bootstrapServers: [broker.bootstrap], clientId: 'wire-group-test', logLevel: 'nothing' };
  admin = new KafkaAdmin(config);
  await admin.connect();
  producer = new KafkaProducer(config);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});


function member(groupId: string, label: string, extra: Partial<GroupConsumerOptions> = {}, seen?: string[]): KafkaGroupConsumer {
  return new KafkaGroupConsumer(config, { groupId, assignor: rangeAssignor(label, seen), sessionTimeoutMs: 6000, heartbeatIntervalMs: 300, ...extra });
}

function values(batches: readonly FetchedBatch[]): string[] {
  return batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
}

async function pollUntil(c: GroupConsumer, done: () => boolean, onBatch: (b: readonly FetchedBatch[]) => void, rounds = 150): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) onBatch(await c.poll(500, 100));
}

async function produce(topic: string, n: number, partitions: number, prefix = 'v'): Promise<void> {
  await producer.send(Array.from({ length: n }, (_, i) => ({ topic, partition: i % partitions, key: null, value: Buffer.from(`${prefix}${i}`), timestamp: 1000 + i, headers: (i % 5 === 0 ? { h: Buffer.from(`x${i}`) } : {}) as Record<string, Buffer> })));
}

describe('consumer protocol bytes', () => {
  it('matches kafkajs AssignerProtocol byte for byte, both ways', () => {
    const sub = { version: 1, topics: ['a', 'bb'], userData: Buffer.from('ud') };
    const kjsSub = AssignerProtocol.MemberMetadata.encode({ ...sub, topics: [...sub.topics] });
    expect(encodeGroupSubscription(sub).equals(kjsSub)).toBe(true);
    expect(decodeGroupSubscription(kjsSub)).toEqual({ ...sub, ownedPartitions: new Map(), generationId: -1 });
    const kjsAsg = AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: { a: [0, 2], bb: [1] }, userData: Buffer.from('rank') });
    const ours = encodeGroupAssignment({ version: 1, partitions: new Map([['a', [0, 2]], ['bb', [1]], ['empty', []]]), userData: Buffer.from('rank') });
    expect(ours.equals(kjsAsg)).toBe(true);
    const back = decodeGroupAssignment(kjsAsg);
    expect([...back.partitions]).toEqual([['a', [0, 2]], ['bb', [1]]]);
    expect(back.userData.toString()).toBe('rank');
    expect(decodeGroupAssignment(Buffer.alloc(0)).partitions.size).toBe(0);
  });
});

describe('KafkaGroupConsumer', () => {
  it('joins, runs onAssigned before records, polls everything, commits, and a restarted member resumes at the commit', async () => {
    await admin.createTopics([{ topic: 'w-one', numPartitions: 2, replicationFactor: 1 }]);
    await produce('w-one', 40, 2);
    const events: string[] = [];
    let assignment: Assignment | undefined;
    const labels: string[] = [];
    const c = member('w-one-g', 'member-a', { onAssigned: async (a) => void (events.push('assigned'), (assignment = a)) }, labels);
    await c.connect();
    await c.subscribe(['w-one']);
    const got: string[] = [];
    const headers: string[] = [];
    await pollUntil(c, () => got.length >= 40, (b) => {
      if (b.length > 0) events.push('records');
      got.push(...values(b));
      for (const x of b) for (const r of x.records) if (r.headers['h']) headers.push(r.headers['h'].toString());
    });
    expect(events[0]).toBe('assigned');
    expect(assignment?.userData.toString()).toBe('rank-0');
    expect(labels).toEqual(['member-a']);
    expect([...got].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `v${i}`).sort());
    expect(headers).toHaveLength(8);
    expect(c.assignment().map((t) => t.partition).sort()).toEqual([0, 1]);
    expect(await c.committed([{ topic: 'w-one', partition: 0 }])).toEqual([{ topic: 'w-one', partition: 0, offset: -1 }]);
    await c.commitOffsets([{ topic: 'w-one', partition: 0, offset: 15 }, { topic: 'w-one', partition: 1, offset: 20 }]);
    expect(await c.committed([{ topic: 'w-one', partition: 0 }, { topic: 'w-one', partition: 1 }])).toEqual([
      { topic: 'w-one', partition: 0, offset: 15 },
      { topic: 'w-one', partition: 1, offset: 20 },
    ]);
    await c.disconnect();
    await c.disconnect();

    const again = member('w-one-g', 'member-a2');
    await again.connect();
    await again.subscribe(['w-one']);
    const rest: string[] = [];
    await pollUntil(again, () => rest.length >= 5, (b) => rest.push(...values(b)));
    // partition 0 holds v0,v2,…: offset 15 is v30; partition 1 at its end (20) has nothing left
    expect(rest.sort()).toEqual(['v30', 'v32', 'v34', 'v36', 'v38']);
    await again.disconnect();
  });

  it('two members split the partitions; a leave rebalances with beforeRevoke before onAssigned', async () => {
    await admin.createTopics([{ topic: 'w-two', numPartitions: 4, replicationFactor: 1 }]);
    await produce('w-two', 40, 4);
    const log: string[] = [];
    const hooks = (name: string): Partial<GroupConsumerOptions> => ({
      beforeRevoke: async (p) => void log.push(`${name}:revoke:${p.length}`),
      onAssigned: async (a) => void log.push(`${name}:assigned:${a.partitions.length}`),
    });
    const a = member('w-two-g', 'a', hooks('a'));
    const b = member('w-two-g', 'b', hooks('b'));
    for (const c of [a, b]) {
      await c.connect();
      await c.subscribe(['w-two']);
    }
    const got = new Set<string>();
    for (let i = 0; i < 200 && (a.assignment().length !== 2 || b.assignment().length !== 2 || got.size < 40); i++) {
      const [x, y] = await Promise.all([a.poll(500, 100), b.poll(500, 100)]);
      for (const v of [...values(x), ...values(y)]) got.add(v);
    }
    expect(a.assignment().length).toBe(2);
    expect(b.assignment().length).toBe(2);
    expect(got.size).toBe(40);
    const owned = [...a.assignment(), ...b.assignment()].map((t) => t.partition).sort();
    expect(owned).toEqual([0, 1, 2, 3]);

    log.length = 0;
    await b.disconnect();
    for (let i = 0; i < 100 && a.assignment().length !== 4; i++) await a.poll(500, 100);
    expect(a.assignment().length).toBe(4);
    expect(log).toEqual(['a:revoke:2', 'a:assigned:4']);
    await a.disconnect();
  });

  it('static membership: a member back with its group.instance.id keeps its partitions without a rebalance; the old one is fenced', async () => {
    await admin.createTopics([{ topic: 'w-static', numPartitions: 4, replicationFactor: 1 }]);
    const log: string[] = [];
    const hooks = (name: string): Partial<GroupConsumerOptions> => ({
      beforeRevoke: async (p) => void log.push(`${name}:revoke:${p.length}`),
      onAssigned: async (x) => void log.push(`${name}:assigned:${x.partitions.map((tp) => tp.partition).join('')}@${x.generationId}`),
    });
    const a = member('w-static-g', 'a', { groupInstanceId: 'static-a', ...hooks('a') });
    const b = member('w-static-g', 'b', { groupInstanceId: 'static-b', ...hooks('b') });
    for (const c of [a, b]) {
      await c.connect();
      await c.subscribe(['w-static']);
    }
    for (let i = 0; i < 200 && (a.assignment().length !== 2 || b.assignment().length !== 2); i++) await Promise.all([a.poll(500, 100), b.poll(500, 100)]);
    const generation = a.groupMetadata().generationId;
    const bOwned = b.assignment().map((tp) => tp.partition).join('');
    // b goes away without leaving (a static member never sends LeaveGroup) and comes back.
    await b.disconnect();
    log.length = 0;
    const b2 = member('w-static-g', 'b', { groupInstanceId: 'static-b', ...hooks('b2') });
    await b2.connect();
    await b2.subscribe(['w-static']);
    for (let i = 0; i < 100 && b2.assignment().length !== 2; i++) await Promise.all([a.poll(500, 100), b2.poll(500, 100)]);
    expect(log).toEqual([`b2:assigned:${bOwned}@${generation}`]);
    expect(a.groupMetadata().generationId).toBe(generation);
    // A third process with the same instance id fences b2: its next poll fails, for good.
    const b3 = member('w-static-g', 'b', { groupInstanceId: 'static-b' });
    await b3.connect();
    await b3.subscribe(['w-static']);
    for (let i = 0; i < 50 && b3.assignment().length !== 2; i++) await b3.poll(500, 100);
    let fenced: unknown;
    for (let i = 0; i < 50 && fenced === undefined; i++) await b2.poll(500, 100).catch((e: unknown) => (fenced = e));
    expect(String(fenced)).toMatch(/FENCED_INSTANCE_ID.*newer instance with group.instance.id static-b/);
    for (const c of [a, b2, b3]) await c.disconnect().catch(() => {});
  });

  it('shares a group with a plain kafkajs consumer (same assignor name), subscription and assignment userData crossing both ways', async () => {
    await admin.createTopics([{ topic: 'w-mixed', numPartitions: 2, replicationFactor: 1 }]);
    await produce('w-mixed', 20, 2);
    const seen: string[] = [];
    let wireAssigned: Assignment | undefined;
    const wire = member('w-mixed-g', 'wire', { onAssigned: async (x) => void (wireAssigned = x) }, seen);
    // kafkajs as an independent peer: its own assigner named like ours, dealing partitions by
    // member rank exactly as rangeAssignor does, with userData in the consumer protocol's bytes.
    const kafka = new Kafka({ clientId: 'kafkajs-peer', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const peerAssigner: PartitionAssigner = ({ cluster }) => ({
      name: 'test-range',
      version: 1,
      protocol: ({ topics }) => ({ name: 'test-range', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from('kafkajs') }) }),
      async assign({ members, topics }) {
        const sorted = [...members].sort((x, y) => x.memberId.localeCompare(y.memberId));
        for (const m of sorted) seen.push(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)!.userData.toString());
        await cluster.refreshMetadataIfNecessary();
        return sorted.map((m, i) => {
          const assignment: Record<string, number[]> = {};
          for (const t of topics) assignment[t] = cluster.findTopicPartitionMetadata(t).map((pm) => pm.partitionId).filter((p) => p % sorted.length === i);
          return { memberId: m.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.from(`rank-${i}`) }) };
        });
      },
    });
    const peer = kafka.consumer({ groupId: 'w-mixed-g', partitionAssigners: [peerAssigner], sessionTimeout: 6000, heartbeatInterval: 300 });
    const got = new Set<string>();
    let peerPartitions: number[] = [];
    peer.on(peer.events.GROUP_JOIN, (e) => void (peerPartitions = e.payload.memberAssignment['w-mixed'] ?? []));
    await peer.connect();
    await peer.subscribe({ topic: 'w-mixed', fromBeginning: true });
    await peer.run({ eachMessage: async ({ message }) => void got.add(message.value!.toString()) });
    await wire.connect();
    await wire.subscribe(['w-mixed']);
    for (let i = 0; i < 300 && (wire.assignment().length !== 1 || peerPartitions.length !== 1 || got.size < 20); i++) {
      for (const v of values(await wire.poll(500, 100))) got.add(v);
    }
    expect(got.size).toBe(20);
    expect([...wire.assignment().map((t) => t.partition), ...peerPartitions].sort()).toEqual([0, 1]);
    expect(new Set(seen)).toEqual(new Set(['wire', 'kafkajs']));
    expect(['rank-0', 'rank-1']).toContain(wireAssigned?.userData.toString());
    await peer.disconnect();
    await wire.disconnect();
  });

  it('pause keeps a partition out of poll until resume, buffered records included; seek re-reads from an offset', async () => {
    await admin.createTopics([{ topic: 'w-pause', numPartitions: 2, replicationFactor: 1 }]);
    await produce('w-pause', 20, 2);
    const c = member('w-pause-g', 'p');
    await c.connect();
    await c.subscribe(['w-pause']);
    const seen: string[] = [];
    const note = (bs: readonly FetchedBatch[]) => {
      for (const b of bs) for (const r of b.records) seen.push(`${b.partition}@${r.offset}`);
    };
    // One record only: the fetch that brought it buffered both partitions' records.
    for (let i = 0; i < 100 && seen.length === 0; i++) note(await c.poll(1, 100));
    expect(seen).toEqual(['0@0']);
    c.pause([{ topic: 'w-pause', partition: 1 }]);
    for (let i = 0; i < 10; i++) note(await c.poll(500, 50));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `0@${i}`));
    c.resume([{ topic: 'w-pause', partition: 1 }]);
    await pollUntil(c, () => seen.length >= 20, note);
    expect(seen.slice(10)).toEqual(Array.from({ length: 10 }, (_, i) => `1@${i}`));

    // seek with records buffered: the next records of the partition start at the offset sought
    c.seek({ topic: 'w-pause', partition: 0, offset: 0 });
    c.seek({ topic: 'w-pause', partition: 1, offset: 0 });
    seen.length = 0;
    for (let i = 0; i < 100 && seen.length === 0; i++) note(await c.poll(1, 100));
    c.seek({ topic: 'w-pause', partition: 0, offset: 7 });
    await pollUntil(c, () => seen.length >= 1 + 3 + 10, note);
    expect(seen.filter((x) => x.startsWith('0@'))).toEqual(['0@0', '0@7', '0@8', '0@9']);
    expect(seen.filter((x) => x.startsWith('1@'))).toEqual(Array.from({ length: 10 }, (_, i) => `1@${i}`));
    expect(() => c.seek({ topic: 'elsewhere', partition: 0, offset: 1 })).toThrow(/not owned/);
    await c.disconnect();
  });

  it('subscribes by pattern to the matching topics', async () => {
    await admin.createTopics([{ topic: 'w-pat-1', numPartitions: 1, replicationFactor: 1 }, { topic: 'w-pat-2', numPartitions: 1, replicationFactor: 1 }]);
    await produce('w-pat-1', 3, 1, 'one-');
    await produce('w-pat-2', 3, 1, 'two-');
    const c = member('w-pat-g', 'pat');
    await c.connect();
    await c.subscribe(/^w-pat-\d$/);
    const got: string[] = [];
    await pollUntil(c, () => got.length >= 6, (b) => got.push(...values(b)));
    expect(got.sort()).toEqual(['one-0', 'one-1', 'one-2', 'two-0', 'two-1', 'two-2']);
    await c.disconnect();
  });
});

describe('KafkaGroupConsumer and added partitions', () => {
  it('a member subscribed to a list of topics rejoins when partitions are added (Admin.createPartitions) and reads the new ones', async () => {
    await admin.createTopics([{ topic: 'w-grow-a', numPartitions: 1, replicationFactor: 1 }, { topic: 'w-grow-b', numPartitions: 1, replicationFactor: 1 }]);
    await produce('w-grow-a', 2, 1, 'a-old-');
    await produce('w-grow-b', 2, 1, 'b-old-');
    const assignments: string[][] = [];
    const c = member('w-grow-g', 'grow', { metadataMaxAgeMs: 200, onAssigned: async (a) => void assignments.push(a.partitions.map((tp) => `${tp.topic}-${tp.partition}`).sort()) });
    await c.connect();
    await c.subscribe(['w-grow-a', 'w-grow-b']);
    const got: string[] = [];
    await pollUntil(c, () => got.length >= 4, (b) => got.push(...values(b)));
    expect(got.sort()).toEqual(['a-old-0', 'a-old-1', 'b-old-0', 'b-old-1']);
    expect(assignments).toEqual([['w-grow-a-0', 'w-grow-b-0']]);
    // Committed, so the rebalance's re-read starts after what was consumed.
    await c.commitOffsets([{ topic: 'w-grow-a', partition: 0, offset: 2 }, { topic: 'w-grow-b', partition: 0, offset: 2 }]);

    await admin.createPartitions([{ topic: 'w-grow-a', count: 3 }]);
    expect(await admin.describeTopics(['w-grow-a'])).toEqual([{ topic: 'w-grow-a', partitions: 3 }]);
    // A producer that has not cached the topic's old metadata (ours keeps a cached count until it
    // refreshes; see docs/not-implemented.md).
    const late = new KafkaProducer(config);
    await late.connect();
    await late.send([1, 2].map((partition) => ({ topic: 'w-grow-a', partition, key: null, value: Buffer.from(`a-new-${partition}`), timestamp: 5000, headers: {} })));
    await late.disconnect();
    const fresh: string[] = [];
    await pollUntil(c, () => fresh.length >= 2, (b) => fresh.push(...values(b)));
    expect(fresh.sort()).toEqual(['a-new-1', 'a-new-2']);
    expect(assignments.at(-1)).toEqual(['w-grow-a-0', 'w-grow-a-1', 'w-grow-a-2', 'w-grow-b-0']);
    await c.disconnect();
  });

  it('Admin.createPartitions reports the broker\'s refusal, naming the topic', async () => {
    await admin.createTopics([{ topic: 'w-grow-c', numPartitions: 2, replicationFactor: 1 }]);
    await expect(admin.createPartitions([{ topic: 'w-grow-c', count: 1 }])).rejects.toThrow(/w-grow-c.*Topic currently has 2 partitions, which is higher than the requested 1\./s);
    await admin.createPartitions([{ topic: 'w-grow-c', count: 5 }], { validateOnly: true });
    expect(await admin.describeTopics(['w-grow-c'])).toEqual([{ topic: 'w-grow-c', partitions: 2 }]);
  });
});

describe('KafkaGroupConsumer without polling', () => {
  it('keeps its membership (heartbeats on their own timer) while the runtime does not poll and prefetching has stopped', async () => {
    await admin.createTopics([{ topic: 'w-bp', numPartitions: 1, replicationFactor: 1 }]);
    await produce('w-bp', 300, 1);
    let assignments = 0;
    const c = new KafkaGroupConsumer(
      config,
      { groupId: 'w-bp-g', assignor: rangeAssignor('bp'), sessionTimeoutMs: 1500, heartbeatIntervalMs: 200, onAssigned: async () => void assignments++ },
      { maxBufferedRecords: 10 },
    );
    await c.connect();
    await c.subscribe(['w-bp']);
    const seen: number[] = [];
    for (let i = 0; i < 50 && seen.length === 0; i++) for (const b of await c.poll(5, 100)) seen.push(...b.records.map((r) => r.offset));
    await new Promise((r) => setTimeout(r, 3500)); // over twice the session timeout without a poll
    for (let i = 0; i < 200 && seen.length < 300; i++) for (const b of await c.poll(50, 100)) seen.push(...b.records.map((r) => r.offset));
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(assignments).toBe(1);
    await c.disconnect();
  });
});

describe('KafkaGroupConsumer across a broker restart', () => {
  it('keeps polling: reconnects, rejoins and reads what was produced after the restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'wire-group-restart-'));
    let b = await startTestBroker({ dataDir });
    const port = b.port;
    const cfg: ClientConfig = { bootstrapServers: [b.bootstrap], clientId: 'restart-test', logLevel: 'nothing' };
    const p = new KafkaProducer(cfg);
    const c = new KafkaGroupConsumer(cfg, { groupId: 'restart-g', assignor: rangeAssignor('r'), sessionTimeoutMs: 3000, heartbeatIntervalMs: 200 });
    try {
      await p.connect();
      const adm = new KafkaAdmin(cfg);
      await adm.connect();
      await adm.createTopics([{ topic: 'w-restart', numPartitions: 1, replicationFactor: 1 }]);
      await adm.disconnect();
      await p.send(Array.from({ length: 10 }, (_, i) => ({ topic: 'w-restart', key: null, value: Buffer.from(`before${i}`), timestamp: i, headers: {} })));
      await c.connect();
      await c.subscribe(['w-restart']);
      const got: string[] = [];
      await pollUntil(c, () => got.length >= 10, (x) => got.push(...values(x)));
      await c.commitOffsets([{ topic: 'w-restart', partition: 0, offset: 10 }]);
      await b.stop();
      const polling = (async () => {
        for (let i = 0; i < 300 && got.length < 20; i++) {
          try {
            got.push(...values(await c.poll(500, 100)));
          } catch (e) {
            if ((e as { retriable?: boolean }).retriable !== true) throw e;
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 500));
      b = await startTestBroker({ dataDir, port });
      const p2 = new KafkaProducer(cfg);
      await p2.connect();
      await p2.send(Array.from({ length: 10 }, (_, i) => ({ topic: 'w-restart', key: null, value: Buffer.from(`after${i}`), timestamp: 100 + i, headers: {} })));
      await p2.disconnect();
      await polling;
      expect(got.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `before${i}`));
      expect(got.slice(10)).toEqual(Array.from({ length: 10 }, (_, i) => `after${i}`));
    } finally {
      await c.disconnect();
      await p.disconnect();
      await b.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
