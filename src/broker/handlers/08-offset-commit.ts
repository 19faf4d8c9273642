/*
 * OffsetCommit (key 8), served 0-9. Validation per Kafka's validateOffsetCommit (see
 * GroupCoordinator.validateCommit), then the offsets are written durably to __consumer_offsets
 * before the reply, so an acknowledged commit survives a crash. The request holds its
 * connection until then (a following OffsetFetch on that connection sees the commit).
 *
 * v0      no generation or member: a "simple" commit.   v1: commit timestamp (ignored).
 * v2-4    retention time (ignored).   v5: no retention.   v6+: committed leader epoch.
 * v7+     group instance id.   v8+: flexible.   v9: KIP-848 member epoch (treated as generation).
 * Per partition: unknown topic/partition → UNKNOWN_TOPIC_OR_PARTITION 3; metadata longer than
 * 4096 bytes (Kafka's offset.metadata.max.bytes) → OFFSET_METADATA_TOO_LARGE 12; a failed write
 * → COORDINATOR_NOT_AVAILABLE 15 (retriable: the client commits again).
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  OffsetCommitRequestSchema,
  OffsetCommitResponseSchema,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../../protocol/messages/08-offset-commit.ts';
import { GROUPS } from '../coordinator/service.ts';
import type { OffsetCommitEntry } from '../coordinator/offset-store.ts';
import { isStorageFailure } from '../log/log-errors.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

export const MAX_OFFSET_METADATA_BYTES = 4096;

type PartitionResult = { partitionIndex: number; errorCode: number };

export const offsetCommitHandler = defineHandler<OffsetCommitRequest, Partial<OffsetCommitResponse>>({
  apiKey: 8,
  name: 'OffsetCommit',
  requestSchema: OffsetCommitRequestSchema,
  responseSchema: OffsetCommitResponseSchema,
  advertised: { min: 0, max: 9 },
  served: { min: 0, max: 9 },
  async handle(ctx, req) {
    const { coordinator, offsets } = ctx.broker.service(GROUPS);
    const v = ctx.apiVersion;
    const generation = v >= 1 ? req.generationIdOrMemberEpoch : -1;
    const memberId = v >= 1 ? req.memberId : '';
    const instanceId = v >= 7 ? req.groupInstanceId : null;
    const all = (code: number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
    if (!allowed(ctx, Op.READ, Res.GROUP, req.groupId)) return all(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const code = coordinator.validateCommit(req.groupId, memberId, generation, instanceId);
    if (code !== ErrorCode.NONE) return all(code);

    const entries: OffsetCommitEntry[] = [];
    const results: { name: string; partitions: PartitionResult[] }[] = [];
    for (const t of req.topics) {
      const topic = ctx.broker.topic(t.name);
      const denied = !allowed(ctx, Op.READ, Res.TOPIC, t.name);
      const partitions: PartitionResult[] = [];
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        let errorCode: number = ErrorCode.NONE;
        if (denied) {
          errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        } else if (topic === undefined || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
          errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (Buffer.byteLength(metadata, 'utf8') > MAX_OFFSET_METADATA_BYTES) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        } else {
          entries.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
            metadata,
          });
        }
        partitions.push({ partitionIndex: p.partitionIndex, errorCode });
      }
      results.push({ name: t.name, partitions });
    }
    try {
      await offsets.commit(req.groupId, entries);
    } catch (err) {
      ctx.broker.logger.warn(`OffsetCommit for group ${req.groupId} could not be written: ${(err as Error).message}`);
      // As Kafka's GroupMetadataManager maps append errors: a storage failure → NOT_COORDINATOR
      // (clients handle it as retriable; KAFKA_STORAGE_ERROR would be fatal to a Java consumer's
      // commit), anything else → COORDINATOR_NOT_AVAILABLE.
      const failed = isStorageFailure(err) ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      for (const t of results) for (const p of t.partitions) if (p.errorCode === 0) p.errorCode = failed;
    }
    return { throttleTimeMs: 0, topics: results };
  },
});
