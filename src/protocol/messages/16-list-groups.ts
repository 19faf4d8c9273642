/*
 * ListGroups (API key 16), versions 0-5, flexible from 3.
 *
 * v0    empty request; groups {GroupId, ProtocolType} (librdkafka legacy list_groups).
 * v1    throttle time (kafka-python sends v1 for its "v2").   v2: same (kafkajs).
 * v3    first flexible version.   v4: StatesFilter / GroupState (KIP-518).
 * v5    TypesFilter / GroupType (KIP-848).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const ListGroupsRequestSchema = {
  name: 'ListGroupsRequest',
  apiKey: 16,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'StatesFilter', type: '[]string', versions: '4+' },
    { name: 'TypesFilter', type: '[]string', versions: '5+' },
  ],
} as const satisfies MessageDef;

export const ListGroupsResponseSchema = {
  name: 'ListGroupsResponse',
  apiKey: 16,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'Groups', type: '[]struct', versions: '0+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'ProtocolType', type: 'string', versions: '0+' },
        { name: 'GroupState', type: 'string', versions: '4+' },
        { name: 'GroupType', type: 'string', versions: '5+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type ListGroupsRequest = MessageValue<typeof ListGroupsRequestSchema>;
export type ListGroupsResponse = MessageValue<typeof ListGroupsResponseSchema>;
