/*
 * Metadata (key 3), served 0–6 (advertised 0–6). One broker (this node, under advertisedHost and
 * the bound port), which is also the controller (kafkajs sends InitProducerId to the controller)
 * and the leader of every partition (leader epoch 0, replicas = ISR = [this node]).
 *
 * Topic list semantics: v0 empty list = all topics; v1+ null = all, empty = none.
 * Auto-creation of a requested, missing topic: v4+ when the request's allowAutoTopicCreation AND
 * the broker's autoCreateTopics are both true; v0–3 by the broker setting alone (kafka-python).
 * The created topic is answered with error 0 right away (COMPATIBILITY.md §4.3 item 12).
 * Per-topic errors: INVALID_TOPIC_EXCEPTION 17 for a bad name, UNKNOWN_TOPIC_OR_PARTITION 3 for a
 * missing topic that is not created.
 */
import { MetadataRequestSchema, MetadataResponseSchema } from '../../protocol/messages/03-metadata.ts';
import type { MetadataRequest, MetadataResponse } from '../../protocol/messages/03-metadata.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ZERO_UUID } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { topicNameError } from '../topic-config.ts';
import type { TopicInfo } from '../topic-registry.ts';
import type { Broker } from '../broker.ts';
import { defineHandler } from './handler.ts';

type Response = Encodable<MetadataResponse>;
type TopicEntry = NonNullable<Response['topics']>[number];

export const CLUSTER_ID = 'tributary-cluster';

export const metadataHandler = defineHandler<MetadataRequest, Response>({
  apiKey: 3,
  name: 'Metadata',
  requestSchema: MetadataRequestSchema,
  responseSchema: MetadataResponseSchema,
  advertised: { min: 0, max: 6 },
  served: { min: 0, max: 6 },
  async handle(ctx, req) {
    const { broker } = ctx;
    const allowAuto = ctx.apiVersion >= 4 ? req.allowAutoTopicCreation : true;
    const wantsAll = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const topics: TopicEntry[] = [];
    if (wantsAll) {
      for (const info of broker.topics.list()) topics.push(describeTopic(broker, info));
    } else {
      for (const t of req.topics ?? []) {
        const name = t.name ?? '';
        if (topicNameError(name) !== null) {
          topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, topicId: ZERO_UUID, partitions: [] });
          continue;
        }
        let info: TopicInfo | undefined;
        try {
          info = await broker.topicManager.ensure(name, allowAuto);
        } catch (err) {
          broker.logger.warn(`auto-creating topic ${name} failed: ${(err as Error).message}`);
        }
        topics.push(
          info !== undefined
            ? describeTopic(broker, info)
            : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, partitions: [] },
        );
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: broker.advertisedHost, port: broker.port, rack: null }],
      clusterId: CLUSTER_ID,
      controllerId: broker.nodeId,
      topics,
    };
  },
});

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
    isInternal: info.name.startsWith('__'),
    partitions,
  };
}
