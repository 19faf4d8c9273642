/*
 * CreateTopics (API key 19), versions 0-7, flexible from 5.
 *
 * v1    ValidateOnly in the request; response adds a per-topic ErrorMessage.
 * v2    throttle time.   v3: quota behaviour only (kafkajs and kafka-python use v3).
 * v4    NumPartitions / ReplicationFactor may be -1 for broker defaults (KIP-464; librdkafka v4).
 * v5    first flexible version; response returns the topic's configs, partitions and RF (KIP-525).
 * v6    THROTTLING_QUOTA_EXCEEDED possible (KIP-599).   v7: response returns the TopicId.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const CreateTopicsRequestSchema = {
  name: 'CreateTopicsRequest',
  apiKey: 19,
  kind: 'request',
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'NumPartitions', type: 'int32', versions: '0+' },
        { name: 'ReplicationFactor', type: 'int16', versions: '0+' },
        {
          name: 'Assignments', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'BrokerIds', type: '[]int32', versions: '0+' },
          ],
        },
        {
          name: 'Configs', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
} as const satisfies MessageDef;

export const CreateTopicsResponseSchema = {
  name: 'CreateTopicsResponse',
  apiKey: 19,
  kind: 'response',
  validVersions: '0-7',
  flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'TopicId', type: 'uuid', versions: '7+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '1+', nullableVersions: '0+' },
        { name: 'TopicConfigErrorCode', type: 'int16', versions: '5+', tag: 0, taggedVersions: '5+' },
        { name: 'NumPartitions', type: 'int32', versions: '5+', default: -1 },
        { name: 'ReplicationFactor', type: 'int16', versions: '5+', default: -1 },
        {
          name: 'Configs', type: '[]struct', versions: '5+', nullableVersions: '5+',
          fields: [
            { name: 'Name', type: 'string', versions: '5+' },
            { name: 'Value', type: 'string', versions: '5+', nullableVersions: '5+' },
            { name: 'ReadOnly', type: 'bool', versions: '5+' },
            { name: 'ConfigSource', type: 'int8', versions: '5+', default: -1 },
            { name: 'IsSensitive', type: 'bool', versions: '5+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type CreateTopicsRequest = MessageValue<typeof CreateTopicsRequestSchema>;
export type CreateTopicsResponse = MessageValue<typeof CreateTopicsResponseSchema>;
