/*
 * KafkaAdmin: types.ts `Admin`, the factory's admin, for the streams runtime (internal topics,
 * offsets, deleteRecords of repartition topics) and the CLI (`topics`, `groups`,
 * `transactions`). Each admin owns one WireCluster (its connections) and composes the wire calls
 * of admin.ts, group-admin.ts and transaction-admin.ts.
 *
 * Metadata for a topic that does not exist never auto-creates it here (allowAutoTopicCreation is
 * false on every request), so:
 *   createTopics   creates the missing topics, leaves existing ones alone (TOPIC_ALREADY_EXISTS
 *                  from a concurrent creator counts as success) unless failIfExists, and waits
 *                  for their leaders
 *   describeTopics a missing topic is absent from the answer
 *   listOffsets    earliest / latest / by timestamp (no record at or after it → the end offset,
 *                  as Kafka's AdminClient reports it)
 *
 * Errors: a broker error code comes out as the KafkaResponseError the wire call raised — it
 * already names the call and the topic, group or id, and carries a hint for the CLI user; any
 * other failure (a lost connection) is wrapped by toClientError, naming the admin call.
 */
import type { PartitionLogSize } from './admin.ts';
import { createPartitions, createTopics, deleteRecords, deleteTopics, describeLogDirs, describeTopic, describeTopicConfigs, listOffsets, listTopics, OffsetSpec } from './admin.ts';
import { clusterFromConfig, type WireCluster } from './cluster.ts';
import { KafkaResponseError, toClientError } from './errors.ts';
import { commitGroupOffsets, deleteGroup, describeGroup, groupOffsets, listGroups } from './group-admin.ts';
import { describeTransaction, listTransactions } from './transaction-admin.ts';
import { partitionsByTopic, topicPartitionKey } from './types.ts';
import type {
  Admin,
  ClientConfig,
  ConfigEntry,
  GroupDescription,
  GroupListing,
  NewTopic,
  NewPartitions,
  ListOffsetsOptions,
  OffsetSpec as AdminOffsetSpec,
  TopicDescription,
  TopicDetails,
  TopicPartition,
  TopicPartitionOffset,
  TransactionDescription,
  TransactionListing,
} from './types.ts';

const TOPIC_ALREADY_EXISTS = 36;
const UNKNOWN_TOPIC_OR_PARTITION = 3;

export class KafkaAdmin implements Admin {
  readonly #cluster: WireCluster;

  constructor(config: ClientConfig) {
    this.#cluster = clusterFromConfig(config);
  }

  async connect(): Promise<void> {
    await this.#call('connecting the admin', () => this.#cluster.any());
  }

  listTopics(options: { readonly excludeInternal?: boolean | undefined } = {}): Promise<readonly string[]> {
    return this.#call('listing topics', async () => (await listTopics(this.#cluster)).filter((t) => !(options.excludeInternal === true && t.isInternal)).map((t) => t.name));
  }

