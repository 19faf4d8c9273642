/*
 * Metadata (key 3), served and advertised 0–12 (v9+ flexible). One broker (this node, under
 * advertisedHost and the bound port), which is also the controller (kafkajs sends InitProducerId
 * to the controller) and the leader of every partition (leader epoch 0, replicas = ISR = [this
 * node]).
 *
 * Topic list semantics: v0 empty list = all topics; v1+ null = all, empty = none.
 * Each requested topic is named (every version) or, from v12, may be given by topic id alone
 * (name null, id ≠ zero); a name wins when both are given, as in Kafka.
 *   by name, valid and present (or auto-created)      → the topic, error 0
 *   by name, invalid                                   → INVALID_TOPIC_EXCEPTION 17
 *   by name, missing and not created                   → UNKNOWN_TOPIC_OR_PARTITION 3
 *   by id (v12), unknown id                            → UNKNOWN_TOPIC_ID 100, name null
 *   neither a name nor an id, or an id before v12      → INVALID_REQUEST 42
 * Auto-creation of a requested, missing topic: v4+ when the request's allowAutoTopicCreation AND
 * the broker's autoCreateTopics are both true; v0–3 by the broker setting alone (kafka-python).
 * The created topic is answered with error 0 right away, not Kafka's first LEADER_NOT_AVAILABLE:
 * every client tested accepts it, and it saves kafka-python a retry round.
 *
 * Auto-creation is bounded and tied to the request: at most MAX_AUTO_CREATE_PER_REQUEST topics
 * are created per request (the rest are answered UNKNOWN_TOPIC_OR_PARTITION, and the client's
 * retry creates the next ones — Kafka bounds this work with controller mutation quotas), and it
 * stops as soon as the requesting connection closes, so a request naming 200,000 topics does not
 * keep creating them for a client that has gone.
 *
 * ACLs (when on, as Kafka's KafkaApis): the all-topics form lists only topics the caller may
 * DESCRIBE; a named topic it may not DESCRIBE answers TOPIC_AUTHORIZATION_FAILED 29, whether or
 * not it exists; a missing topic is auto-created only for a caller with CREATE on the cluster or
 * the topic, else it too answers TOPIC_AUTHORIZATION_FAILED.
 *
 * Per version: v7+ leader epoch 0; v8+ authorized operations are reported as "not requested"
 * (-2147483648, Kafka's value when no authorizer is configured); v10+ topic ids (stable UUIDs from
 * the topic registry; ZERO_UUID for a topic that does not exist). Tagged fields stay at their
 * defaults (@platformatic/kafka cannot skip a non-empty tag section).
 */
import { MetadataRequestSchema, MetadataResponseSchema } from '../../protocol/messages/03-metadata.ts';
import type { MetadataRequest, MetadataResponse } from '../../protocol/messages/03-metadata.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ZERO_UUID } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { isInternalTopic, topicNameError } from '../topic-config.ts';
import type { TopicInfo } from '../topic-registry.ts';
import type { Broker } from '../broker.ts';
import { defineHandler } from './handler.ts';
import { allowed, mayCreateTopic, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<MetadataResponse>;
type TopicEntry = NonNullable<Response['topics']>[number];

export const CLUSTER_ID = 'tributary-cluster';

/** Kafka's "authorized operations were not requested / not available" marker. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** Topics one Metadata request may auto-create (each is a registry write and directory creation). */
export const MAX_AUTO_CREATE_PER_REQUEST = 100;

export const metadataHandler = defineHandler<MetadataRequest, Response>({
  apiKey: 3,
  name: 'Metadata',
  requestSchema: MetadataRequestSchema,
  responseSchema: MetadataResponseSchema,
  advertised: { min: 0, max: 12 },
  served: { min: 0, max: 12 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const version = ctx.apiVersion;
    const allowAuto = version >= 4 ? req.allowAutoTopicCreation : true;
    const wantsAll = req.topics === null || (version === 0 && req.topics.length === 0);
    const topics: TopicEntry[] = [];
    let creations = 0;
    if (wantsAll) {
      for (const info of broker.topics.list()) if (allowed(ctx, Op.DESCRIBE, Res.TOPIC, info.name)) topics.push(describeTopic(broker, info));
    } else {
      for (const t of req.topics ?? []) {
        const name = t.name;
        if (name === null || name === undefined) {
          const entry = describeById(broker, version, t.topicId ?? ZERO_UUID);
          const hidden = typeof entry.name === 'string' && entry.name !== '' && !allowed(ctx, Op.DESCRIBE, Res.TOPIC, entry.name);
          topics.push(hidden ? { ...errorEntry(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null), topicId: t.topicId ?? ZERO_UUID } : entry);
          continue;
        }
        if (topicNameError(name) !== null) {
          topics.push(errorEntry(ErrorCode.INVALID_TOPIC_EXCEPTION, name));
          continue;
        }
        if (!allowed(ctx, Op.DESCRIBE, Res.TOPIC, name)) {
          topics.push(errorEntry(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name));
          continue;
        }
        let info: TopicInfo | undefined = broker.topics.get(name);
        if (info === undefined && allowAuto && broker.options.autoCreateTopics && !isInternalTopic(name) && !mayCreateTopic(ctx, name)) {
          topics.push(errorEntry(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name));
          continue;
        }
        const mayCreate = allowAuto && creations < MAX_AUTO_CREATE_PER_REQUEST && !ctx.conn.isClosed && !isInternalTopic(name);
        try {
          if (info === undefined && mayCreate) {
            creations++;
            info = await broker.topicManager.ensure(name, true);
          }
        } catch (err) {
          broker.logger.warn(`auto-creating topic ${name} failed: ${(err as Error).message}`);
        }
        topics.push(info !== undefined ? describeTopic(broker, info) : errorEntry(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: broker.advertisedHost, port: broker.port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});

/** A topic requested by id only (name null): v12+, never auto-created. */
function describeById(broker: Broker, version: number, topicId: string): TopicEntry {
  if (version < 12 || topicId === ZERO_UUID) {
    // Name is non-nullable in responses before v12, so the entry carries an empty name there.
    return { ...errorEntry(ErrorCode.INVALID_REQUEST, version >= 12 ? null : ''), topicId };
  }
  const info = broker.topics.getById(topicId);
  if (info === undefined) return { ...errorEntry(ErrorCode.UNKNOWN_TOPIC_ID, null), topicId };
  return describeTopic(broker, info);
}

function errorEntry(errorCode: number, name: string | null): TopicEntry {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED };
}

function describeTopic(broker: Broker, info: TopicInfo): TopicEntry {
  const partitions = [];
  for (let p = 0; p < info.partitions; p++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: p,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: info.name,
    topicId: info.topicId,
    isInternal: isInternalTopic(info.name),
    partitions,
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
