/*
 * DescribeLogDirs (API key 35), versions 0-4, flexible from v2 (KIP-482).
 *
 * v0    request: Topics {Topic, Partitions[]} (null = every partition of every topic); response:
 *       per log dir {ErrorCode, LogDir, Topics {Name, Partitions {PartitionIndex, PartitionSize,
 *       OffsetLag, IsFutureKey}}}.
 * v1    same as v0 (the broker may throttle).
 * v2    flexible (compact strings and arrays, tagged fields).
 * v3    response adds a top-level ErrorCode (CLUSTER_AUTHORIZATION_FAILED when denied).
 * v4    each log dir adds TotalBytes and UsableBytes (-1 when unknown).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs
 * (clients/src/main/resources/common/message/DescribeLogDirs*.json).
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeLogDirsRequestSchema = {
  name: 'DescribeLogDirsRequest',
  apiKey: 35,
  kind: 'request',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'Topic', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const DescribeLogDirsResponseSchema = {
  name: 'DescribeLogDirsResponse',
  apiKey: 35,
  kind: 'response',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '3+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'LogDir', type: 'string', versions: '0+' },
        {
          name: 'Topics', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            {
              name: 'Partitions', type: '[]struct', versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'PartitionSize', type: 'int64', versions: '0+' },
                { name: 'OffsetLag', type: 'int64', versions: '0+' },
                { name: 'IsFutureKey', type: 'bool', versions: '0+' },
              ],
            },
          ],
        },
        { name: 'TotalBytes', type: 'int64', versions: '4+', default: -1 },
        { name: 'UsableBytes', type: 'int64', versions: '4+', default: -1 },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DescribeLogDirsRequest = MessageValue<typeof DescribeLogDirsRequestSchema>;
export type DescribeLogDirsResponse = MessageValue<typeof DescribeLogDirsResponseSchema>;
