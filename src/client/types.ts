/*
 * The client's one vocabulary: what the streams runtime, the CLI and the benchmarks see of the
 * Kafka client (src/client), through one factory (client-factory.ts) — a producer, a group
 * consumer with a pluggable assignor and rebalance hooks, an assign-only consumer (CLI consume,
 * changelog restore, standbys) and an admin (admin-types.ts). Every implementation detail
 * (connections, metadata, the protocol codec) stays behind these interfaces.
 *
 * Conventions shared by every interface:
 *  - Offsets and timestamps are JS numbers (safe up to 2^53; Kafka offsets stay far below).
 *  - Headers are a plain object of Buffers (one value per key; a record with a repeated header key
 *    keeps the last value).
 *  - Every object must be connect()ed before use and disconnect()ed after; disconnect() is
 *    idempotent and never throws for "already disconnected".
 *  - Errors are KafkaClientError (src/client/errors.ts) with `retriable` set, naming the
 *    topic/partition involved.
 *
 * Rebalance contract of GroupConsumer, EAGER protocol (Kafka's classic assignment):
 *   1 the group starts rebalancing (a member joined/left, a topic changed)
 *   2 beforeRevoke(owned partitions) is awaited — the runtime flushes state and commits offsets;
 *     commitOffsets() still works inside it (the member still holds its generation)
 *   3 the member rejoins; the leader's assignor runs assign() over all members' userData
 *   4 onAssigned({ partitions, added, userData }) is awaited before poll() returns any record of
 *     the new generation; poll() never returns records of partitions no longer owned.
 * COOPERATIVE protocol (KIP-429; every configured assignor supports it):
 *   1 as above; the member keeps fetching, and poll() keeps returning, its owned partitions
 *   2 it rejoins with ownedPartitions; commitOffsets() fails retriably (REBALANCE_IN_PROGRESS)
 *     until SyncGroup completes, since the generation is about to change
 *   3 SyncGroup: revoked = owned − assigned. If any: fetching them stops, beforeRevoke(revoked) is
 *     awaited (commits go out with the NEW generation), and the member rejoins at once so the
 *     revoked partitions can be given to their new owner in that follow-up rebalance
 *   4 onAssigned({ partitions: all owned now, added: only the new ones }) as above.
 *   A member that lost its generation (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, fenced) revokes
 *   everything before rejoining, as under eager (Kafka's onPartitionsLost).
 */
import type { Admin } from './admin-types.ts';

// The Admin part of the vocabulary lives in admin-types.ts (this file would pass 400 lines).
export type * from './admin-types.ts';

import type { ClientSecurity } from './security.ts';
import type { LoggerLike } from '../logging/logger.ts';
import type { MetricRegistry } from '../metrics/metric-registry.ts';

export type LogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface ClientConfig {
  /** "host:port" of one or more brokers. */
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  /** Default 'warn'. */
  readonly logLevel?: LogLevel | undefined;
  /** Where the client logs (src/logging/logger.ts); default stderr (TRIBUTARY_LOG_LEVEL). */
  readonly logger?: LoggerLike | undefined;
  /** Connection timeout per broker, default 3000 ms. */
  readonly connectionTimeoutMs?: number | undefined;
  /** Per-request timeout, default 30000 ms. */
  readonly requestTimeoutMs?: number | undefined;
  /** TLS and SASL (./security.ts); absent = PLAINTEXT. */
  readonly security?: ClientSecurity | undefined;
  /**
   * Where the clients register their metrics (producer-metrics, consumer-fetch-manager-metrics,
   * consumer-coordinator-metrics; docs/metrics.md); default a private registry per client.
   */
  readonly metrics?: MetricRegistry | undefined;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A map key for a topic-partition (NUL cannot occur in a topic name). */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** topic → partitions, in first-seen order (requests are per topic). */
export function partitionsByTopic(tps: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const tp of tps) {
    let list = out.get(tp.topic);
    if (list === undefined) out.set(tp.topic, (list = []));
    list.push(tp.partition);
  }
  return out;
}

export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
  /** The metadata string committed with the offset (OffsetCommit / TxnOffsetCommit); absent = none. */
  readonly metadata?: string | undefined;
}

export type RecordHeaders = Readonly<Record<string, Buffer>>;

// ---------------------------------------------------------------------------------------------
// Producer

export interface ProducerRecord {
  readonly topic: string;
  /** Explicit partition; when absent, murmur2(key) % partitions, or a sticky partition per topic for null keys. */
  readonly partition?: number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch milliseconds (CreateTime). */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** Offset the broker gave the record; -1 with acks=0. */
  readonly offset: number;
}

