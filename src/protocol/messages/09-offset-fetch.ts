/*
 * OffsetFetch (API key 9), versions 0-9, flexible from 6.
 *
 * v0    offsets from ZooKeeper (historic); v1 from the offsets topic (kafka-python uses v1).
 * v2    null Topics = all committed offsets; response gains a top-level ErrorCode.
 * v3    throttle time (kafka-python admin).   v4: same (kafkajs).
 * v5    CommittedLeaderEpoch in the response (librdkafka).   v6: first flexible version.
 * v7    RequireStable (UNSTABLE_OFFSET_COMMIT while transactional offsets are pending).
 * v8    several groups per request: Groups[] replaces GroupId/Topics, the response Groups[].
 * v9    MemberId and MemberEpoch for the KIP-848 protocol.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const OffsetFetchRequestSchema = {
  name: 'OffsetFetchRequest',
  apiKey: 9,
  kind: 'request',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0-7' },
    {
      name: 'Topics', type: '[]struct', versions: '0-7', nullableVersions: '2-7',
      fields: [
        { name: 'Name', type: 'string', versions: '0-7' },
        { name: 'PartitionIndexes', type: '[]int32', versions: '0-7' },
      ],
    },
    {
      name: 'Groups', type: '[]struct', versions: '8+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '8+' },
        { name: 'MemberId', type: 'string', versions: '9+', nullableVersions: '9+', default: null },
        { name: 'MemberEpoch', type: 'int32', versions: '9+', default: -1 },
        {
          name: 'Topics', type: '[]struct', versions: '8+', nullableVersions: '8+',
          fields: [
            { name: 'Name', type: 'string', versions: '8+' },
            { name: 'PartitionIndexes', type: '[]int32', versions: '8+' },
          ],
        },
      ],
    },
    { name: 'RequireStable', type: 'bool', versions: '7+', default: false },
  ],
} as const satisfies MessageDef;

export const OffsetFetchResponseSchema = {
  name: 'OffsetFetchResponse',
  apiKey: 9,
  kind: 'response',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'Topics', type: '[]struct', versions: '0-7',
      fields: [
        { name: 'Name', type: 'string', versions: '0-7' },
        {
          name: 'Partitions', type: '[]struct', versions: '0-7',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0-7' },
            { name: 'CommittedOffset', type: 'int64', versions: '0-7' },
            { name: 'CommittedLeaderEpoch', type: 'int32', versions: '5-7', default: -1 },
            { name: 'Metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
            { name: 'ErrorCode', type: 'int16', versions: '0-7' },
          ],
        },
      ],
    },
    { name: 'ErrorCode', type: 'int16', versions: '2-7', default: 0 },
    {
      name: 'Groups', type: '[]struct', versions: '8+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '8+' },
        {
          name: 'Topics', type: '[]struct', versions: '8+',
          fields: [
            { name: 'Name', type: 'string', versions: '8+' },
            {
              name: 'Partitions', type: '[]struct', versions: '8+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '8+' },
                { name: 'CommittedOffset', type: 'int64', versions: '8+' },
                { name: 'CommittedLeaderEpoch', type: 'int32', versions: '8+', default: -1 },
                { name: 'Metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                { name: 'ErrorCode', type: 'int16', versions: '8+' },
              ],
            },
          ],
        },
        { name: 'ErrorCode', type: 'int16', versions: '8+', default: 0 },
      ],
    },
  ],
} as const satisfies MessageDef;

export type OffsetFetchRequest = MessageValue<typeof OffsetFetchRequestSchema>;
export type OffsetFetchResponse = MessageValue<typeof OffsetFetchResponseSchema>;
