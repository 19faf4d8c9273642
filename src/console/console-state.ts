/*
 * What the console's JSON API answers, read straight from the broker's state on the event loop
 * (one consistent moment per answer, no request goes through the Kafka protocol): topics with
 * their partitions, offsets, sizes and configs; consumer groups with members, assignments and
 * lag. Read-only: nothing here changes broker state.
 */
import type { Broker } from '../broker/broker.ts';
import { GROUPS } from '../broker/coordinator/service.ts';
import { describeTopicConfigs } from '../broker/topic-config.ts';
import { decodeGroupAssignment } from '../client/consumer/group-codec.ts';

export interface PartitionSummary {
  readonly partition: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly sizeBytes: number;
  readonly segments: number;
}

export interface TopicSummary {
  readonly name: string;
  readonly topicId: string;
  readonly internal: boolean;
  readonly partitions: number;
  /** Records between log start and end offsets, summed over partitions (compaction makes it an upper bound). */
  readonly records: number;
  readonly sizeBytes: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export interface TopicDetail extends TopicSummary {
  readonly partitionDetails: readonly PartitionSummary[];
  readonly configs: readonly { name: string; value: string; source: string }[];
}

export interface GroupMemberView {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly assignment: readonly { topic: string; partitions: readonly number[] }[];
}

export interface GroupOffsetView {
  readonly topic: string;
  readonly partition: number;
  readonly committed: number;
  readonly logEndOffset: number | null;
  readonly lag: number | null;
  /** Member id owning the partition in the current assignment, if any. */
  readonly owner: string | null;
}

export interface GroupView {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly GroupMemberView[];
  readonly offsets: readonly GroupOffsetView[];
  readonly totalLag: number;
}

const isInternal = (name: string): boolean => name.startsWith('__');

function partitionsOf(broker: Broker, topic: string): PartitionSummary[] {
  return broker.partitions.ofTopic(topic).map((log, partition) => ({
    partition,
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    highWatermark: log.highWatermark,
    sizeBytes: log.sizeInBytes,
    segments: log.segmentCount,
  }));
}

function summarize(broker: Broker, name: string, topicId: string, parts: readonly PartitionSummary[]): TopicSummary {
  const traffic = broker.metrics.traffic(name);
  return {
    name,
    topicId,
    internal: isInternal(name),
    partitions: parts.length,
    records: parts.reduce((n, p) => n + (p.logEndOffset - p.logStartOffset), 0),
    sizeBytes: parts.reduce((n, p) => n + p.sizeBytes, 0),
    recordsIn: traffic?.recordsIn ?? 0,
    recordsOut: traffic?.recordsOut ?? 0,
  };
}

export function listTopics(broker: Broker): TopicSummary[] {
  return broker.topics
    .list()
    .map((t) => summarize(broker, t.name, t.topicId, partitionsOf(broker, t.name)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function topicDetail(broker: Broker, name: string): TopicDetail | undefined {
  const info = broker.topic(name);
  if (info === undefined) return undefined;
  const parts = partitionsOf(broker, name);
  const configs = describeTopicConfigs(broker.options.topicDefaults, { ...info.configs }).map((c) => ({ name: c.name, value: c.value, source: c.source }));
  return { ...summarize(broker, name, info.topicId, parts), partitionDetails: parts, configs };
}

function decodeMemberAssignment(protocolType: string, bytes: Buffer): { topic: string; partitions: number[] }[] {
  if (protocolType !== 'consumer' || bytes.length === 0) return [];
  try {
    return [...decodeGroupAssignment(bytes).partitions].map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    return []; // a client's own protocol bytes we cannot read: show the member without them
  }
}

export function listGroups(broker: Broker): GroupView[] {
  let service;
  try {
    service = broker.service(GROUPS);
  } catch {
    return []; // the coordinator is not running (the broker is closing)
  }
  const ids = new Set<string>(service.coordinator.allGroups().map((g) => g.groupId));
  const views: GroupView[] = [];
  for (const groupId of [...ids].sort()) {
    const group = service.coordinator.group(groupId);
    const d = group?.describe();
    const members = (d?.members ?? []).map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: decodeMemberAssignment(d?.protocolType ?? '', m.assignment),
    }));
    const owner = new Map<string, string>();
    for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}\u0000${p}`, m.memberId);
    const offsets = service.offsets.groupOffsets(groupId).map((o) => {
      const end = broker.partitions.get(o.topic, o.partition)?.logEndOffset;
      const committed = Number(o.committed.offset);
      return {
        topic: o.topic,
        partition: o.partition,
        committed,
        logEndOffset: end ?? null,
        lag: end === undefined ? null : Math.max(0, end - committed),
        owner: owner.get(`${o.topic}\u0000${o.partition}`) ?? null,
      };
    });
    views.push({
      groupId,
      state: d?.state ?? 'Dead',
      protocolType: d?.protocolType ?? '',
      protocol: d?.protocolData ?? '',
      members,
      offsets,
      totalLag: offsets.reduce((n, o) => n + (o.lag ?? 0), 0),
    });
  }
  return views;
}
