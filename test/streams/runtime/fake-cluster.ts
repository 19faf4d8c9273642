/*
 * An in-memory stand-in for the broker and clients behind RuntimeDeps, for unit tests of the
 * runtime's own logic (commit procedure, restore, restart, corrupt state, broker outages) without
 * TCP. One group member at a time: connecting assigns every partition of the subscribed topics.
 * `down = true` makes every call fail as a refused connection would.
 */
import { partitionForKey } from '../../../src/util/murmur2.ts';
import type {
  PortAdmin,
  PortAssignment,
  PortAssignedConsumer,
  PortBatch,
  PortGroupConsumer,
  PortGroupConsumerOptions,
  PortProducer,
  PortRecord,
  RuntimeDeps,
  TopicPartition,
  TopicPartitionOffset,
} from '../../../src/streams/runtime/client-port.ts';
import type { Topology } from '../../../src/streams/topology/topology.ts';

interface Partition {
  start: number;
  records: PortRecord[];
}

export class FakeCluster {
  readonly topics = new Map<string, Partition[]>();
  readonly committed = new Map<string, number>();
  down = false;
  defaultPartitions = 1;
  /** Shapes the assignment the single member gets (default: every partition, no assignor data). */
  assignment: (partitions: TopicPartition[]) => PortAssignment = (partitions) => ({ partitions });
  /** While set, the producers' send buffer is full: waitForRoom() returns it (counted in roomChecks). */
  room: Promise<void> | undefined;
  roomChecks = 0;
  /** Records every group-consumer call, for ordering assertions. */
  readonly events: string[] = [];

  createTopic(name: string, partitions: number): void {
    if (!this.topics.has(name)) this.topics.set(name, Array.from({ length: partitions }, () => ({ start: 0, records: [] })));
  }

  partitionsOf(topic: string): Partition[] {
    let t = this.topics.get(topic);
    if (t === undefined) {
      this.createTopic(topic, this.defaultPartitions);
      t = this.topics.get(topic)!;
    }
    return t;
  }

  append(topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Readonly<Record<string, Buffer>> = {}): { partition: number; offset: number } {
    const parts = this.partitionsOf(topic);
    const p = partition ?? (key === null ? 0 : partitionForKey(key, parts.length));
    const part = parts[p]!;
    const offset = part.start + part.records.length;
    part.records.push({ topic, partition: p, offset, timestamp, key, value, headers });
    return { partition: p, offset };
  }

  /** Every live record of a topic, all partitions. */
  read(topic: string): PortRecord[] {
    return (this.topics.get(topic) ?? []).flatMap((p) => p.records);
  }

