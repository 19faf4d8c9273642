/*
 * DeleteTopics (key 20): advertised and served 0–6 (v4+ flexible). Each topic's registry entry
 * and data are removed, parked fetches on it end (they answer UNKNOWN_TOPIC_OR_PARTITION, or
 * UNKNOWN_TOPIC_ID when they address it by id), its partitions leave every open transaction (in
 * the same synchronous step that removes the topic), and the reply waits until the registry change
 * and the transactions' change are durable.
 *
 * Addressing: v0–5 list topic names; v6 lists {name, topic id} pairs where a non-null name wins
 * and a null name means "by id" (KIP-516), as in Kafka.
 *   unknown name                                → UNKNOWN_TOPIC_OR_PARTITION 3
 *   unknown id (v6, name null)                  → UNKNOWN_TOPIC_ID 100
 *   null name and zero id (v6)                  → INVALID_REQUEST 42
 *   internal topic (name starting "__", e.g.
 *   __consumer_offsets)                         → INVALID_TOPIC_EXCEPTION 17
 * v5+ answers carry an error message; v6 answers carry both the name and the id of each topic
 * (the name null only for an unknown id).
 */
import { DeleteTopicsRequestSchema, DeleteTopicsResponseSchema } from '../../protocol/messages/20-delete-topics.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/messages/20-delete-topics.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ZERO_UUID } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { TopicError } from '../topic-manager.ts';
import { isInternalTopic } from '../topic-config.ts';
import { defineHandler, type RequestContext } from './handler.ts';
import { allowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<DeleteTopicsResponse>;
type Result = NonNullable<Response['responses']>[number];

/** First version that lists {name, id} pairs instead of names. */
const TOPIC_ID_VERSION = 6;

export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, Response>({
  apiKey: 20,
  name: 'DeleteTopics',
  requestSchema: DeleteTopicsRequestSchema,
  responseSchema: DeleteTopicsResponseSchema,
  advertised: { min: 0, max: 6 },
  served: { min: 0, max: 6 },
  async handle(ctx, req) {
    const wanted =
      ctx.apiVersion >= TOPIC_ID_VERSION
        ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
        : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: Result[] = [];
    for (const w of wanted) responses.push(await deleteOne(ctx, w.name, w.topicId));
    return { throttleTimeMs: 0, responses };
  },
});

async function deleteOne(ctx: RequestContext, requestedName: string | null, requestedId: string): Promise<Result> {
  const broker = ctx.broker;
  const result: Result = { name: requestedName, topicId: requestedId, errorCode: ErrorCode.NONE, errorMessage: null };
  const fail = (code: number, message: string): Result => {
    result.errorCode = code;
    result.errorMessage = message;
    return result;
  };
  let name = requestedName;
  if (name === null) {
    if (requestedId === ZERO_UUID) return fail(ErrorCode.INVALID_REQUEST, 'each topic to delete needs a name or a topic id');
    const info = broker.topics.getById(requestedId);
    if (info === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_ID, `no topic has id ${requestedId}`);
    name = info.name;
    result.name = name;
  }
  if (!allowed(ctx, Op.DELETE, Res.TOPIC, name)) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
  if (isInternalTopic(name) && broker.topics.has(name)) {
    return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `internal topic "${name}" cannot be deleted`);
  }
  try {
    // Also takes the topic's partitions out of every open transaction, in the same synchronous
    // step that removes the topic (TopicManager.onDelete), so no marker reaches a namesake.
    const info = await broker.topicManager.delete(name);
    result.topicId = info.topicId;
  } catch (err) {
    if (err instanceof TopicError) return fail(err.errorCode, err.message);
    broker.logger.warn(`deleting topic ${name} failed: ${(err as Error).stack ?? String(err)}`);
    return fail(ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message);
  }
  return result;
}
