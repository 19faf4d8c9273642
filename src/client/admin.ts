/*
 * Admin calls of the wire client: create, list, describe and delete topics, list offsets and
 * delete records; and KafkaAdmin, types.ts `Admin` on those calls (the runtime's admin).
 *
 * Routing (as Kafka's AdminClient does): CreateTopics and DeleteTopics go to the controller;
 * Metadata to any broker; ListOffsets and DeleteRecords to each partition's leader, one request per
 * leader.
 *
 * Every call throws KafkaResponseError for the first per-topic or per-partition error, with the
 * topic named, so the CLI can print it as is.
 */
import { ApiKeys } from '../protocol/api-keys.ts';
import { clusterFromConfig, type PartitionInfo, type TopicInfo, type WireCluster } from './cluster.ts';
import { checkErrorCode, KafkaClientError, KafkaResponseError, toClientError } from './errors.ts';
import type {
  Admin,
  OffsetSpec as AdminOffsetSpec,
  ClientConfig,
  NewTopic as NewAdminTopic,
  TopicDescription as TopicDescriptionSummary,
  TopicPartition,
  TopicPartitionOffset,
  ListOffsetsOptions,
} from './types.ts';

export interface NewTopic {
  name: string;
  /** -1 lets the broker use its default. */
  numPartitions?: number;
  /** -1 lets the broker use its default. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** ListOffsets special timestamps. */
export const OffsetSpec = { latest: -1n, earliest: -2n } as const;

export interface PartitionOffset {
  partition: number;
  offset: bigint;
  /** Timestamp of the record found (by-timestamp lookups); -1 otherwise. */
  timestamp: bigint;
}

export interface TopicDescription extends TopicInfo {
  /** Log start (earliest) and end (latest, the high watermark) offset per partition. */
  offsets: Map<number, { start: bigint; end: bigint }>;
}

export async function createTopics(
  cluster: WireCluster,
  topics: readonly NewTopic[],
  opts: { timeoutMs?: number; validateOnly?: boolean } = {},
): Promise<void> {
  const conn = await cluster.controller();
  const { body } = await conn.request(ApiKeys.CreateTopics, {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.numPartitions ?? -1,
      replicationFactor: t.replicationFactor ?? -1,
      assignments: [],
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs: opts.timeoutMs ?? 30_000,
    validateOnly: opts.validateOnly ?? false,
  });
  // numPartitions/replicationFactor -1 ("broker default") needs CreateTopics v4+ (KIP-464);
  // older brokers reject it, so the CLI always passes explicit values.
  for (const t of body.topics) checkErrorCode(t.errorCode, `creating topic "${t.name}"`, t.errorMessage);
}

export async function deleteTopics(cluster: WireCluster, names: readonly string[], opts: { timeoutMs?: number } = {}): Promise<void> {
  const conn = await cluster.controller();
  const { body } = await conn.request(ApiKeys.DeleteTopics, {
    topicNames: [...names],
    topics: names.map((name) => ({ name })),
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
  for (const r of body.responses) checkErrorCode(r.errorCode, `deleting topic "${r.name ?? r.topicId}"`, r.errorMessage);
  for (const n of names) cluster.topics.delete(n);
}

/** Every topic in the cluster, sorted by name (internal topics included, flagged). */
export async function listTopics(cluster: WireCluster): Promise<TopicInfo[]> {
  const md = await cluster.refresh(null);
  return md.topics.filter((t) => t.errorCode === 0).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * ListOffsets for some partitions of one topic at `timestamp` (OffsetSpec.latest/earliest, or a
 * time in ms: the first offset whose timestamp is ≥ it, -1 if none). One request per leader.
 */
export async function listOffsets(
  cluster: WireCluster,
  topic: string,
  partitions: readonly number[],
  timestamp: bigint,
  opts: { isolationLevel?: 0 | 1 } = {},
): Promise<Map<number, PartitionOffset>> {
  const info = await cluster.topic(topic);
  for (const p of partitions) {
    if (!info.partitions.some((x) => x.partition === p)) throw new KafkaClientError(`${topic}-${p}: topic "${topic}" has no partition ${p} (it has partitions 0-${info.partitions.length - 1})`);
  }
  const byLeader = new Map<number, number[]>();
  for (const p of partitions) {
    const leader = cluster.leaderOf(topic, p);
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }
  const out = new Map<number, PartitionOffset>();
  await Promise.all(
    [...byLeader].map(async ([leader, parts]) => {
      const conn = await cluster.connectionTo(leader);
      // v0 answers with an "old style" offsets array and cannot look up by timestamp: need v1+.
      // v4+ only add leader epochs, which this client does not track (and librdkafka 2.0.2's
      // mock cluster encodes v5 wrongly), so stop at v3, as kafkajs does.
      const { body } = await conn.request(ApiKeys.ListOffsets, {
        replicaId: -1,
        isolationLevel: opts.isolationLevel ?? 0,
        topics: [{ name: topic, partitions: parts.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
      }, { minVersion: 1, maxVersion: 3 });
      for (const t of body.topics) {
        for (const p of t.partitions) {
          checkErrorCode(p.errorCode, `listing offsets of ${topic}-${p.partitionIndex}`);
          out.set(p.partitionIndex, { partition: p.partitionIndex, offset: p.offset, timestamp: p.timestamp });
        }
      }
    }),
  );
  for (const p of partitions) {
    if (!out.has(p)) throw new KafkaResponseError(3, `listing offsets of ${topic}-${p}`, 'the broker returned no entry for it');
  }
  return out;
}

/** Metadata plus the earliest and latest offset of every partition. */
export async function describeTopic(cluster: WireCluster, name: string): Promise<TopicDescription> {
  const info = await cluster.topic(name, { refresh: true });
  const parts = info.partitions.map((p: PartitionInfo) => p.partition);
  const [start, end] = await Promise.all([
    listOffsets(cluster, name, parts, OffsetSpec.earliest),
    listOffsets(cluster, name, parts, OffsetSpec.latest),
  ]);
  const offsets = new Map<number, { start: bigint; end: bigint }>();
  for (const p of parts) offsets.set(p, { start: start.get(p)!.offset, end: end.get(p)!.offset });
  return { ...info, offsets };
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** True when the value is the broker's default rather than set on the topic. */
  isDefault: boolean;
  isSensitive: boolean;
}

/**
 * A topic's configs through DescribeConfigs (resource type 2 = topic), or null when the broker
 * does not offer DescribeConfigs (API key 32).
 */
export async function describeTopicConfigs(cluster: WireCluster, name: string): Promise<ConfigEntry[] | null> {
  const conn = await cluster.any();
  if (!conn.supports(ApiKeys.DescribeConfigs)) return null;
  const { version, body } = await conn.request(ApiKeys.DescribeConfigs, {
    resources: [{ resourceType: 2, resourceName: name, configurationKeys: null }],
    includeSynoyms: false,
  }, { maxVersion: 2 });
  const out: ConfigEntry[] = [];
  for (const r of body.results) {
    checkErrorCode(r.errorCode, `describing the configs of topic "${name}"`, r.errorMessage);
    for (const c of r.configs) {
      // v0 has IsDefault; v1+ report the source instead: 1 (TOPIC_CONFIG) means set on the topic,
      // any other source (broker configs, 5 = DEFAULT_CONFIG) means inherited.
      const isDefault = version === 0 ? c.isDefault : c.configSource !== 1;
      out.push({ name: c.name, value: c.value, isDefault, isSensitive: c.isSensitive });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** DeleteRecords: removes the records below each offset (-1: below the high watermark). One request per leader. */
export async function deleteRecords(cluster: WireCluster, before: readonly { topic: string; partition: number; offset: number }[], opts: { timeoutMs?: number } = {}): Promise<void> {
  const byLeader = new Map<number, Map<string, { partitionIndex: number; offset: bigint }[]>>();
  for (const tp of before) {
    await cluster.topic(tp.topic);
    const leader = cluster.leaderOf(tp.topic, tp.partition);
    let topics = byLeader.get(leader);
    if (topics === undefined) byLeader.set(leader, (topics = new Map()));
    let list = topics.get(tp.topic);
    if (list === undefined) topics.set(tp.topic, (list = []));
    list.push({ partitionIndex: tp.partition, offset: BigInt(tp.offset) });
  }
  await Promise.all(
    [...byLeader].map(async ([leader, topics]) => {
      const conn = await cluster.connectionTo(leader);
      const { body } = await conn.request(ApiKeys.DeleteRecords, {
        topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
        timeoutMs: opts.timeoutMs ?? 30_000,
      });
      for (const t of body.topics) for (const p of t.partitions) checkErrorCode(p.errorCode, `deleting records of ${t.name}-${p.partitionIndex}`);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// types.ts Admin on the functions above (the runtime's admin).
//
// Metadata for a topic that does not exist never auto-creates it here (allowAutoTopicCreation is
// false on every request), so:
//   createTopics   creates the missing topics, leaves existing ones alone (TOPIC_ALREADY_EXISTS
//                  from a concurrent creator counts as success) and waits for their leaders
//   describeTopics a missing topic is absent from the answer
//   listOffsets    earliest / latest / by timestamp (no record at or after it → the end offset,
//                  as Kafka's AdminClient reports it)

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

  listTopics(): Promise<readonly string[]> {
    return this.#call('listing topics', async () => (await listTopics(this.#cluster)).map((t) => t.name));
  }

  createTopics(topics: readonly NewAdminTopic[]): Promise<void> {
    return this.#call(`creating topics ${topics.map((t) => t.topic).join(', ')}`, async () => {
      const existing = new Set((await this.describeTopics(topics.map((t) => t.topic))).map((t) => t.topic));
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return;
      try {
        await createTopics(this.#cluster, missing.map((t) => ({ name: t.topic, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, ...(t.configs === undefined ? {} : { configs: { ...t.configs } }) })));
      } catch (e) {
        if ((e as { code?: number }).code !== TOPIC_ALREADY_EXISTS) throw e;
      }
      // Wait for the leaders (cluster.topic retries while LEADER_NOT_AVAILABLE).
      for (const t of missing) await this.#cluster.topic(t.topic, { refresh: true });
    });
  }

  describeTopics(topics: readonly string[]): Promise<readonly TopicDescriptionSummary[]> {
    return this.#call(`describing topics ${topics.join(', ')}`, async () => {
      if (topics.length === 0) return [];
      const md = await this.#cluster.refresh(topics);
      const out: TopicDescriptionSummary[] = [];
      for (const t of md.topics) {
        if (t.errorCode === UNKNOWN_TOPIC_OR_PARTITION) continue;
        checkErrorCode(t.errorCode, `describing topic "${t.name}"`);
        out.push({ topic: t.name, partitions: t.partitions.length });
      }
      return out;
    });
  }

  listOffsets(tps: readonly TopicPartition[], spec: AdminOffsetSpec, options: ListOffsetsOptions = {}): Promise<readonly TopicPartitionOffset[]> {
    const isolationLevel = options.isolation === 'read_committed' ? 1 : 0;
    return this.#call(`listing offsets of ${tps.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}`, async () => {
      const byTopic = new Map<string, number[]>();
      for (const tp of tps) {
        let list = byTopic.get(tp.topic);
        if (list === undefined) byTopic.set(tp.topic, (list = []));
        list.push(tp.partition);
      }
      const found = new Map<string, number>();
      for (const [topic, partitions] of byTopic) {
        const at = spec === 'earliest' ? OffsetSpec.earliest : spec === 'latest' ? OffsetSpec.latest : BigInt(spec.timestamp);
        const offsets = await listOffsets(this.#cluster, topic, partitions, at, { isolationLevel });
        const ends = typeof spec === 'object' && [...offsets.values()].some((o) => o.offset < 0n) ? await listOffsets(this.#cluster, topic, partitions, OffsetSpec.latest, { isolationLevel }) : undefined;
        for (const [p, o] of offsets) found.set(`${topic}\u0000${p}`, Number(o.offset < 0n && ends !== undefined ? ends.get(p)!.offset : o.offset));
      }
      return tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, offset: found.get(`${tp.topic}\u0000${tp.partition}`)! }));
    });
  }

  deleteRecords(before: readonly TopicPartitionOffset[]): Promise<void> {
    return this.#call(`deleting records of ${before.map((tp) => `${tp.topic}-${tp.partition}`).join(', ')}`, () => deleteRecords(this.#cluster, before));
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    return this.#call(`deleting topics ${topics.join(', ')}`, () => deleteTopics(this.#cluster, topics));
  }

  async disconnect(): Promise<void> {
    this.#cluster.close();
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toClientError(e, what);
    }
  }
}
