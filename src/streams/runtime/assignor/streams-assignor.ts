/*
 * The streams group assignor ("tributary-streams"): a GroupAssignor (src/client/types.ts) that
 * assigns tasks, not partitions — Kafka Streams' StreamsPartitionAssignor in spirit.
 *
 * Member side (every join): userData() encodes this member's SubscriptionInfo — process id,
 * application server, the tasks it runs and keeps as standby, and per task how far its local state
 * is restored (assignment-codec.ts).
 *
 * Leader side, assign():
 *   1 decode every member's subscription (a member whose metadata cannot be read counts as an
 *     empty, state-less member of its own process, and the problem is logged)
 *   1b a member asks for SHUTDOWN_APPLICATION (errorCode SHUTDOWN_REQUESTED, KIP-671): every
 *     member gets no partitions and errorCode SHUTDOWN_REQUESTED, and stops; nothing else runs
 *   2 tasks = computeTasks(topology, topic partition counts)  (task-topics.ts)
 *   3 optionally ask for the changelog end offsets (lag = end − member's offset)
 *   4 assignTasks (assign-tasks.ts): sticky, warm-preferring, balanced, standbys, and warmups
 *     (KIP-441: delivered as standby tasks; when any is placed every member's assignment asks
 *     for a probing rebalance)
 *   4b cooperative (KIP-429): a task whose input partitions another member still owns is held
 *     back one rebalance (cooperative-handoff.ts); its owner revokes it and rejoins
 *   5 each member gets the input partitions of its active tasks, and userData = its active and
 *     standby tasks plus the host map (application server → partitions) for interactive queries
 */
import { RebalanceProtocol, type AssignInput, type GroupAssignor, type MemberAssignment, type TopicPartition, type TopicPartitionOffset } from '../../../client/types.ts';
import type { Topology } from '../../topology/topology.ts';
import { assignTasks, compareTaskIdStrings, type AssignTasksMember } from './assign-tasks.ts';
import { decodeSubscription, encodeAssignment, encodeSubscription, type HostPartitions, type SubscriptionInfo } from './assignment-codec.ts';
import { AssignorError } from './assignor-error.ts';
import { holdBackMovingTasks } from './cooperative-handoff.ts';
import { computeTasks } from './task-topics.ts';
import { processLogger } from '../../../logging/logger.ts';

export const STREAMS_ASSIGNOR_NAME = 'tributary-streams';

export interface LocalTaskState {
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  /** taskId → sum of its stores' changelog offsets, for every task with state on local disk. */
  readonly taskOffsets: ReadonlyMap<string, number>;
  /** AssignorError code to send (SHUTDOWN_REQUESTED to stop the application); default NONE. */
  readonly errorCode?: number | undefined;
}

