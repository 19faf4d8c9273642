/*
 * ListOffsets (key 2): advertised and served 0–3.
 *   timestamp -2 (earliest) → log start offset; -1 (latest) → log end offset (= high watermark;
 *   also the last stable offset while there are no transactions, so isolation level 1 gives the
 *   same answer); any other timestamp → the first offset whose record timestamp ≥ it, with that
 *   record's timestamp, or offset -1 / timestamp -1 when no record is that new.
 *   v0 answers in the old style: `oldStyleOffsets` = [offset] (empty when nothing matched),
 *   at most max_num_offsets entries.
 * Unknown topic or partition → UNKNOWN_TOPIC_OR_PARTITION 3.
 */
import { ListOffsetsRequestSchema, ListOffsetsResponseSchema } from '../../protocol/messages/02-list-offsets.ts';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/messages/02-list-offsets.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { LogError } from '../log/log-errors.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<ListOffsetsResponse>;
type PartitionResponse = NonNullable<NonNullable<Response['topics']>[number]['partitions']>[number];

export const listOffsetsHandler = defineHandler<ListOffsetsRequest, Response>({
  apiKey: 2,
  name: 'ListOffsets',
  requestSchema: ListOffsetsRequestSchema,
  responseSchema: ListOffsetsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  handle(ctx, req) {
    const broker = ctx.broker;
    const v0 = ctx.apiVersion === 0;
    const topics = req.topics.map((t) => ({
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
        const log = broker.partitions.get(t.name, p.partitionIndex);
        if (log === undefined) {
          out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          return out;
        }
        try {
          const found = log.listOffset(Number(p.timestamp));
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
    }));
    return { throttleTimeMs: 0, topics };
  },
});