export interface ProducerOptions {
  /** Idempotent producer (InitProducerId, sequence numbers); forces acks=-1. Default false. */
  readonly idempotent?: boolean | undefined;
  /**
   * Makes the producer transactional (implies idempotent): records are sent between
   * beginTransaction() and commitTransaction()/abortTransaction(), and connect() fences any older
   * producer with the same id (its open transaction is aborted). Unique per producer instance
   * that must not run concurrently (Kafka's transactional.id).
   */
  readonly transactionalId?: string | undefined;
  /** How long the coordinator lets a transaction stay open before aborting it. Default 60000 ms. */
  readonly transactionTimeoutMs?: number | undefined;
  /**
   * The consumer group whose offsets the transactions will commit (sendOffsetsToTransaction):
   * its offsets partition then joins every transaction at the start, even the first, so a
   * transaction aborted on the broker behind the producer can never commit offsets (see
   * "Offsets first" in producer/transactions.ts). Without it, a transaction starts with the group
   * of the previous sendOffsetsToTransaction, if any.
   */
  readonly offsetsGroupId?: string | undefined;
  /** -1 (all, default), 1 or 0. */
  readonly acks?: -1 | 0 | 1 | undefined;
  /** Compression of produced batches. Default 'none'. */
  readonly compression?: 'none' | 'gzip' | undefined;
  /** Largest number of records one Produce request carries before it is cut. Default 2000 (kafkajs encodes larger requests more slowly per record). */
  readonly maxBatchRecords?: number | undefined;
  /**
   * Largest estimated payload of one Produce request (keys, values, headers) before it is cut.
   * Default 900 KiB, below Kafka's default max.message.bytes (1 MiB) for a partition's batch.
   */
  readonly maxRequestBytes?: number | undefined;
  /**
   * How long a send waits for an unknown topic to appear, or for room in the send buffer, before
   * it fails (Kafka's max.block.ms). Default 60000 ms.
   */
  readonly maxBlockMs?: number | undefined;
  /**
   * Bytes of records sent and not yet acknowledged the producer holds at most (Kafka's
   * buffer.memory, estimated record sizes). Beyond it records wait, for at most maxBlockMs, and a
   * record larger than all of it fails with RECORD_TOO_LARGE. Default 33554432 (32 MiB).
   */
  readonly bufferMemory?: number | undefined;
}

export interface Producer {
  connect(): Promise<void>;
  /**
   * Sends records; resolves once all of them are acknowledged, with one metadata entry per record
   * in input order. Calls issued in the same tick are sent together (one request per broker).
   * Records of one partition keep their order across calls.
   */
  send(records: readonly ProducerRecord[]): Promise<readonly RecordMetadata[]>;
  /** Resolves when every record passed to send() before this call is acknowledged (or failed). */
  flush(): Promise<void>;
  /**
   * Undefined while the send buffer (bufferMemory) has room for every record sent so far; else a
   * promise that settles once it has. A caller that must not outrun the broker waits on it before
   * producing more, as Kafka's send() blocks at buffer.memory. Absent: no bound.
   */
  waitForRoom?(): Promise<void> | undefined;
  disconnect(): Promise<void>;
  /**
   * Transactions (a producer created with `transactionalId`; the others throw INVALID_TXN_STATE).
   * A failed send or call makes the transaction abortable: commit then throws that error and only
   * abort is allowed. An error whose kafkaType is PRODUCER_FENCED or INVALID_PRODUCER_EPOCH means a
   * newer producer with the same id exists: this one can only be disconnected.
   */
  beginTransaction(): void;
  /** Commits consumed offsets as part of the open transaction (KIP-447: the group's generation fences zombies). */
  sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: ConsumerGroupMetadata): Promise<void>;
  /** Flushes, then commits: the transaction's records and offsets become visible together. */
  commitTransaction(): Promise<void>;
  /** Waits for the records in flight, then aborts: read_committed consumers never see them. */
  abortTransaction(): Promise<void>;
}

/** What a transactional producer needs of the consumer whose offsets it commits (Java's ConsumerGroupMetadata). */
export interface ConsumerGroupMetadata {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

// ---------------------------------------------------------------------------------------------
// Consuming

/**
 * A consumed record, as the fetch decoder builds it once and the stream thread queues it (no
 * per-record copy between them).
 */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeaders;
}

/** Records of one partition, in offset order. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** The partition's high watermark at fetch time (end offset); -1 when unknown. */
  readonly highWatermark: number;
}

