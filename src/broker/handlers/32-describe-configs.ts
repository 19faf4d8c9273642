/*
 * DescribeConfigs (key 32): advertised and served 0–2 (kafkajs sends v2, librdkafka v1).
 *
 *   resource type 2 (topic)   every supported topic config (topic-config.ts) with its effective
 *                             value; source: topic override → 1 DYNAMIC_TOPIC_CONFIG, the broker's
 *                             topicDefaults → 4 STATIC_BROKER_CONFIG, built-in → 5 DEFAULT_CONFIG.
 *                             Unknown topic → UNKNOWN_TOPIC_OR_PARTITION 3.
 *   resource type 4 (broker)  the broker settings that correspond to Kafka broker configs, all
 *                             static (read-only); the name must be this node's id, else
 *                             INVALID_REQUEST 42.
 *   other types               INVALID_REQUEST 42.
 * configuration_keys null = all; otherwise only the named keys that exist. v0 reports is_default;
 * v1+ report config_source, and synonyms (the entry itself) when include_synonyms is set.
 */
import { DescribeConfigsRequestSchema, DescribeConfigsResponseSchema } from '../../protocol/messages/32-describe-configs.ts';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../../protocol/messages/32-describe-configs.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { describeTopicConfigs } from '../topic-config.ts';
import type { Broker } from '../broker.ts';
import { defineHandler } from './handler.ts';
import { allowed, clusterAllowed, AclOperation as Op, ResourceType as Res } from '../acl/request-authz.ts';

type Response = Encodable<DescribeConfigsResponse>;
type Result = NonNullable<Response['results']>[number];

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const SOURCE = { dynamicTopic: 1, staticBroker: 4, default: 5 } as const;

interface Entry {
  name: string;
  value: string;
  readOnly: boolean;
  source: number;
}

function brokerEntries(broker: Broker): Entry[] {
  const o = broker.options;
  const e = (name: string, value: string | number | boolean): Entry => ({ name, value: String(value), readOnly: true, source: SOURCE.staticBroker });
  return [
    e('advertised.listeners', `PLAINTEXT://${broker.bootstrap}`),
    e('auto.create.topics.enable', o.autoCreateTopics),
    e('broker.id', o.nodeId),
    e('group.initial.rebalance.delay.ms', o.group.initialRebalanceDelayMs),
    e('group.max.session.timeout.ms', o.group.maxSessionTimeoutMs),
    e('group.min.session.timeout.ms', o.group.minSessionTimeoutMs),
    e('log.dirs', o.dataDir),
    e('log.retention.check.interval.ms', o.retentionCheckIntervalMs),
    e('num.partitions', o.defaultPartitions),
    e('socket.request.max.bytes', o.maxFrameBytes),
  ];
}

export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, Response>({
  apiKey: 32,
  name: 'DescribeConfigs',
  requestSchema: DescribeConfigsRequestSchema,
  responseSchema: DescribeConfigsResponseSchema,
  advertised: { min: 0, max: 2 },
  served: { min: 0, max: 2 },
  handle(ctx, req) {
    const broker = ctx.broker;
    const results = req.resources.map((r): Result => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NONE, errorMessage: null, configs: [] };
      let entries: Entry[];
      if (r.resourceType === RESOURCE_TOPIC) {
        if (!allowed(ctx, Op.DESCRIBE_CONFIGS, Res.TOPIC, r.resourceName)) return { ...base, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Topic authorization failed.' };
        const info = broker.topic(r.resourceName);
        if (info === undefined) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${r.resourceName}" does not exist` };
        entries = describeTopicConfigs(broker.options.topicDefaults, info.configs).map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: false,
          source: c.source === 'topic' ? SOURCE.dynamicTopic : c.source === 'broker' ? SOURCE.staticBroker : SOURCE.default,
        }));
      } else if (r.resourceType === RESOURCE_BROKER) {
        if (!clusterAllowed(ctx, Op.DESCRIBE_CONFIGS)) return { ...base, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
        if (r.resourceName !== String(broker.nodeId) && r.resourceName !== '') {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `this broker is node ${broker.nodeId}, not "${r.resourceName}"` };
        }
        entries = brokerEntries(broker);
      } else {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type ${r.resourceType} is not supported; use 2 (topic) or 4 (broker)` };
      }
      const wanted = r.configurationKeys === null ? null : new Set(r.configurationKeys);
      const configs = entries
        .filter((e) => wanted === null || wanted.has(e.name))
        .map((e) => ({
          name: e.name,
          value: e.value,
          readOnly: e.readOnly,
          isDefault: e.source === SOURCE.default,
          configSource: e.source,
          isSensitive: false,
          synonyms: req.includeSynoyms ? [{ name: e.name, value: e.value, source: e.source }] : [],
        }));
      return { ...base, configs };
    });
    return { throttleTimeMs: 0, results };
  },
});