  #check(): void {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' });
  }

  #fetch(positions: Map<string, number>, max: number): PortBatch[] {
    const out: PortBatch[] = [];
    let budget = max;
    for (const [k, pos] of positions) {
      if (budget <= 0) break;
      const [topic, ps] = k.split('\u0000') as [string, string];
      const part = this.partitionsOf(topic)[Number(ps)];
      if (part === undefined) continue;
      const from = Math.max(pos, part.start);
      const records = part.records.slice(from - part.start, from - part.start + budget);
      if (records.length === 0) continue;
      budget -= records.length;
      positions.set(k, records[records.length - 1]!.offset + 1);
      out.push({ topic, partition: Number(ps), records });
    }
    return out;
  }

  deps(topology: Topology, applicationId: string): RuntimeDeps {
    const cluster = this;
    const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 5)));
    return {
      producer(): PortProducer {
        return {
          connect: async () => cluster.#check(),
          send: async (records) => {
            cluster.#check();
            return records.map((r) => ({ topic: r.topic, ...cluster.append(r.topic, r.partition, r.key, r.value, r.timestamp, r.headers) }));
          },
          flush: async () => cluster.#check(),
          waitForRoom: () => {
            if (cluster.room !== undefined) cluster.roomChecks++;
            return cluster.room;
          },
          disconnect: async () => {},
          // The fake models no transactions: an exactly_once_v2 test must use a real broker.
          beginTransaction: () => {
            throw new Error('FakeCluster does not model transactions');
          },
          sendOffsetsToTransaction: async () => {
            throw new Error('FakeCluster does not model transactions');
          },
          commitTransaction: async () => {
            throw new Error('FakeCluster does not model transactions');
          },
          abortTransaction: async () => {
            throw new Error('FakeCluster does not model transactions');
          },
        };
      },
      admin(): PortAdmin {
        return {
          connect: async () => cluster.#check(),
          listOffsets: async (tps, spec) => {
            cluster.#check();
            return tps.map((tp) => {
              const part = cluster.partitionsOf(tp.topic)[tp.partition]!;
              return { ...tp, offset: spec === 'earliest' ? part.start : part.start + part.records.length };
            });
          },
          deleteRecords: async (before) => {
            cluster.#check();
            for (const b of before) {
              const part = cluster.partitionsOf(b.topic)[b.partition]!;
              const drop = Math.max(0, Math.min(b.offset, part.start + part.records.length) - part.start);
              part.records.splice(0, drop);
              part.start += drop;
            }
          },
          disconnect: async () => {},
        };
      },
      assignedConsumer(): PortAssignedConsumer {
        const positions = new Map<string, number>();
        return {
          connect: async () => cluster.#check(),
          assign: async (tps) => {
            positions.clear();
            for (const tp of tps) positions.set(`${tp.topic}\u0000${tp.partition}`, tp.offset ?? cluster.partitionsOf(tp.topic)[tp.partition]!.start);
          },
          poll: async (max, timeoutMs) => {
            cluster.#check();
            const out = cluster.#fetch(positions, max);
            if (out.length === 0) await wait(timeoutMs);
            return out;
          },
          // As the real consumer: an unassigned partition is a caller's bug, not "no position".
          position: (tp) => {
            const at = positions.get(`${tp.topic}\u0000${tp.partition}`);
            if (at === undefined) throw new Error(`position of unassigned ${tp.topic}-${tp.partition}`);
            return at;
          },
          disconnect: async () => {},
        };
      },
      groupConsumer(options: PortGroupConsumerOptions): PortGroupConsumer {
        const positions = new Map<string, number>();
        return {
          connect: async () => {
            cluster.#check();
            const partitions = options.topics.flatMap((topic) => cluster.partitionsOf(topic).map((_, partition) => ({ topic, partition })));
            const assignment = cluster.assignment(partitions);
            for (const tp of assignment.partitions) {
              const k = `${tp.topic}\u0000${tp.partition}`;
              positions.set(k, cluster.committed.get(`${options.groupId}\u0000${k}`) ?? 0);
            }
            cluster.events.push('assigned');
            await options.onAssigned(assignment);
          },
          poll: async (max, timeoutMs) => {
            cluster.#check();
            const out = cluster.#fetch(positions, max);
            if (out.length === 0) await wait(timeoutMs);
            return out;
          },
          commitOffsets: async (offsets: readonly TopicPartitionOffset[]) => {
            cluster.#check();
            cluster.events.push(`commit ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',')}`);
            for (const o of offsets) cluster.committed.set(`${options.groupId}\u0000${o.topic}\u0000${o.partition}`, o.offset);
          },
          groupMetadata: () => ({ groupId: options.groupId, generationId: 1, memberId: 'fake-member', groupInstanceId: null }),
          disconnect: async () => {
            cluster.events.push('left');
          },
        };
      },
      async ensureInternalTopics() {
        cluster.#check();
        const subs = topology.subtopologies();
        const count = (t: string) => cluster.partitionsOf(t).length;
        for (const sub of subs) {
          const external = sub.sourceTopics.filter((t) => !topology.isInternalTopic(t));
          const n = Math.max(1, ...external.map(count));
          for (const s of sub.sinkTopics) if (topology.isInternalTopic(s)) cluster.createTopic(topology.resolveTopic(s, applicationId), n);
        }
        for (const sub of subs) {
          const n = Math.max(1, ...sub.sourceTopics.map((t) => count(topology.resolveTopic(t, applicationId))));
          for (const store of sub.changelogTopics.keys()) cluster.createTopic(`${applicationId}-${store}-changelog`, n);
        }
      },
    };
  }
}
