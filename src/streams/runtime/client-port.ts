/*
 * The runtime's view of its collaborators: the few client calls, the assignor and the internal
 * topic setup the stream thread uses, gathered in one `RuntimeDeps` object. Production wiring
 * (runtime-deps.ts) fills it from src/client (client-factory.ts), the task assignor and
 * internal-topics.ts; unit tests fill it with in-memory fakes. Nothing here implements a client —
 * it only names what the runtime calls, so the thread's logic does not depend on which client runs
 * underneath.
 *
 * Contracts the runtime relies on:
 *  - Producer.send resolves with one metadata entry per record, in input order, once acknowledged.
 *  - GroupConsumer.poll returns records only of partitions currently assigned; beforeRevoke runs
 *    (and is awaited) before partitions move away — under the cooperative protocol with only the
 *    partitions that move, after SyncGroup; onAssigned runs (awaited) after a join with the
 *    partitions now owned and the assignor's userData for this member.
 *  - AssignedConsumer.assign([]) unassigns everything; poll after assign reads from the offsets given.
 */

import type { GlobalDeps } from './global/global-stream-thread.ts';
import type { Admin, AssignedConsumer, ConsumerGroupMetadata, FetchedBatch, ListOffsetsOptions, Producer, ProducerRecord, RecordMetadata, TopicPartition, TopicPartitionOffset } from '../../client/types.ts';

export type { TopicPartition, TopicPartitionOffset } from '../../client/types.ts';
export type PortBatch = Pick<FetchedBatch, 'topic' | 'partition' | 'records'>;
export type PortRecord = PortBatch['records'][number];
export type PortProducerRecord = ProducerRecord;
export type PortRecordMetadata = RecordMetadata;
/** The client objects as the runtime uses them (subsets of src/client/types.ts). */
export type PortProducer = Pick<Producer, 'connect' | 'send' | 'flush' | 'waitForRoom' | 'disconnect' | 'beginTransaction' | 'sendOffsetsToTransaction' | 'commitTransaction' | 'abortTransaction'>;
export interface PortAdmin extends Pick<Admin, 'connect' | 'deleteRecords' | 'disconnect'> {
  listOffsets(tps: readonly TopicPartition[], spec: 'earliest' | 'latest', options?: ListOffsetsOptions): ReturnType<Admin['listOffsets']>;
}
export interface PortAssignedConsumer extends Pick<AssignedConsumer, 'connect' | 'assign' | 'disconnect' | 'position'> {
  poll(maxRecords: number, timeoutMs: number): Promise<readonly PortBatch[]>;
}

/** What this member learns from a rebalance. */
export interface PortAssignment {
  /** Partitions now owned (the active tasks' inputs). */
  readonly partitions: readonly TopicPartition[];
  /** Decoded assignor data; undefined when the assignor sent none. */
  readonly activeTasks?: readonly string[];
  readonly standbyTasks?: readonly string[];
  /** "host:port" → partitions it owns (active) and follows (standby), from the assignor. */
  readonly hostMap?: ReadonlyMap<string, { active: readonly TopicPartition[]; standby: readonly TopicPartition[] }>;
  /** AssignorError code from the leader (assignor/assignor-error.ts); SHUTDOWN_REQUESTED: stop. */
  readonly errorCode?: number;
}

/** What the group member reports in its subscription (stickiness and warmth for the assignor). */
export interface PortSubscriptionInfo {
  readonly activeTasks: readonly string[];
  readonly standbyTasks: readonly string[];
  /** taskId → sum of its stores' changelog offsets (how warm the local state is). */
  readonly taskOffsets: ReadonlyMap<string, number>;
  /** AssignorError code to send; SHUTDOWN_REQUESTED asks every instance to stop. */
  readonly errorCode?: number;
}

export interface PortGroupConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  /** Static membership (KIP-345): the consumer's group.instance.id. */
  readonly groupInstanceId?: string | undefined;
  /** Called when the member (re)joins: what it owns now. */
  readonly subscriptionInfo: () => PortSubscriptionInfo;
  readonly beforeRevoke: (partitions: readonly TopicPartition[]) => Promise<void>;
  readonly onAssigned: (assignment: PortAssignment) => Promise<void>;
}

export interface PortGroupConsumer {
  connect(): Promise<void>;
  poll(maxRecords: number, timeoutMs: number): Promise<readonly PortBatch[]>;
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * True while a cooperative rebalance has the member's JoinGroup out (its generation is about to
   * change): the thread keeps processing but does not commit. Absent: never.
   */
  rebalanceInProgress?(): boolean;
  /** The group's committed offsets with their metadata strings (absent: tasks start without commit metadata). */
  committed?(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]>;
  /** The member's generation, for offsets committed in a transaction (exactly-once). */
  groupMetadata(): ConsumerGroupMetadata;
  disconnect(): Promise<void>;
}

/** A transactional producer for the stream thread (exactly_once_v2). */
export interface PortProducerOptions {
  readonly transactionalId?: string | undefined;
  /** The group whose offsets its transactions commit (the application id): ProducerOptions.offsetsGroupId. */
  readonly offsetsGroupId?: string | undefined;
}

/** Everything the stream thread needs from the outside world, created per connected session. */
export interface RuntimeDeps {
  producer(options?: PortProducerOptions): PortProducer;
  admin(): PortAdmin;
  assignedConsumer(): PortAssignedConsumer;
  groupConsumer(options: PortGroupConsumerOptions): PortGroupConsumer;
  /** Creates/validates the application's internal topics (repartition and changelog). */
  ensureInternalTopics(): Promise<void>;
  /** The global thread's clients (global/global-stream-thread.ts); needed when the topology has global stores. */
  global?(): GlobalDeps;
}
