/*
 * CreateTopics (key 19): advertised and served 0–7 (v5+ flexible).
 * Per topic (in request order; a name repeated in one request gets INVALID_REQUEST 42 for every
 * occurrence, as in Kafka): validation and creation by the TopicManager, whose header lists the
 * error codes (17 bad name, 36 exists, 37 partitions, 38 replication factor, 39 assignment,
 * 40 config). validate_only (v1+) checks everything and creates nothing. The reply for a created
 * topic is sent only once its registry entry is durable. v1+ carry an error message.
 * timeout_ms is not needed: creation completes before the reply.
 *
 * v5+ (KIP-525) also return, for a topic created (or that would be, with validate_only), its
 * partition count, replication factor 1 and every supported config with its effective value and
 * source (1 DYNAMIC_TOPIC_CONFIG for a request override, 4 STATIC_BROKER_CONFIG for a broker topic
 * default, 5 DEFAULT_CONFIG; the same entries DescribeConfigs reports); a refused topic gets -1,
 * -1 and no configs. v7 returns the new topic's id (ZERO_UUID for validate_only or a refusal).
 * The tagged TopicConfigErrorCode stays 0 (configs are always readable).
 */
import { CreateTopicsRequestSchema, CreateTopicsResponseSchema } from '../../protocol/messages/19-create-topics.ts';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/messages/19-create-topics.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { ZERO_UUID } from '../../protocol/schema.ts';
import { describeTopicConfigs } from '../topic-config.ts';
import { TopicError } from '../topic-manager.ts';
import { isStorageFailure } from '../log/log-errors.ts';
import { defineHandler } from './handler.ts';
import { allowed, clusterAllowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<CreateTopicsResponse>;
type TopicResult = NonNullable<Response['topics']>[number];

const CONFIG_SOURCE = { topic: 1, broker: 4, default: 5 } as const;

export const createTopicsHandler = defineHandler<CreateTopicsRequest, Response>({
  apiKey: 19,
  name: 'CreateTopics',
  requestSchema: CreateTopicsRequestSchema,
  responseSchema: CreateTopicsResponseSchema,
  advertised: { min: 0, max: 7 },
  served: { min: 0, max: 7 },
  async handle(ctx, req) {
    const manager = ctx.broker.topicManager;
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics: TopicResult[] = [];
    // CREATE on the cluster allows every topic; without it, CREATE on each topic is needed.
    const mayCreateAny = clusterAllowed(ctx, Op.CREATE);
    for (const t of req.topics) {
      const result: TopicResult = {
        name: t.name,
        topicId: ZERO_UUID,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: -1,
        replicationFactor: -1,
        configs: [],
      };
      topics.push(result);
      if ((counts.get(t.name) ?? 0) > 1) {
        result.errorCode = ErrorCode.INVALID_REQUEST;
        result.errorMessage = `topic "${t.name}" appears more than once in the request`;
        continue;
      }
      if (!mayCreateAny && !allowed(ctx, Op.CREATE, Res.TOPIC, t.name)) {
        result.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        result.errorMessage = 'Authorization failed.';
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
        let created: { partitions: number; configs: Readonly<Record<string, string>> };
        if (req.validateOnly) created = manager.validate(spec);
        else {
          const info = await manager.create(spec);
          created = info;
          result.topicId = info.topicId;
        }
        result.numPartitions = created.partitions;
        result.replicationFactor = 1;
        result.configs = describeTopicConfigs(ctx.broker.options.topicDefaults, created.configs).map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: false,
          configSource: CONFIG_SOURCE[c.source],
          isSensitive: false,
        }));
      } catch (err) {
        if (err instanceof TopicError) {
          result.errorCode = err.errorCode;
          result.errorMessage = err.message;
        } else if (isStorageFailure(err)) {
          ctx.broker.logger.warn(`creating topic ${t.name} failed on the disk: ${(err as Error).message}`);
          result.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
          result.errorMessage = `cannot create topic ${t.name}: the broker's disk failed (${(err as Error).message}); free space or fix the disk and retry`;
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
