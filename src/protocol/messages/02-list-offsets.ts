/*
 * ListOffsets (API key 2), versions 0-8, flexible from 6.
 *
 * v0    request has MaxNumOffsets; response returns an array of OldStyleOffsets.
 * v1    one offset per partition, with its Timestamp (kafka-python uses v1).
 * v2    IsolationLevel in the request; throttle time in the response (librdkafka uses v2).
 * v3    same as v2 (kafkajs uses v3).
 * v4    CurrentLeaderEpoch in the request, LeaderEpoch in the response.   v5: OFFSET_NOT_AVAILABLE.
 * v6    first flexible version.   v7: max-timestamp lookups (-3, KIP-734).
 * v8    local log start offset lookups (-4, KIP-405).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const ListOffsetsRequestSchema = {
  name: 'ListOffsetsRequest',
  apiKey: 2,
  kind: 'request',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'ReplicaId', type: 'int32', versions: '0+' },
    { name: 'IsolationLevel', type: 'int8', versions: '2+' },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'CurrentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
            { name: 'Timestamp', type: 'int64', versions: '0+' },
            { name: 'MaxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export const ListOffsetsResponseSchema = {
  name: 'ListOffsetsResponse',
  apiKey: 2,
  kind: 'response',
  validVersions: '0-8',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'OldStyleOffsets', type: '[]int64', versions: '0' },
            { name: 'Timestamp', type: 'int64', versions: '1+', default: -1 },
            { name: 'Offset', type: 'int64', versions: '1+', default: -1 },
            { name: 'LeaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type ListOffsetsRequest = MessageValue<typeof ListOffsetsRequestSchema>;
export type ListOffsetsResponse = MessageValue<typeof ListOffsetsResponseSchema>;
