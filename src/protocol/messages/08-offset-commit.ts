/*
 * OffsetCommit (API key 8), versions 0-9, flexible from 8.
 *
 * v0    group, topics, partitions {index, offset, metadata}.
 * v1    GenerationIdOrMemberEpoch and MemberId; per-partition CommitTimestamp (v1 only).
 * v2    RetentionTimeMs replaces the commit timestamp (kafka-python uses v2); v3-4 same body,
 *       v3 response adds throttle time.
 * v5    RetentionTimeMs removed (kafkajs uses v5).   v6: CommittedLeaderEpoch per partition.
 * v7    GroupInstanceId (librdkafka uses v7).   v8: first flexible version.
 * v9    usable with the KIP-848 consumer protocol; same body as v8.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const OffsetCommitRequestSchema = {
  name: 'OffsetCommitRequest',
  apiKey: 8,
  kind: 'request',
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1 },
    { name: 'MemberId', type: 'string', versions: '1+' },
    { name: 'GroupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'RetentionTimeMs', type: 'int64', versions: '2-4', default: -1 },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'CommittedOffset', type: 'int64', versions: '0+' },
            { name: 'CommittedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
            { name: 'CommitTimestamp', type: 'int64', versions: '1', default: -1 },
            { name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export const OffsetCommitResponseSchema = {
  name: 'OffsetCommitResponse',
  apiKey: 8,
  kind: 'response',
  validVersions: '0-9',
  flexibleVersions: '8+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type OffsetCommitRequest = MessageValue<typeof OffsetCommitRequestSchema>;
export type OffsetCommitResponse = MessageValue<typeof OffsetCommitResponseSchema>;
