/*
 * Fetch (API key 1), versions 0-16, flexible from 12.
 *
 * v0-2  same request; response v1 adds throttle time.
 * v3    request adds MaxBytes; partition order becomes significant.
 * v4    IsolationLevel; response adds LastStableOffset and AbortedTransactions (record batch v2).
 * v5    LogStartOffset in request and response.
 * v7    fetch sessions (SessionId, SessionEpoch, ForgottenTopicsData; KIP-227).
 * v9    CurrentLeaderEpoch per partition (KIP-320).   v10: zstd allowed.
 * v11   RackId in the request; PreferredReadReplica in the response (KIP-392).
 * v12   first flexible version; LastFetchedEpoch, tagged ClusterId, DivergingEpoch, CurrentLeader,
 *       SnapshotId.
 * v13   topics addressed by TopicId instead of name (KIP-516).   v14: same as 13.
 * v15   ReplicaState replaces ReplicaId (KIP-903).   v16: response NodeEndpoints (KIP-951).
 * Records in the response are a `records` field: encode accepts stored batch Buffers (or a list of
 * them) and passes large ones through as zero-copy chunks.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const FetchRequestSchema = {
  name: 'FetchRequest',
  apiKey: 1,
  kind: 'request',
  validVersions: '0-16',
  flexibleVersions: '12+',
  fields: [
    { name: 'ClusterId', type: 'string', versions: '12+', nullableVersions: '12+', default: null, tag: 0, taggedVersions: '12+' },
    { name: 'ReplicaId', type: 'int32', versions: '0-14', default: -1 },
    {
      name: 'ReplicaState', type: 'struct', versions: '15+', tag: 1, taggedVersions: '15+',
      fields: [
        { name: 'ReplicaId', type: 'int32', versions: '15+', default: -1 },
        { name: 'ReplicaEpoch', type: 'int64', versions: '15+', default: -1 },
      ],
    },
    { name: 'MaxWaitMs', type: 'int32', versions: '0+' },
    { name: 'MinBytes', type: 'int32', versions: '0+' },
    { name: 'MaxBytes', type: 'int32', versions: '3+', default: 2147483647 },
    { name: 'IsolationLevel', type: 'int8', versions: '4+', default: 0 },
    { name: 'SessionId', type: 'int32', versions: '7+', default: 0 },
    { name: 'SessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0-12' },
        { name: 'TopicId', type: 'uuid', versions: '13+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Partition', type: 'int32', versions: '0+' },
            { name: 'CurrentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
            { name: 'FetchOffset', type: 'int64', versions: '0+' },
            { name: 'LastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            { name: 'LogStartOffset', type: 'int64', versions: '5+', default: -1 },
            { name: 'PartitionMaxBytes', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'ForgottenTopicsData', type: '[]struct', versions: '7+',
      fields: [
        { name: 'Topic', type: 'string', versions: '7-12' },
        { name: 'TopicId', type: 'uuid', versions: '13+' },
        { name: 'Partitions', type: '[]int32', versions: '7+' },
      ],
    },
    { name: 'RackId', type: 'string', versions: '11+', default: '' },
  ],
} as const satisfies MessageDef;

export const FetchResponseSchema = {
  name: 'FetchResponse',
  apiKey: 1,
  kind: 'response',
  validVersions: '0-16',
  flexibleVersions: '12+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '7+' },
    { name: 'SessionId', type: 'int32', versions: '7+', default: 0 },
    {
      name: 'Responses', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0-12' },
        { name: 'TopicId', type: 'uuid', versions: '13+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'HighWatermark', type: 'int64', versions: '0+' },
            { name: 'LastStableOffset', type: 'int64', versions: '4+', default: -1 },
            { name: 'LogStartOffset', type: 'int64', versions: '5+', default: -1 },
            {
              name: 'DivergingEpoch', type: 'struct', versions: '12+', tag: 0, taggedVersions: '12+',
              fields: [
                { name: 'Epoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'EndOffset', type: 'int64', versions: '12+', default: -1 },
              ],
            },
            {
              name: 'CurrentLeader', type: 'struct', versions: '12+', tag: 1, taggedVersions: '12+',
              fields: [
                { name: 'LeaderId', type: 'int32', versions: '12+', default: -1 },
                { name: 'LeaderEpoch', type: 'int32', versions: '12+', default: -1 },
              ],
            },
            {
              name: 'SnapshotId', type: 'struct', versions: '12+', tag: 2, taggedVersions: '12+',
              fields: [
                { name: 'EndOffset', type: 'int64', versions: '0+', default: -1 },
                { name: 'Epoch', type: 'int32', versions: '0+', default: -1 },
              ],
            },
            {
              name: 'AbortedTransactions', type: '[]struct', versions: '4+', nullableVersions: '4+',
              fields: [
                { name: 'ProducerId', type: 'int64', versions: '4+' },
                { name: 'FirstOffset', type: 'int64', versions: '4+' },
              ],
            },
            { name: 'PreferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'NodeEndpoints', type: '[]struct', versions: '16+', tag: 0, taggedVersions: '16+',
      fields: [
        { name: 'NodeId', type: 'int32', versions: '16+' },
        { name: 'Host', type: 'string', versions: '16+' },
        { name: 'Port', type: 'int32', versions: '16+' },
        { name: 'Rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null },
      ],
    },
  ],
} as const satisfies MessageDef;

export type FetchRequest = MessageValue<typeof FetchRequestSchema>;
export type FetchResponse = MessageValue<typeof FetchResponseSchema>;
