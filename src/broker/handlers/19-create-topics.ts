/*
 * CreateTopics (key 19): advertised and served 0–4.
 * Per topic (in request order; a name repeated in one request gets INVALID_REQUEST 42 for every
 * occurrence, as in Kafka): validation and creation by the TopicManager, whose header lists the
 * error codes (17 bad name, 36 exists, 37 partitions, 38 replication factor, 39 assignment,
 * 40 config). validate_only (v1+) checks everything and creates nothing. The reply for a created
 * topic is sent only once its registry entry is durable. v1+ carry an error message.
 * timeout_ms is not needed: creation completes before the reply.
 */
import { CreateTopicsRequestSchema, CreateTopicsResponseSchema } from '../../protocol/messages/19-create-topics.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/messages/19-create-topics.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TopicError } from '../topic-manager.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<CreateTopicsResponse>;
type TopicResult = NonNullable<Response['topics']>[number];

export const createTopicsHandler = defineHandler<CreateTopicsRequest, Response>({
  apiKey: 19,
  name: 'CreateTopics',
  requestSchema: CreateTopicsRequestSchema,
  responseSchema: CreateTopicsResponseSchema,
  advertised: { min: 0, max: 4 },
  served: { min: 0, max: 4 },
  async handle(ctx, req) {
    const manager = ctx.broker.topicManager;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics: TopicResult[] = [];
    for (const t of req.topics) {
      const result: TopicResult = { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
      topics.push(result);
      if ((counts.get(t.name) ?? 0) > 1) {
        result.errorCode = ErrorCode.INVALID_REQUEST;
        result.errorMessage = `topic "${t.name}" appears more than once in the request`;
        continue;
      }
      const spec = {
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments,
        configs: t.configs,
      };
      try {
        if (req.validateOnly) manager.validate(spec);
        else await manager.create(spec);
      } catch (err) {
        if (err instanceof TopicError) {
          result.errorCode = err.errorCode;
          result.errorMessage = err.message;
        } else {
          ctx.broker.logger.warn(`creating topic ${t.name} failed: ${(err as Error).stack ?? String(err)}`);
          result.errorCode = ErrorCode.UNKNOWN_SERVER_ERROR;
          result.errorMessage = (err as Error).message;
        }
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});
