/*
 * Admin calls of the wire client on one WireCluster: create, list, describe and delete topics,
 * add partitions,
 * list offsets and delete records. KafkaAdmin (kafka-admin.ts), the factory's Admin, is built on
 * them; the consumers use listOffsets directly.
 *
 * Routing (as Kafka's AdminClient does): CreateTopics, CreatePartitions and DeleteTopics go to
 * the controller;
 * Metadata to any broker; ListOffsets and DeleteRecords to each partition's leader, one request per
 * leader.
 *
 * Every call throws KafkaResponseError for the first per-topic or per-partition error, with the
 * topic named, so the CLI can print it as is.
 */
import { ApiKeys } from '../protocol/api-keys.ts';
import type { PartitionInfo, TopicInfo, WireCluster } from './cluster.ts';
import { checkErrorCode, KafkaClientError, KafkaResponseError } from './errors.ts';
import type { ConfigEntry } from './types.ts';

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

/**
 * Raises partition counts (CreatePartitions, to the controller). The cached metadata of each
 * topic is dropped so the next lookup sees the new partitions.
 */
export async function createPartitions(
  cluster: WireCluster,
  increases: readonly { topic: string; count: number; assignments?: readonly (readonly number[])[] | undefined }[],
  opts: { timeoutMs?: number; validateOnly?: boolean } = {},
): Promise<void> {
  const conn = await cluster.controller();
  const { body } = await conn.request(ApiKeys.CreatePartitions, {
    topics: increases.map((t) => ({
      name: t.topic,
      count: t.count,
      assignments: t.assignments === undefined ? null : t.assignments.map((brokerIds) => ({ brokerIds: [...brokerIds] })),
    })),
    timeoutMs: opts.timeoutMs ?? 30_000,
    validateOnly: opts.validateOnly ?? false,
  });
  for (const t of increases) cluster.topics.delete(t.topic);
  for (const r of body.results) checkErrorCode(r.errorCode, `adding partitions to topic "${r.name}"`, r.errorMessage);
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

/** One partition's log on a broker, from DescribeLogDirs. */
export interface PartitionLogSize {
  topic: string;
  partition: number;
  /** The broker whose log dir holds this replica (the partition's leader). */
  broker: number;
  logDir: string;
  sizeBytes: number;
}

/**
 * Partition sizes on disk through DescribeLogDirs (API key 35), asked of each partition's leader
 * (Kafka's `kafka-log-dirs.sh` asks every broker; the leader's replica is the one clients read).
 * Null when a leader does not offer DescribeLogDirs. A log dir with an error is left out.
 */
export async function describeLogDirs(cluster: WireCluster, topics: readonly string[]): Promise<PartitionLogSize[] | null> {
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const name of topics) {
    const info = await cluster.topic(name);
    for (const p of info.partitions) {
      if (p.leader < 0) continue;
      const forLeader = byLeader.get(p.leader) ?? new Map<string, number[]>();
      byLeader.set(p.leader, forLeader);
      forLeader.set(name, [...(forLeader.get(name) ?? []), p.partition]);
    }
  }
  const out: PartitionLogSize[] = [];
  for (const [leader, wanted] of byLeader) {
    const conn = await cluster.connectionTo(leader);
    if (!conn.supports(ApiKeys.DescribeLogDirs)) return null;
    const { body } = await conn.request(ApiKeys.DescribeLogDirs, { topics: [...wanted].map(([topic, partitions]) => ({ topic, partitions })) }, { maxVersion: 4 });
    checkErrorCode(body.errorCode, 'describing log dirs');
    for (const dir of body.results) {
      if (dir.errorCode !== 0) continue;
      for (const t of dir.topics) {
        for (const p of t.partitions) out.push({ topic: t.name, partition: p.partitionIndex, broker: leader, logDir: dir.logDir, sizeBytes: Number(p.partitionSize) });
      }
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
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
