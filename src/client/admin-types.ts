/*
 * The Admin part of the client's vocabulary (types.ts re-exports all of it): topics, offsets,
 * consumer groups and transactions, as Kafka's AdminClient names them, with the same conventions
 * as types.ts (number offsets, KafkaClientError with `retriable`). KafkaAdmin (kafka-admin.ts)
 * implements it.
 */
import type { PartitionLogSize } from './admin.ts';
import type { TopicPartition, TopicPartitionOffset } from './types.ts';

export interface NewTopic {
  readonly topic: string;
  /** -1 = broker default. */
  readonly numPartitions: number;
  /** -1 = broker default. */
  readonly replicationFactor: number;
  readonly configs?: Readonly<Record<string, string>> | undefined;
}

/** CreatePartitions: raise a topic to `count` partitions in total (Kafka's NewPartitions.increaseTo). */
export interface NewPartitions {
  readonly topic: string;
  /** The new total; must be above the current count (partitions are never removed). */
  readonly count: number;
  /** Replica broker ids of each new partition, in order; absent = the broker places them. */
  readonly assignments?: readonly (readonly number[])[] | undefined;
}

export interface TopicDescription {
  readonly topic: string;
  readonly partitions: number;
}

export interface ListOffsetsOptions {
  /** Default 'read_uncommitted' (the high watermark). */
  readonly isolation?: 'read_uncommitted' | 'read_committed' | undefined;
}

/** 'earliest' (log start), 'latest' (end) or the first offset with timestamp ≥ the one given. */
export type OffsetSpec = 'earliest' | 'latest' | { readonly timestamp: number };

/** A partition as `describeTopic` reports it. */
export interface PartitionDescription {
  readonly partition: number;
  /** Node id of the leader; -1 when it has none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** The earliest offset still in the log. */
  readonly logStartOffset: number;
  /** The log end offset (high watermark). */
  readonly logEndOffset: number;
}

export interface TopicDetails {
  readonly topic: string;
  /** The zero UUID where the broker reports no topic ids (Metadata below v10). */
  readonly topicId: string;
  readonly internal: boolean;
  /** Sorted by partition number. */
  readonly partitions: readonly PartitionDescription[];
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  /** True when the value is inherited (broker or default config) rather than set on the topic. */
  readonly isDefault: boolean;
  readonly isSensitive: boolean;
}

export interface GroupListing {
  readonly groupId: string;
  readonly protocolType: string;
  /** Empty when the broker does not report states (ListGroups below v4). */
  readonly state: string;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  /** topic → partitions, decoded from the member's assignment when the protocol type is "consumer". */
  readonly assignment: ReadonlyMap<string, readonly number[]>;
}

export interface GroupDescription {
  readonly groupId: string;
  /** "Empty", "Stable", "PreparingRebalance", …; "Dead" for a group the coordinator does not know. */
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly GroupMemberDescription[];
}

export interface TransactionListing {
  readonly transactionalId: string;
  /** Producer ids are int64 ids, not offsets: bigint. */
  readonly producerId: bigint;
  readonly state: string;
}

export interface TransactionDescription {
  readonly transactionalId: string;
  readonly state: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly timeoutMs: number;
  /** -1 when no transaction is open. */
  readonly startTimeMs: number;
  readonly partitions: readonly { readonly topic: string; readonly partitions: readonly number[] }[];
}

/**
 * Topic, group and transaction administration (Kafka's AdminClient). The runtime uses the topic
 * and offset calls; the CLI uses all of them. A missing topic is absent from describeTopics but an
 * error (UNKNOWN_TOPIC_OR_PARTITION, naming it) from describeTopic and describeTopicConfigs.
 */
export interface Admin {
  connect(): Promise<void>;
  /**
   * Creates the topics that do not exist and waits for their leaders; existing ones are left
   * untouched (no error) unless `failIfExists` (then TOPIC_ALREADY_EXISTS, naming the topic).
   */
  createTopics(topics: readonly NewTopic[], options?: { readonly failIfExists?: boolean | undefined }): Promise<void>;
  /**
   * Adds partitions to existing topics (CreatePartitions). Fails with the broker's error, naming
   * the topic: INVALID_PARTITIONS when a count is not above the current one,
   * UNKNOWN_TOPIC_OR_PARTITION for a missing topic. With `validateOnly` the broker only checks.
   */
  createPartitions(increases: readonly NewPartitions[], options?: { readonly validateOnly?: boolean | undefined }): Promise<void>;
  /** Partition counts of the named topics; a topic that does not exist is absent from the result. */
  describeTopics(topics: readonly string[]): Promise<readonly TopicDescription[]>;
  /** Leaders, replicas, in-sync replicas and log start/end offsets of every partition of a topic. */
  describeTopic(topic: string): Promise<TopicDetails>;
  /** The topic's configs sorted by name (DescribeConfigs), or null when the broker has no DescribeConfigs. */
  describeTopicConfigs(topic: string): Promise<readonly ConfigEntry[] | null>;
  /** Each partition's size on disk (DescribeLogDirs, asked of its leader), or null when a broker has no DescribeLogDirs. */
  describeLogDirs(topics: readonly string[]): Promise<readonly PartitionLogSize[] | null>;
  /** Topic names, sorted; internal topics (__consumer_offsets, …) unless excludeInternal. */
  listTopics(options?: { readonly excludeInternal?: boolean | undefined }): Promise<readonly string[]>;
  /**
   * One entry per partition given; by timestamp with no later record → the end offset. With
   * `isolation: 'read_committed'`, 'latest' is the last stable offset (below any open transaction).
   */
  listOffsets(tps: readonly TopicPartition[], spec: OffsetSpec, options?: ListOffsetsOptions): Promise<readonly TopicPartitionOffset[]>;
  /** Deletes records below each offset (DeleteRecords; -1: below the high watermark). */
  deleteRecords(before: readonly TopicPartitionOffset[]): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Every consumer group of the cluster (ListGroups on every broker), sorted by id. */
  listGroups(): Promise<readonly GroupListing[]>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  /** The group's committed offsets; partitions without one are left out. */
  groupOffsets(groupId: string): Promise<readonly TopicPartitionOffset[]>;
  /** Commits offsets outside any generation: the coordinator accepts it only while the group is Empty. */
  commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Deletes an Empty group and its committed offsets. */
  deleteGroup(groupId: string): Promise<void>;
  /** Transactional ids of the cluster (every broker), optionally only those in `states`, sorted. */
  listTransactions(states?: readonly string[]): Promise<readonly TransactionListing[]>;
  describeTransaction(transactionalId: string): Promise<TransactionDescription>;
  disconnect(): Promise<void>;
}
