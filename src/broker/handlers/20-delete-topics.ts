/*
 * DeleteTopics (key 20): advertised and served 0–3 (topics by name; v6's by-id form is not
 * advertised). Each named topic's registry entry and data are removed, parked fetches on it end
 * (they answer UNKNOWN_TOPIC_OR_PARTITION), and the reply waits until the registry change is
 * durable. Unknown topic → UNKNOWN_TOPIC_OR_PARTITION 3. Internal topics (name starting "__",
 * e.g. __consumer_offsets) cannot be deleted: INVALID_TOPIC_EXCEPTION 17.
 */
import { DeleteTopicsRequestSchema, DeleteTopicsResponseSchema } from '../../protocol/messages/20-delete-topics.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/messages/20-delete-topics.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TopicError } from '../topic-manager.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<DeleteTopicsResponse>;
type Result = NonNullable<Response['responses']>[number];

export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, Response>({
  apiKey: 20,
  name: 'DeleteTopics',
  requestSchema: DeleteTopicsRequestSchema,
  responseSchema: DeleteTopicsResponseSchema,
  advertised: { min: 0, max: 3 },
  served: { min: 0, max: 3 },
  async handle(ctx, req) {
    const responses: Result[] = [];
    for (const name of req.topicNames) {
      const result: Result = { name, errorCode: ErrorCode.NONE };
      responses.push(result);
      if (name.startsWith('__') && ctx.broker.topics.has(name)) {
        result.errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION;
        continue;
      }
      try {
        await ctx.broker.topicManager.delete(name);
      } catch (err) {
        if (err instanceof TopicError) result.errorCode = err.errorCode;
        else {
          ctx.broker.logger.warn(`deleting topic ${name} failed: ${(err as Error).stack ?? String(err)}`);
          result.errorCode = ErrorCode.UNKNOWN_SERVER_ERROR;
        }
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
