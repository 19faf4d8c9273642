/*
 * OffsetFetch (key 9), served 0-9. Reads committed offsets from the offset store. A partition
 * with no committed offset answers offset -1, metadata "" and error 0, as Kafka does.
 *
 * v0-1    explicit topic list; errors only per partition (14 while loading).
 * v2-7    Topics null = every committed offset of the group; top-level ErrorCode.
 * v5+     committed leader epoch.   v6+: flexible.   v7: RequireStable (KIP-447): a partition
 *         with a transactional offset commit still pending in an open transaction answers
 *         UNSTABLE_OFFSET_COMMIT 88 (the client retries until the transaction ends); without it
 *         the last committed offset is returned, never the pending one.
 * v8-9    batched: Groups[] with their own topics and error codes (@platformatic/kafka).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  OffsetFetchRequestSchema,
  OffsetFetchResponseSchema,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from '../../protocol/messages/09-offset-fetch.ts';
import { GROUPS } from '../coordinator/service.ts';
import type { OffsetStore } from '../coordinator/offset-store.ts';
import { TRANSACTIONS } from '../txn/txn-service.ts';
import type { Broker } from '../broker.ts';
import { defineHandler, type RequestContext } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

interface PartitionOut {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}
interface TopicOut {
  name: string;
  partitions: PartitionOut[];
}

/** The offsets of one group: the requested partitions, or all committed ones when `topics` is null. */
function fetchGroup(
  offsets: OffsetStore,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  partitionError: number,
  unstable: (topic: string, partition: number) => boolean = () => false,
): TopicOut[] {
  if (topics === null) {
    const byTopic = new Map<string, PartitionOut[]>();
    for (const o of offsets.groupOffsets(groupId)) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push({
        partitionIndex: o.partition,
        committedOffset: o.committed.offset,
        committedLeaderEpoch: o.committed.leaderEpoch,
        metadata: o.committed.metadata,
        errorCode: 0,
      });
    }
    return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  }
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((p) => {
      const code = partitionError === 0 && unstable(t.name, p) ? ErrorCode.UNSTABLE_OFFSET_COMMIT : partitionError;
      const c = code === 0 ? offsets.get(groupId, t.name, p) : undefined;
      return {
        partitionIndex: p,
        committedOffset: c?.offset ?? -1n,
        committedLeaderEpoch: c?.leaderEpoch ?? -1,
        metadata: c?.metadata ?? '',
        errorCode: code,
      };
    }),
  }));
}

/** With RequireStable, the check for offsets pending in an open transaction (KIP-447). */
function stable(broker: Broker, groupId: string, requireStable: boolean): ((topic: string, partition: number) => boolean) | undefined {
  if (!requireStable) return undefined;
  const txns = broker.service(TRANSACTIONS).coordinator;
  return (topic, partition) => txns.hasPendingOffset(groupId, topic, partition);
}

/**
 * Kafka's ACL view of a group's offsets: topics the caller may not DESCRIBE are left out of an
 * all-topics answer and answered TOPIC_AUTHORIZATION_FAILED (offset -1) when asked for by name.
 */
function visible(ctx: RequestContext, out: TopicOut[], named: boolean): TopicOut[] {
  if (!ctx.broker.options.authorizer.enabled) return out;
  const ok = (t: TopicOut): boolean => allowed(ctx, Op.DESCRIBE, Res.TOPIC, t.name);
  if (!named) return out.filter(ok);
  return out.map((t) =>
    ok(t)
      ? t
      : { name: t.name, partitions: t.partitions.map((p) => ({ ...p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) },
  );
}

export const offsetFetchHandler = defineHandler<OffsetFetchRequest, Partial<OffsetFetchResponse>>({
  apiKey: 9,
  name: 'OffsetFetch',
  requestSchema: OffsetFetchRequestSchema,
  responseSchema: OffsetFetchResponseSchema,
  advertised: { min: 0, max: 9 },
  served: { min: 0, max: 9 },
  handle(ctx, req) {
    const { offsets } = ctx.broker.service(GROUPS);
    const v = ctx.apiVersion;
    const loadingCode = offsets.loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    // Group DESCRIBE is needed (GROUP_AUTHORIZATION_FAILED, per group from v8, per partition before v2).
    const groupCode = (groupId: string): number => (allowed(ctx, Op.DESCRIBE, Res.GROUP, groupId) ? loadingCode : ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: req.groups.map((g) => {
          const code = groupCode(g.groupId);
          const topics = code === 0 ? fetchGroup(offsets, g.groupId, g.topics, 0, stable(ctx.broker, g.groupId, req.requireStable)) : [];
          return { groupId: g.groupId, topics: visible(ctx, topics, g.topics !== null), errorCode: code };
        }),
      };
    }
    const code = groupCode(req.groupId);
    if (v < 2) {
      return { throttleTimeMs: 0, topics: visible(ctx, fetchGroup(offsets, req.groupId, req.topics ?? [], code), true), errorCode: 0 };
    }
    const topics = code === 0 ? fetchGroup(offsets, req.groupId, req.topics, 0, stable(ctx.broker, req.groupId, v >= 7 && req.requireStable)) : [];
    return { throttleTimeMs: 0, topics: visible(ctx, topics, req.topics !== null), errorCode: code };
  },
});
