/*
 * CreatePartitions (key 37): advertised and served 0–3 (v2+ flexible). Raises topics' partition
 * counts (KIP-195); partitions are only ever added, never removed or moved.
 *
 * Per topic, in request order, as Kafka answers (messages are Kafka's):
 *   1. a name given more than once       → INVALID_REQUEST 42 "Duplicate topic in request." (each occurrence)
 *   2. no ALTER on the topic              → TOPIC_AUTHORIZATION_FAILED 29
 *   3. unknown topic                      → UNKNOWN_TOPIC_OR_PARTITION 3; being deleted → INVALID_TOPIC_EXCEPTION 17
 *   4. the count and assignment checks of ../partition-increase.ts (37 / 39)
 *   5. validate_only: stop here with NONE; else the new count is made durable and the new
 *      partitions' logs exist before the reply (TopicManager.addPartitions).
 * Internal topics (__consumer_offsets, __transaction_state) are not refused, as in Kafka.
 * timeout_ms is not needed: the change completes before the reply.
 */
import { CreatePartitionsRequestSchema, CreatePartitionsResponseSchema } from '../../protocol/messages/37-create-partitions.ts';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/messages/37-create-partitions.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TopicError } from '../topic-error.ts';
import { isStorageFailure } from '../log/log-errors.ts';
import { defineHandler } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<CreatePartitionsResponse>;
type Result = NonNullable<Response['results']>[number];

export const createPartitionsHandler = defineHandler<CreatePartitionsRequest, Response>({
  apiKey: 37,
  name: 'CreatePartitions',
  requestSchema: CreatePartitionsRequestSchema,
  responseSchema: CreatePartitionsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  async handle(ctx, req) {
    const broker = ctx.broker;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: Result[] = [];
    for (const t of req.topics) {
      const result: Result = { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      results.push(result);
      const fail = (code: number, message: string): void => {
        result.errorCode = code;
        result.errorMessage = message;
      };
      if ((counts.get(t.name) ?? 0) > 1) {
        fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.');
        continue;
      }
      if (!allowed(ctx, Op.ALTER, Res.TOPIC, t.name)) {
        fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'The topic authorization is failed.');
        continue;
      }
      try {
        await broker.topicManager.addPartitions({ name: t.name, count: t.count, assignments: t.assignments }, req.validateOnly);
      } catch (err) {
        if (err instanceof TopicError) fail(err.errorCode, err.message);
        else if (isStorageFailure(err)) {
          broker.logger.warn(`adding partitions to ${t.name} failed on the disk: ${(err as Error).message}`);
          fail(ErrorCode.KAFKA_STORAGE_ERROR, `cannot add partitions to ${t.name}: the broker's disk failed (${(err as Error).message}); free space or fix the disk and retry`);
        } else {
          broker.logger.warn(`adding partitions to ${t.name} failed: ${(err as Error).stack ?? String(err)}`);
          fail(ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message);
        }
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
