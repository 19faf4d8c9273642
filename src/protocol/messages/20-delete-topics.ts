/*
 * DeleteTopics (API key 20), versions 0-6, flexible from 4.
 *
 * v0-3  same request; response v1 adds throttle time, v3 may return TOPIC_DELETION_DISABLED.
 * v4    first flexible version.
 * v5    response ErrorMessage; THROTTLING_QUOTA_EXCEEDED possible (KIP-599).
 * v6    request lists Topics {Name (nullable), TopicId} instead of TopicNames; response TopicId.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DeleteTopicsRequestSchema = {
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  kind: 'request',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '6+',
      fields: [
        { name: 'Name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'TopicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'TopicNames', type: '[]string', versions: '0-5' },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const DeleteTopicsResponseSchema = {
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  kind: 'response',
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'Responses', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'TopicId', type: 'uuid', versions: '6+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DeleteTopicsRequest = MessageValue<typeof DeleteTopicsRequestSchema>;
export type DeleteTopicsResponse = MessageValue<typeof DeleteTopicsResponseSchema>;
