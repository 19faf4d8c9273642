/*
 * DescribeGroups (API key 15), versions 0-5, flexible from 5.
 *
 * v0    group ids in, groups {error, id, state, protocol type/data, members} out (librdkafka).
 * v1    throttle time.   v2: same (kafkajs).
 * v3    IncludeAuthorizedOperations / AuthorizedOperations (kafka-python).
 * v4    members carry GroupInstanceId.   v5: first flexible version.
 * State strings: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. Member metadata
 * and assignment are only filled while Stable.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeGroupsRequestSchema = {
  name: 'DescribeGroupsRequest',
  apiKey: 15,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'Groups', type: '[]string', versions: '0+' },
    { name: 'IncludeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
} as const satisfies MessageDef;

export const DescribeGroupsResponseSchema = {
  name: 'DescribeGroupsResponse',
  apiKey: 15,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '5+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'Groups', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'GroupState', type: 'string', versions: '0+' },
        { name: 'ProtocolType', type: 'string', versions: '0+' },
        { name: 'ProtocolData', type: 'string', versions: '0+' },
        {
          name: 'Members', type: '[]struct', versions: '0+',
          fields: [
            { name: 'MemberId', type: 'string', versions: '0+' },
            { name: 'GroupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
            { name: 'ClientId', type: 'string', versions: '0+' },
            { name: 'ClientHost', type: 'string', versions: '0+' },
            { name: 'MemberMetadata', type: 'bytes', versions: '0+' },
            { name: 'MemberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        { name: 'AuthorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DescribeGroupsRequest = MessageValue<typeof DescribeGroupsRequestSchema>;
export type DescribeGroupsResponse = MessageValue<typeof DescribeGroupsResponseSchema>;
