/*
 * Bridges our GroupAssignor (types.ts) to kafkajs' PartitionAssigner, and gives the group consumer
 * the hooks kafkajs does not have.
 *
 * Why a bridge: kafkajs calls `protocol()` when it builds JoinGroup and `assign()` on the leader,
 * but has no callback before revocation, drops the userData of the member's own assignment, and
 * does not expose its group coordinator. The assigner factory is the one place kafkajs hands us its
 * `cluster` object (one per kafkajs client, i.e. per group consumer), so the bridge wraps that
 * cluster's `findGroupCoordinator` and, on the coordinator broker object it returns (an instance
 * of this client only), `joinGroup` and `syncGroup`:
 *
 *   joinGroup(args)  1 await hooks.beforeJoin()  — the consumer clears its buffer and awaits the
 *                      runtime's beforeRevoke (flush, commit) while the member still holds its
 *                      old generation: the coordinator cannot finish the rebalance (and hand our
 *                      partitions to anyone) until this member's JoinGroup arrives
 *                    2 recompute our protocol metadata (userData is fresh after the flush)
 *                    3 send the JoinGroup
 *   syncGroup(args)  send, then hooks.afterSync({generationId, memberId, assignment, userData})
 *                    with the decoded MemberAssignment, userData included
 *
 * The coordinator broker object is also what the consumer commits through (commitOffsets), with
 * the generation captured in afterSync, so commits inside beforeRevoke use the old generation and
 * errors come back to the caller instead of kafkajs' silent "not running" skip.
 */
import { AssignerProtocol, type Broker, type Cluster, type GroupMember, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';
import type { GroupAssignor, MemberAssignment, TopicPartition } from '../types.ts';

export interface SyncResult {
  readonly generationId: number;
  readonly memberId: string;
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer;
}

export interface BridgeHooks {
  beforeJoin(): Promise<void>;
  afterSync(result: SyncResult): void;
  /** The coordinator broker, each time kafkajs looks it up. */
  coordinator(broker: Broker): void;
}

const PATCHED = Symbol('tributary.patched');

type JoinArgs = { groupProtocols: { name: string; metadata: Buffer }[] } & Record<string, unknown>;
type SyncArgs = { generationId: number; memberId: string } & Record<string, unknown>;

interface PatchableBroker {
  [PATCHED]?: true;
  joinGroup(args: JoinArgs): Promise<unknown>;
  syncGroup(args: SyncArgs): Promise<{ memberAssignment: Buffer }>;
}

function encodeSubscription(assignor: GroupAssignor, topics: readonly string[]): Buffer {
  return AssignerProtocol.MemberMetadata.encode({ version: assignor.version, topics: [...topics], userData: assignor.userData() });
}

function patchBroker(broker: Broker, assignor: GroupAssignor, hooks: BridgeHooks): void {
  const b = broker as unknown as PatchableBroker;
  if (b[PATCHED]) return;
  b[PATCHED] = true;
  const join = b.joinGroup.bind(b);
  const sync = b.syncGroup.bind(b);
  b.joinGroup = async (args: JoinArgs) => {
    await hooks.beforeJoin();
    const groupProtocols = args.groupProtocols.map((p) => {
      if (p.name !== assignor.name) return p;
      const topics = AssignerProtocol.MemberMetadata.decode(p.metadata)?.topics ?? [];
      return { name: p.name, metadata: encodeSubscription(assignor, topics) };
    });
    return join({ ...args, groupProtocols });
  };
  b.syncGroup = async (args: SyncArgs) => {
    const response = await sync(args);
    const decoded = AssignerProtocol.MemberAssignment.decode(response.memberAssignment);
    const partitions: TopicPartition[] = [];
    for (const [topic, list] of Object.entries(decoded?.assignment ?? {})) {
      for (const partition of list) partitions.push({ topic, partition });
    }
    hooks.afterSync({ generationId: args.generationId, memberId: args.memberId, partitions, userData: decoded?.userData ?? Buffer.alloc(0) });
    return response;
  };
}

/** A kafkajs PartitionAssigner running `assignor`, with the join/sync hooks described above. */
export function bridgeAssignor(assignor: GroupAssignor, hooks: BridgeHooks): PartitionAssigner {
  return ({ cluster }: { cluster: Cluster }) => {
    const c = cluster as Cluster & { [PATCHED]?: true };
    if (!c[PATCHED]) {
      c[PATCHED] = true;
      const find = c.findGroupCoordinator.bind(c);
      c.findGroupCoordinator = async (group) => {
        const broker = await find(group);
        patchBroker(broker, assignor, hooks);
        hooks.coordinator(broker);
        return broker;
      };
    }
    return {
      name: assignor.name,
      version: assignor.version,
      protocol: ({ topics }: { topics: string[] }) => ({ name: assignor.name, metadata: encodeSubscription(assignor, topics) }),
      assign: async ({ members }: { members: GroupMember[]; topics: string[] }): Promise<GroupMemberAssignment[]> => {
        const decoded = members.map((m) => {
          const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
          return { memberId: m.memberId, userData: meta?.userData ?? Buffer.alloc(0), topics: meta?.topics ?? [] };
        });
        const allTopics = new Set(decoded.flatMap((m) => m.topics));
        await cluster.addMultipleTargetTopics([...allTopics]);
        const topicPartitions = new Map<string, number>();
        for (const t of allTopics) {
          const meta = cluster.findTopicPartitionMetadata(t);
          if (meta.length > 0) topicPartitions.set(t, meta.length);
        }
        const result: ReadonlyMap<string, MemberAssignment> = await assignor.assign({ members: decoded, topicPartitions });
        return decoded.map((m) => {
          const a = result.get(m.memberId);
          const assignment: Record<string, number[]> = {};
          for (const [topic, parts] of a?.partitions ?? []) if (parts.length > 0) assignment[topic] = [...parts];
          return {
            memberId: m.memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: assignor.version, assignment, userData: a?.userData ?? Buffer.alloc(0) }),
          };
        });
      },
    };
  };
}
