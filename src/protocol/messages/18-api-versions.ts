/*
 * ApiVersions (API key 18), versions 0-3, flexible from 3.
 *
 * v0-2  empty request; v1 response adds throttle time, v2 changes only quota behaviour.
 * v3    first flexible version: the request carries ClientSoftwareName/Version (librdkafka sends
 *       these); the response may carry tagged SupportedFeatures, FinalizedFeaturesEpoch,
 *       FinalizedFeatures and ZkMigrationReady.
 * The response header is ALWAYS v0 (no tag section), even for v3 (see ../header.ts). When a client
 * asks for a version the broker does not know, the broker answers with a v0 body and error 35 so the
 * client can retry lower.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const ApiVersionsRequestSchema = {
  name: 'ApiVersionsRequest',
  apiKey: 18,
  kind: 'request',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'ClientSoftwareName', type: 'string', versions: '3+' },
    { name: 'ClientSoftwareVersion', type: 'string', versions: '3+' },
  ],
} as const satisfies MessageDef;

export const ApiVersionsResponseSchema = {
  name: 'ApiVersionsResponse',
  apiKey: 18,
  kind: 'response',
  validVersions: '0-3',
  flexibleVersions: '3+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'ApiKeys', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ApiKey', type: 'int16', versions: '0+' },
        { name: 'MinVersion', type: 'int16', versions: '0+' },
        { name: 'MaxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'SupportedFeatures', type: '[]struct', versions: '3+', tag: 0, taggedVersions: '3+',
      fields: [
        { name: 'Name', type: 'string', versions: '3+' },
        { name: 'MinVersion', type: 'int16', versions: '3+' },
        { name: 'MaxVersion', type: 'int16', versions: '3+' },
      ],
    },
    { name: 'FinalizedFeaturesEpoch', type: 'int64', versions: '3+', default: -1, tag: 1, taggedVersions: '3+' },
    {
      name: 'FinalizedFeatures', type: '[]struct', versions: '3+', tag: 2, taggedVersions: '3+',
      fields: [
        { name: 'Name', type: 'string', versions: '3+' },
        { name: 'MaxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'MinVersionLevel', type: 'int16', versions: '3+' },
      ],
    },
    { name: 'ZkMigrationReady', type: 'bool', versions: '3+', default: false, tag: 3, taggedVersions: '3+' },
  ],
} as const satisfies MessageDef;

export type ApiVersionsRequest = MessageValue<typeof ApiVersionsRequestSchema>;
export type ApiVersionsResponse = MessageValue<typeof ApiVersionsResponseSchema>;
