/*
 * ListOffsets (key 2): advertised and served 0–8 (the codec's range; v6+ flexible).
 *   timestamp -2 (earliest) → log start offset; -1 (latest) → log end offset (= high watermark)
 *   for isolation level 0, the last stable offset (txn/isolation.ts) for isolation level 1; -3 (max timestamp, KIP-734) → the first record carrying the largest timestamp
 *   in the log, with that timestamp (found by scanning batch headers: O(batches), fine for a dev
 *   broker); -4 (earliest local, KIP-405) → the log start offset, as there is no remote tier;
 *   any other timestamp → the first offset whose record timestamp ≥ it, with that record's
 *   timestamp, or offset -1 / timestamp -1 when no record is that new (or the log is empty, for -3).
 *   v0 answers in the old style: `oldStyleOffsets` = [offset] (empty when nothing matched),
 *   at most max_num_offsets entries.
 *   v4+ carry a leader epoch: 0 (the epoch this node writes into every batch) for a found offset,
 *   -1 when nothing matched. The request's current leader epoch is not checked.
 * Unknown topic or partition → UNKNOWN_TOPIC_OR_PARTITION 3.
 */
import { ListOffsetsRequestSchema, ListOffsetsResponseSchema } from '../../protocol/messages/02-list-offsets.ts';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/messages/02-list-offsets.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LogError } from '../log/log-errors.ts';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type PartitionLog } from '../log/partition-log.ts';
import type { OffsetAndTimestamp } from '../log/log-types.ts';
import { lastStableOffset, READ_COMMITTED } from '../txn/isolation.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<ListOffsetsResponse>;
type PartitionResponse = NonNullable<NonNullable<Response['topics']>[number]['partitions']>[number];

const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL_TIMESTAMP = -4;

export const listOffsetsHandler = defineHandler<ListOffsetsRequest, Response>({
  apiKey: 2,
  name: 'ListOffsets',
  requestSchema: ListOffsetsRequestSchema,
  responseSchema: ListOffsetsResponseSchema,
  advertised: { min: 0, max: 8 },
  served: { min: 0, max: 8 },
  handle(ctx, req) {
    const broker = ctx.broker;
    const v0 = ctx.apiVersion === 0;
    const topics = req.topics.map((t) => {
      const denied = !allowed(ctx, Op.DESCRIBE, Res.TOPIC, t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((p): PartitionResponse => {
          const out: PartitionResponse = {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            oldStyleOffsets: [],
            timestamp: -1,
            offset: -1,
            leaderEpoch: -1,
          };
          if (denied) {
            out.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
            return out;
          }
          const log = broker.partitions.get(t.name, p.partitionIndex);
          if (log === undefined) {
            out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            return out;
          }
          try {
            const ts = Number(p.timestamp);
            const found =
              ts === LATEST_TIMESTAMP && req.isolationLevel === READ_COMMITTED
                ? { offset: lastStableOffset(broker, t.name, p.partitionIndex, log), timestamp: -1 }
                : lookup(log, ts);
            if (found !== null) {
              out.offset = found.offset;
              out.timestamp = found.timestamp;
              out.leaderEpoch = 0;
              if (v0 && p.maxNumOffsets > 0) out.oldStyleOffsets = [found.offset];
            }
          } catch (err) {
            out.errorCode = err instanceof LogError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
            if (!(err instanceof LogError)) broker.logger.warn(`ListOffsets on ${log.name} failed: ${(err as Error).message}`);
          }
          return out;
        }),
      };
    });
    return { throttleTimeMs: 0, topics };
  },
});

function lookup(log: PartitionLog, timestamp: number): OffsetAndTimestamp | null {
  if (timestamp === EARLIEST_LOCAL_TIMESTAMP) return log.listOffset(EARLIEST_TIMESTAMP);
  if (timestamp !== MAX_TIMESTAMP) return log.listOffset(timestamp);
  const start = log.logStartOffset;
  let max = -1;
  log.scanBatchHeaders(start, (h) => {
    if (h.baseOffset + h.lastOffsetDelta >= start && h.maxTimestamp > max) max = h.maxTimestamp;
  });
  return max < 0 ? null : log.listOffset(max);
}