  createTopics(topics: readonly NewTopic[], options: { readonly failIfExists?: boolean | undefined } = {}): Promise<void> {
    return this.#call(`creating topics ${topics.map((t) => t.topic).join(', ')}`, async () => {
      const existing = options.failIfExists === true ? new Set<string>() : new Set((await this.describeTopics(topics.map((t) => t.topic))).map((t) => t.topic));
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return;
      try {
        await createTopics(this.#cluster, missing.map((t) => ({ name: t.topic, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, ...(t.configs === undefined ? {} : { configs: { ...t.configs } }) })));
      } catch (e) {
        if (options.failIfExists === true || (e as { code?: number }).code !== TOPIC_ALREADY_EXISTS) throw e;
      }
      // Wait for the leaders (cluster.topic retries while LEADER_NOT_AVAILABLE).
      for (const t of missing) await this.#cluster.topic(t.topic, { refresh: true });
    });
  }

  createPartitions(increases: readonly NewPartitions[], options: { readonly validateOnly?: boolean | undefined } = {}): Promise<void> {
    return this.#call(`adding partitions to ${increases.map((t) => t.topic).join(', ')}`, () =>
      createPartitions(this.#cluster, increases, { validateOnly: options.validateOnly === true }),
    );
  }

  describeTopics(topics: readonly string[]): Promise<readonly TopicDescription[]> {
    return this.#call(`describing topics ${topics.join(', ')}`, async () => {
      if (topics.length === 0) return [];
      const md = await this.#cluster.refresh(topics);
      const out: TopicDescription[] = [];
      for (const t of md.topics) {
        if (t.errorCode === UNKNOWN_TOPIC_OR_PARTITION) continue;
        if (t.errorCode !== 0) throw new KafkaResponseError(t.errorCode, `describing topic "${t.name}"`);
        out.push({ topic: t.name, partitions: t.partitions.length });
      }
      return out;
    });
  }

  describeTopic(topic: string): Promise<TopicDetails> {
    return this.#call(`describing topic "${topic}"`, async () => {
      const d = await describeTopic(this.#cluster, topic);
      return {
        topic: d.name,
        topicId: d.topicId,
        internal: d.isInternal,
        partitions: d.partitions.map((p) => {
          const o = d.offsets.get(p.partition);
          return { partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, logStartOffset: Number(o?.start ?? -1n), logEndOffset: Number(o?.end ?? -1n) };
        }),
      };
    });
  }

  describeTopicConfigs(topic: string): Promise<readonly ConfigEntry[] | null> {
    return this.#call(`describing the configs of topic "${topic}"`, async () => {
      await this.#cluster.topic(topic); // a missing topic fails naming it, with the CLI's hint
      return describeTopicConfigs(this.#cluster, topic);
    });
  }

  describeLogDirs(topics: readonly string[]): Promise<readonly PartitionLogSize[] | null> {
    return this.#call(`describing the log dirs of ${topics.join(', ')}`, () => describeLogDirs(this.#cluster, topics));
  }

  listOffsets(tps: readonly TopicPartition[], spec: AdminOffsetSpec, options: ListOffsetsOptions = {}): Promise<readonly TopicPartitionOffset[]> {
    const isolationLevel = options.isolation === 'read_committed' ? 1 : 0;
    return this.#call(`listing offsets of ${tps.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}`, async () => {
      const found = new Map<string, number>();
      for (const [topic, partitions] of partitionsByTopic(tps)) {
        const at = spec === 'earliest' ? OffsetSpec.earliest : spec === 'latest' ? OffsetSpec.latest : BigInt(spec.timestamp);
        const offsets = await listOffsets(this.#cluster, topic, partitions, at, { isolationLevel });
        const ends = typeof spec === 'object' && [...offsets.values()].some((o) => o.offset < 0n) ? await listOffsets(this.#cluster, topic, partitions, OffsetSpec.latest, { isolationLevel }) : undefined;
        for (const [p, o] of offsets) found.set(topicPartitionKey(topic, p), Number(o.offset < 0n && ends !== undefined ? ends.get(p)!.offset : o.offset));
      }
      return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: found.get(topicPartitionKey(tp.topic, tp.partition))! }));
    });
  }

  deleteRecords(before: readonly TopicPartitionOffset[]): Promise<void> {
    return this.#call(`deleting records of ${before.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}`, () => deleteRecords(this.#cluster, before));
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    return this.#call(`deleting topics ${topics.join(', ')}`, () => deleteTopics(this.#cluster, topics));
  }

  listGroups(): Promise<readonly GroupListing[]> {
    return this.#call('listing groups', () => listGroups(this.#cluster));
  }

  describeGroup(groupId: string): Promise<GroupDescription> {
    return this.#call(`describing group "${groupId}"`, () => describeGroup(this.#cluster, groupId));
  }

  groupOffsets(groupId: string): Promise<readonly TopicPartitionOffset[]> {
    return this.#call(`fetching the committed offsets of group "${groupId}"`, () => groupOffsets(this.#cluster, groupId));
  }

  commitGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.#call(`committing offsets for group "${groupId}"`, () => commitGroupOffsets(this.#cluster, groupId, offsets));
  }

  deleteGroup(groupId: string): Promise<void> {
    return this.#call(`deleting group "${groupId}"`, () => deleteGroup(this.#cluster, groupId));
  }

  listTransactions(states: readonly string[] = []): Promise<readonly TransactionListing[]> {
    return this.#call('listing transactions', () => listTransactions(this.#cluster, states));
  }

  describeTransaction(transactionalId: string): Promise<TransactionDescription> {
    return this.#call(`describing transactional id "${transactionalId}"`, () => describeTransaction(this.#cluster, transactionalId));
  }

  async disconnect(): Promise<void> {
    this.#cluster.close();
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw e instanceof KafkaResponseError ? e : toClientError(e, what);
    }
  }
}
