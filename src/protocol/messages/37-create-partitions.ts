/*
 * CreatePartitions (API key 37), versions 0-3, flexible from 2.
 *
 * v0    KIP-195: per topic the new total Count and, optionally, the broker ids of each new
 *       partition's replicas (Assignments, null = let the broker choose).
 * v1    same as v0 (the broker may throttle; kafka-python uses v0/v1).
 * v2    first flexible version (librdkafka 2.x and the Java admin).
 * v3    THROTTLING_QUOTA_EXCEEDED possible (KIP-599).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs
 * (clients/src/main/resources/common/message/CreatePartitions{Request,Response}.json, 3.8.0);
 * property names are the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const CreatePartitionsRequestSchema = {
  name: 'CreatePartitionsRequest',
  apiKey: 37,
  kind: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Count', type: 'int32', versions: '0+' },
        {
          name: 'Assignments', type: '[]struct', versions: '0+', nullableVersions: '0+',
          fields: [{ name: 'BrokerIds', type: '[]int32', versions: '0+' }],
        },
      ],
    },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ValidateOnly', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const CreatePartitionsResponseSchema = {
  name: 'CreatePartitionsResponse',
  apiKey: 37,
  kind: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
} as const satisfies MessageDef;

export type CreatePartitionsRequest = MessageValue<typeof CreatePartitionsRequestSchema>;
export type CreatePartitionsResponse = MessageValue<typeof CreatePartitionsResponseSchema>;
