/*
 * DeleteAcls (API key 31), versions 0-3, flexible from 2.
 *
 * v0    a list of filters (resource type, name, principal, host, operation, permission; a null
 *       string matches anything); per filter, every ACL it matched and deleted.
 * v1    the pattern type filter (ANY 1, MATCH 2, LITERAL 3, PREFIXED 4).   v2: flexible.
 * v3    the USER resource type (KIP-554; matches nothing here).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs; property names are the spec
 * names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DeleteAclsRequestSchema = {
  name: 'DeleteAclsRequest',
  apiKey: 31,
  kind: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Filters', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ResourceTypeFilter', type: 'int8', versions: '0+' },
        { name: 'ResourceNameFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'PatternTypeFilter', type: 'int8', versions: '1+', default: 3 },
        { name: 'PrincipalFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'HostFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'Operation', type: 'int8', versions: '0+' },
        { name: 'PermissionType', type: 'int8', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const DeleteAclsResponseSchema = {
  name: 'DeleteAclsResponse',
  apiKey: 31,
  kind: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'FilterResults', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        {
          name: 'MatchingAcls', type: '[]struct', versions: '0+',
          fields: [
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'ResourceType', type: 'int8', versions: '0+' },
            { name: 'ResourceName', type: 'string', versions: '0+' },
            { name: 'PatternType', type: 'int8', versions: '1+', default: 3 },
            { name: 'Principal', type: 'string', versions: '0+' },
            { name: 'Host', type: 'string', versions: '0+' },
            { name: 'Operation', type: 'int8', versions: '0+' },
            { name: 'PermissionType', type: 'int8', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DeleteAclsRequest = MessageValue<typeof DeleteAclsRequestSchema>;
export type DeleteAclsResponse = MessageValue<typeof DeleteAclsResponseSchema>;
