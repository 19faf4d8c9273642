/*
 * DeleteGroups (API key 42), versions 0-2, flexible from 2.
 *
 * v0    group names in, per-group ErrorCode out.   v1: same (all our clients).
 * v2    first flexible version.
 * NON_EMPTY_GROUP (68) for a group with members, GROUP_ID_NOT_FOUND (69) for an unknown one.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DeleteGroupsRequestSchema = {
  name: 'DeleteGroupsRequest',
  apiKey: 42,
  kind: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'GroupsNames', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const DeleteGroupsResponseSchema = {
  name: 'DeleteGroupsResponse',
  apiKey: 42,
  kind: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DeleteGroupsRequest = MessageValue<typeof DeleteGroupsRequestSchema>;
export type DeleteGroupsResponse = MessageValue<typeof DeleteGroupsResponseSchema>;