export interface StreamsAssignorOptions {
  readonly topology: Topology;
  readonly applicationId: string;
  /** Stable id of this instance (e.g. kept in the state directory); members of one process share it. */
  readonly processId: string;
  /** "host:port" for interactive queries, or null. */
  readonly applicationServer: string | null;
  readonly numStandbyReplicas: number;
  readonly acceptableRecoveryLag: number;
  /** KIP-441 max.warmup.replicas; 0 or absent: no warmups. */
  readonly maxWarmupReplicas?: number | undefined;
  /** Offer the COOPERATIVE protocol (KIP-429); false: eager only. Default true. */
  readonly cooperative?: boolean | undefined;
  /** What this member holds now; called at every (re)join. */
  readonly localState: () => LocalTaskState;
  /** Changelog end offsets, to measure lag exactly (the leader calls it); optional. */
  readonly changelogEndOffsets?: ((tps: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>) | undefined;
  readonly warn?: ((message: string) => void) | undefined;
}

export function createStreamsAssignor(options: StreamsAssignorOptions): GroupAssignor {
  const warn = options.warn ?? ((m: string) => processLogger.warn(m, { component: 'assignor' }));
  return {
    name: STREAMS_ASSIGNOR_NAME,
    version: 1,
    supportedProtocols: options.cooperative === false ? [RebalanceProtocol.EAGER] : [RebalanceProtocol.EAGER, RebalanceProtocol.COOPERATIVE],
    userData(): Buffer {
      const local = options.localState();
      return encodeSubscription({
        processId: options.processId,
        applicationServer: options.applicationServer,
        activeTasks: local.activeTasks,
        standbyTasks: local.standbyTasks,
        taskOffsets: local.taskOffsets,
        errorCode: local.errorCode,
      });
    },
    async assign(input: AssignInput): Promise<ReadonlyMap<string, MemberAssignment>> {
      // 1 subscriptions
      const subs = new Map<string, SubscriptionInfo>();
      for (const m of input.members) {
        try {
          subs.set(m.memberId, decodeSubscription(m.userData));
        } catch (e) {
          warn(`group ${options.applicationId}: member ${m.memberId} sent unreadable metadata (${(e as Error).message}); assigning it as a member without state`);
          subs.set(m.memberId, { processId: m.memberId, applicationServer: null, activeTasks: [], standbyTasks: [], taskOffsets: new Map() });
        }
      }
      // 1b shutdown requested
      const requester = input.members.find((m) => subs.get(m.memberId)!.errorCode === AssignorError.SHUTDOWN_REQUESTED);
      if (requester !== undefined) {
        warn(`group ${options.applicationId}: member ${requester.memberId} requested the shutdown of the application; every instance stops`);
        const userData = encodeAssignment({ activeTasks: [], standbyTasks: [], hostMap: new Map(), errorCode: AssignorError.SHUTDOWN_REQUESTED });
        return new Map(input.members.map((m) => [m.memberId, { partitions: new Map(), userData }]));
      }
      // 2 tasks
      const topo = computeTasks(options.topology, options.applicationId, input.topicPartitions);
      const taskIds = [...topo.tasks.keys()].sort(compareTaskIdStrings);
      // 3 end offsets
      let taskEndOffsets: Map<string, number> | undefined;
      if (options.changelogEndOffsets !== undefined) {
        const tps = [...topo.changelogPartitions.values()].flat();
        if (tps.length > 0) {
          try {
            const ends = new Map((await options.changelogEndOffsets(tps)).map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]));
            taskEndOffsets = new Map();
            for (const [task, list] of topo.changelogPartitions) {
              if (list.length === 0) continue;
              let sum = 0;
              for (const tp of list) sum += ends.get(`${tp.topic}\u0000${tp.partition}`) ?? 0;
              taskEndOffsets.set(task, sum);
            }
          } catch (e) {
            warn(`group ${options.applicationId}: could not read changelog end offsets (${(e as Error).message}); estimating lag from the members' reports`);
          }
        }
      }
      // 4 assign
      const members: AssignTasksMember[] = input.members.map((m) => {
        const s = subs.get(m.memberId)!;
        return { memberId: m.memberId, processId: s.processId, previousActive: s.activeTasks, previousStandby: s.standbyTasks, taskOffsets: s.taskOffsets };
      });
      const result = assignTasks({
        tasks: taskIds,
        members,
        numStandbyReplicas: options.numStandbyReplicas,
        acceptableRecoveryLag: options.acceptableRecoveryLag,
        statefulTasks: topo.statefulTasks,
        taskEndOffsets,
        maxWarmupReplicas: options.maxWarmupReplicas,
      });
      const probingRebalance = [...result.values()].some((t) => (t.warmup ?? []).length > 0);
      // 4b cooperative hand-off
      const inputsOf = (tasks: readonly string[]): TopicPartition[] => tasks.flatMap((t) => [...(topo.tasks.get(t) ?? [])]);
      holdBackMovingTasks(result, new Map(input.members.map((m) => [m.memberId, m.ownedPartitions ?? []])), (t) => inputsOf([t]));
      // 5 partitions, host map, userData
      const hostMap = new Map<string, HostPartitions>();
      for (const m of input.members) {
        const server = subs.get(m.memberId)!.applicationServer;
        const tasks = result.get(m.memberId)!;
        if (server === null) continue;
        const prev = hostMap.get(server);
        hostMap.set(server, {
          active: [...(prev?.active ?? []), ...inputsOf(tasks.active)],
          standby: [...(prev?.standby ?? []), ...inputsOf(tasks.standby)],
        });
      }
      const out = new Map<string, MemberAssignment>();
      for (const m of input.members) {
        const tasks = result.get(m.memberId)!;
        const partitions = new Map<string, number[]>();
        for (const tp of inputsOf(tasks.active)) {
          let list = partitions.get(tp.topic);
          if (list === undefined) partitions.set(tp.topic, (list = []));
          list.push(tp.partition);
        }
        for (const list of partitions.values()) list.sort((a, b) => a - b);
        const standbyTasks = [...tasks.standby, ...(tasks.warmup ?? [])].sort(compareTaskIdStrings);
        out.set(m.memberId, { partitions, userData: encodeAssignment({ activeTasks: tasks.active, standbyTasks, hostMap, probingRebalance }) });
      }
      return out;
    },
  };
}