/** Fetch pacing shared by both consumers. */
export interface FetchOptions {
  /** How long the broker may hold an empty fetch. Default 100 ms. */
  readonly maxWaitMs?: number | undefined;
  /** Per-partition bytes per fetch. Default 1 MiB. */
  readonly maxBytesPerPartition?: number | undefined;
  /** Bytes per fetch response. Default 10 MiB. */
  readonly maxBytes?: number | undefined;
}

/** Where a partition with no committed offset (or an out-of-range position) starts. */
export type OffsetReset = 'earliest' | 'latest';

// ---------------------------------------------------------------------------------------------
// Group consumer and its assignor

export interface AssignorMember {
  readonly memberId: string;
  /** The member's subscription metadata, produced by its own assignor's userData(). */
  readonly userData: Buffer;
  /** Topics the member subscribed to. */
  readonly topics: readonly string[];
  /**
   * Partitions the member owns now (ConsumerProtocolSubscription v1+, KIP-429): sent by members
   * on the COOPERATIVE protocol, which keep them through the rebalance. Empty for eager members.
   */
  readonly ownedPartitions?: readonly TopicPartition[] | undefined;
  /** The generation in which it owned them (Subscription v2+ or the assignor's userData); -1 unknown. */
  readonly generation?: number | undefined;
}

export interface MemberAssignment {
  /** topic → partitions assigned to the member. */
  readonly partitions: ReadonlyMap<string, readonly number[]>;
  /** Opaque data for the member (the streams assignor: its tasks and the host map). */
  readonly userData: Buffer;
}

export interface AssignInput {
  readonly members: readonly AssignorMember[];
  /** Partition count of every subscribed topic that exists (topic → count). */
  readonly topicPartitions: ReadonlyMap<string, number>;
}

/**
 * Kafka's ConsumerPartitionAssignor.RebalanceProtocol (KIP-429). EAGER: every member revokes
 * everything before it rejoins. COOPERATIVE: members keep their partitions through the rebalance,
 * revoke only what the new assignment takes away, and then rejoin once more so it can be given out.
 */
export const RebalanceProtocol = { EAGER: 'EAGER', COOPERATIVE: 'COOPERATIVE' } as const;
export type RebalanceProtocol = (typeof RebalanceProtocol)[keyof typeof RebalanceProtocol];

/**
 * A group assignor, run by the group leader. Every member must use an assignor of the same name
 * (the group coordinator picks the common protocol). assign() must return an entry for every member.
 * A COOPERATIVE assignor must never give a partition to a member while another member still owns
 * it (ownedPartitions): it leaves it unassigned, the owner revokes it and the follow-up rebalance
 * gives it out.
 */
export interface GroupAssignor {
  readonly name: string;
  readonly version: number;
  /** Protocols it supports, preferred last (Kafka's supportedProtocols()). Default [EAGER]. */
  readonly supportedProtocols?: readonly RebalanceProtocol[] | undefined;
  /** Subscription metadata of this member, computed at each (re)join. */
  userData(): Buffer;
  assign(input: AssignInput): Promise<ReadonlyMap<string, MemberAssignment>> | ReadonlyMap<string, MemberAssignment>;
  /** Told this member's new assignment after each SyncGroup (Kafka's onAssignment). */
  onAssignment?(partitions: readonly TopicPartition[], generationId: number): void;
}

/** What this member received from a rebalance. */
export interface Assignment {
  /** Every partition the member owns now. */
  readonly partitions: readonly TopicPartition[];
  /**
   * The partitions new to the member in this rebalance (Kafka's onPartitionsAssigned argument
   * under the cooperative protocol); under eager, every partition.
   */
  readonly added: readonly TopicPartition[];
  readonly userData: Buffer;
  readonly generationId: number;
  readonly memberId: string;
}

