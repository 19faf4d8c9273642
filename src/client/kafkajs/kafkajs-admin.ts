/*
 * Admin over kafkajs (types.ts `Admin`).
 *
 * Metadata for a topic that does not exist could auto-create it on brokers that allow that, so
 * every call naming topics first lists the existing ones and only asks about those:
 *   createTopics   creates the missing topics, leaves existing ones alone (TOPIC_ALREADY_EXISTS
 *                  from a concurrent creator counts as success) and waits for their leaders
 *   describeTopics a missing topic is absent from the answer
 *   listOffsets    earliest / latest / by timestamp (kafkajs returns the end offset when no
 *                  record is at or after the timestamp, as Kafka's ListOffsets does)
 * listOffsets and deleteRecords are grouped per topic (kafkajs' calls are per topic).
 */
import type { Admin as KafkajsAdminClient, ITopicConfig } from 'kafkajs';
import { KafkaClientError, toClientError } from '../client-errors.ts';
import type { Admin, ClientConfig, NewTopic, OffsetSpec, TopicDescription, TopicPartition, TopicPartitionOffset } from '../types.ts';
import { createKafka } from './kafkajs-common.ts';

function groupByTopic<T extends TopicPartition>(tps: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const tp of tps) {
    let list = out.get(tp.topic);
    if (list === undefined) out.set(tp.topic, (list = []));
    list.push(tp);
  }
  return out;
}

export class KafkajsAdmin implements Admin {
  readonly #admin: KafkajsAdminClient;
  #connected = false;

  constructor(config: ClientConfig) {
    this.#admin = createKafka(config).admin();
  }

  async connect(): Promise<void> {
    try {
      await this.#admin.connect();
      this.#connected = true;
    } catch (e) {
      throw toClientError(e, 'connecting the admin client');
    }
  }

  async listTopics(): Promise<readonly string[]> {
    try {
      return await this.#admin.listTopics();
    } catch (e) {
      throw toClientError(e, 'listing topics');
    }
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    if (topics.length === 0) return;
    const existing = new Set(await this.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    const specs: ITopicConfig[] = missing.map((t) => ({
      topic: t.topic,
      numPartitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
      configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    }));
    try {
      await this.#admin.createTopics({ topics: specs, waitForLeaders: true });
    } catch (e) {
      // A concurrent creator (another instance of the application) may have won the race.
      const errors = (e as { errors?: { type?: string }[] }).errors;
      if (errors !== undefined && errors.length > 0 && errors.every((x) => x.type === 'TOPIC_ALREADY_EXISTS')) return;
      if ((e as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
      throw toClientError(e, `creating topics ${missing.map((t) => `${t.topic} (${t.numPartitions} partitions)`).join(', ')}`);
    }
  }

  async describeTopics(topics: readonly string[]): Promise<readonly TopicDescription[]> {
    if (topics.length === 0) return [];
    const existing = new Set(await this.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return [];
    try {
      const { topics: meta } = await this.#admin.fetchTopicMetadata({ topics: present });
      return meta.map((t) => ({ topic: t.name, partitions: t.partitions.length }));
    } catch (e) {
      throw toClientError(e, `describing topics ${present.join(', ')}`);
    }
  }

  async listOffsets(tps: readonly TopicPartition[], spec: OffsetSpec): Promise<readonly TopicPartitionOffset[]> {
    const out: TopicPartitionOffset[] = [];
    for (const [topic, list] of groupByTopic(tps)) {
      let found: Map<number, number>;
      try {
        if (typeof spec === 'object') {
          const r = await this.#admin.fetchTopicOffsetsByTimestamp(topic, spec.timestamp);
          found = new Map(r.map((e) => [e.partition, Number(e.offset)]));
        } else {
          const r = await this.#admin.fetchTopicOffsets(topic);
          found = new Map(r.map((e) => [e.partition, Number(spec === 'earliest' ? e.low : e.high)]));
        }
      } catch (e) {
        throw toClientError(e, `listing ${typeof spec === 'object' ? `offsets at timestamp ${spec.timestamp}` : `${spec} offsets`} of ${topic}`);
      }
      for (const tp of list) {
        const offset = found.get(tp.partition);
        if (offset === undefined) {
          throw new KafkaClientError(`listing offsets of ${topic}-${tp.partition} failed: the topic has no partition ${tp.partition} (it has ${found.size})`, { retriable: false });
        }
        out.push({ topic, partition: tp.partition, offset });
      }
    }
    return out;
  }

  async deleteRecords(before: readonly TopicPartitionOffset[]): Promise<void> {
    for (const [topic, list] of groupByTopic(before)) {
      try {
        await this.#admin.deleteTopicRecords({ topic, partitions: list.map((tp) => ({ partition: tp.partition, offset: String(tp.offset) })) });
      } catch (e) {
        throw toClientError(e, `deleting records of ${topic} before ${list.map((tp) => `${tp.partition}:${tp.offset}`).join(', ')}`);
      }
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    try {
      await this.#admin.deleteTopics({ topics: [...topics] });
    } catch (e) {
      throw toClientError(e, `deleting topics ${topics.join(', ')}`);
    }
  }

  /** Committed offsets of a group (used by the group consumer's committed()). */
  async groupOffsets(groupId: string, tps: readonly TopicPartition[]): Promise<readonly TopicPartitionOffset[]> {
    const byTopic = groupByTopic(tps);
    let res;
    try {
      res = await this.#admin.fetchOffsets({ groupId, topics: [...byTopic.keys()] });
    } catch (e) {
      throw toClientError(e, `fetching committed offsets of group ${groupId}`);
    }
    const found = new Map<string, number>();
    for (const t of res) for (const p of t.partitions) found.set(`${t.topic}\u0000${p.partition}`, Number(p.offset));
    return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: found.get(`${tp.topic}\u0000${tp.partition}`) ?? -1 }));
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    try {
      await this.#admin.disconnect();
    } catch (e) {
      throw toClientError(e, 'disconnecting the admin client');
    }
  }
}
