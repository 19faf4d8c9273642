/*
 * Metadata (API key 3), versions 0-12, flexible from 9.
 *
 * v0    an empty topic list means "all topics" (kafka-python's version probe).
 * v1    null topic list means "all topics", empty means none; response adds broker Rack,
 *       ControllerId and IsInternal (kafka-python normal path).
 * v2    ClusterId.   v3: throttle time.   v4: AllowAutoTopicCreation (librdkafka uses v4).
 * v5    OfflineReplicas per partition.   v6: same as v5 (kafkajs uses v6).
 * v7    LeaderEpoch per partition.   v8: authorized operations (cluster and topic).
 * v9    first flexible version.   v10: TopicId (topic names nullable in requests).
 * v11   IncludeClusterAuthorizedOperations / ClusterAuthorizedOperations removed (KIP-700).
 * v12   topics may be requested by id.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const MetadataRequestSchema = {
  name: 'MetadataRequest',
  apiKey: 3,
  kind: 'request',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '0+', nullableVersions: '1+',
      fields: [
        { name: 'TopicId', type: 'uuid', versions: '10+' },
        { name: 'Name', type: 'string', versions: '0+', nullableVersions: '10+' },
      ],
    },
    { name: 'AllowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'IncludeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
} as const satisfies MessageDef;

export const MetadataResponseSchema = {
  name: 'MetadataResponse',
  apiKey: 3,
  kind: 'response',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'Brokers', type: '[]struct', versions: '0+',
      fields: [
        { name: 'NodeId', type: 'int32', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Port', type: 'int32', versions: '0+' },
        { name: 'Rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
      ],
    },
    { name: 'ClusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    { name: 'ControllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'Name', type: 'string', versions: '0+', nullableVersions: '12+' },
        { name: 'TopicId', type: 'uuid', versions: '10+' },
        { name: 'IsInternal', type: 'bool', versions: '1+', default: false },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'LeaderId', type: 'int32', versions: '0+' },
            { name: 'LeaderEpoch', type: 'int32', versions: '7+', default: -1 },
            { name: 'ReplicaNodes', type: '[]int32', versions: '0+' },
            { name: 'IsrNodes', type: '[]int32', versions: '0+' },
            { name: 'OfflineReplicas', type: '[]int32', versions: '5+' },
          ],
        },
        { name: 'TopicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
      ],
    },
    { name: 'ClusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
  ],
} as const satisfies MessageDef;

export type MetadataRequest = MessageValue<typeof MetadataRequestSchema>;
export type MetadataResponse = MessageValue<typeof MetadataResponseSchema>;