export interface GroupConsumerOptions extends FetchOptions {
  readonly groupId: string;
  /**
   * The assignor, or Kafka's partition.assignment.strategy list (most preferred first): JoinGroup
   * offers them all and the coordinator picks the first every member supports. The member's
   * rebalance protocol is the highest one EVERY listed assignor supports (as Kafka's
   * ConsumerCoordinator): list only cooperative assignors to rebalance cooperatively; listing an
   * eager one beside them is the first step of Kafka's two-roll upgrade from eager.
   */
  readonly assignor: GroupAssignor | readonly GroupAssignor[];
  /** Default 10000 ms. */
  readonly sessionTimeoutMs?: number | undefined;
  /** Default 3000 ms. */
  readonly heartbeatIntervalMs?: number | undefined;
  /** Default 60000 ms. */
  readonly rebalanceTimeoutMs?: number | undefined;
  /**
   * Static membership (KIP-345, Kafka's group.instance.id): a member that restarts with the same
   * id within sessionTimeoutMs takes its old place and assignment without a rebalance. It does
   * not send LeaveGroup when it disconnects (the session timeout ends its membership), and an
   * older incarnation still running is fenced (FENCED_INSTANCE_ID, fatal). Needs JoinGroup v5+.
   */
  readonly groupInstanceId?: string | undefined;
  /** Default 'earliest'. */
  readonly offsetReset?: OffsetReset | undefined;
  /** How often a RegExp subscription re-reads the topic list (Kafka's metadata.max.age.ms). Default 30000 ms. */
  readonly metadataMaxAgeMs?: number | undefined;
  /**
   * Awaited before partitions move away. EAGER: before every rejoin, with every owned partition.
   * COOPERATIVE: after SyncGroup, with only the partitions the new assignment took away (the
   * member then rejoins at once); with every owned partition when the member lost its generation.
   */
  readonly beforeRevoke?: ((partitions: readonly TopicPartition[]) => Promise<void>) | undefined;
  /** Awaited after every successful join, before records of the new assignment are returned. */
  readonly onAssigned?: ((assignment: Assignment) => Promise<void>) | undefined;
}

export interface GroupConsumer {
  connect(): Promise<void>;
  /** Topics (or a pattern matched against existing topics) to subscribe; call before poll(). */
  subscribe(topics: readonly string[] | RegExp): Promise<void>;
  /**
   * Joins the group on first call, then returns up to maxRecords records fetched since the last
   * call, waiting at most timeoutMs when nothing is buffered ([] on timeout). Runs the rebalance
   * hooks when the group rebalances. Consumed positions advance; committed offsets do not.
   */
  poll(maxRecords: number, timeoutMs: number): Promise<readonly FetchedBatch[]>;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Next poll() of that (owned) partition reads from offset; buffered records are dropped. */
  seek(tp: TopicPartitionOffset): void;
  /** Commits offsets (the next offset to read) for the group now; no auto-commit ever happens. */
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Committed offsets of the group; -1 for a partition without one. */
  committed(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]>;
  /** Partitions currently owned (empty before the first join). */
  assignment(): readonly TopicPartition[];
  /** True from a rebalance's JoinGroup until its SyncGroup answered (commits fail meanwhile). */
  rebalanceInProgress?(): boolean;
  /** Rejoins the group now (Kafka's enforceRebalance): e.g. a probing rebalance (KIP-441). */
  enforceRebalance?(): void;
  /** The member's current generation, for sendOffsetsToTransaction. */
  groupMetadata(): ConsumerGroupMetadata;
  /** Leaves the group and closes connections. */
  disconnect(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Assign-only consumer (no group): changelog restore and standby tasks

export interface AssignedConsumerOptions extends FetchOptions {
  /** Where a partition without an explicit offset, or out of range, starts. Default 'earliest'. */
  readonly offsetReset?: OffsetReset | undefined;
  /**
   * 'read_committed' (default, as Kafka's consumer under exactly-once): records of aborted
   * transactions are skipped and 'latest' is the last stable offset; 'read_uncommitted' reads
   * every record up to the high watermark.
   */
  readonly isolationLevel?: 'read_committed' | 'read_uncommitted' | undefined;
}

export interface AssignedPartition extends TopicPartition {
  /** Start offset; absent → offsetReset. */
  readonly offset?: number | undefined;
}

export interface AssignedConsumer {
  connect(): Promise<void>;
  /** Replaces the assignment (assign([]) unassigns everything). */
  assign(tps: readonly AssignedPartition[]): Promise<void>;
  assignment(): readonly TopicPartition[];
  /**
   * The offset of the next record poll() returns for an assigned partition (Java's
   * position()): control records and, under read_committed, aborted data are already skipped, so
   * position ≥ an end offset means everything up to it has been read.
   */
  position(tp: TopicPartition): number;
  seek(tp: TopicPartitionOffset): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Up to maxRecords records of the assigned, unpaused partitions; [] after timeoutMs idle. */
  poll(maxRecords: number, timeoutMs: number): Promise<readonly FetchedBatch[]>;
  /** Current end offsets (high watermarks). */
  endOffsets(tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]>;
  disconnect(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Factory

export interface ClientFactory {
  producer(options?: ProducerOptions): Producer;
  consumer(options: GroupConsumerOptions): GroupConsumer;
  assignedConsumer(options?: AssignedConsumerOptions): AssignedConsumer;
  admin(): Admin;
}
