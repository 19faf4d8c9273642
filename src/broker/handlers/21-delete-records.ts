/*
 * DeleteRecords (key 21): advertised and served 0–1. Moves a partition's log start offset up to
 * the given offset (-1 = the high watermark); whole segments below it are deleted and the new
 * start is persisted by the log. The streams runtime uses this to purge repartition topics.
 * Per partition: unknown → UNKNOWN_TOPIC_OR_PARTITION 3; offset above the high watermark or
 * below -1 → OFFSET_OUT_OF_RANGE 1; an offset at or below the current start changes nothing.
 * The reply carries the resulting low watermark (log start offset).
 */
import { DeleteRecordsRequestSchema, DeleteRecordsResponseSchema } from '../../protocol/messages/21-delete-records.ts';
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/messages/21-delete-records.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LogError } from '../log/log-errors.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<DeleteRecordsResponse>;
type PartitionResult = NonNullable<NonNullable<Response['topics']>[number]['partitions']>[number];

export const deleteRecordsHandler = defineHandler<DeleteRecordsRequest, Response>({
  apiKey: 21,
  name: 'DeleteRecords',
  requestSchema: DeleteRecordsRequestSchema,
  responseSchema: DeleteRecordsResponseSchema,
  advertised: { min: 0, max: 1 },
  served: { min: 0, max: 1 },
  async handle(ctx, req) {
    const broker = ctx.broker;
    const topics = [];
    for (const t of req.topics) {
      const partitions: PartitionResult[] = [];
      const denied = !allowed(ctx, Op.DELETE, Res.TOPIC, t.name);
      for (const p of t.partitions) {
        const result: PartitionResult = { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.NONE };
        partitions.push(result);
        if (denied) {
          result.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          continue;
        }
        const log = broker.partitions.get(t.name, p.partitionIndex);
        if (log === undefined) {
          result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        const requested = Number(p.offset);
        if (requested < -1) {
          result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          result.lowWatermark = log.logStartOffset;
          continue;
        }
        try {
          result.lowWatermark = await log.deleteRecordsBefore(requested === -1 ? log.highWatermark : requested);
        } catch (err) {
          result.errorCode = err instanceof LogError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
          if (!(err instanceof LogError)) broker.logger.warn(`DeleteRecords on ${log.name} failed: ${(err as Error).message}`);
          result.lowWatermark = log.logStartOffset;
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
