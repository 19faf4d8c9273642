/*
 * DescribeAcls (API key 29), versions 0-3, flexible from 2.
 *
 * v0    resource type, name, principal, host, operation and permission filters; answer grouped
 *       by resource.     v1: the resource pattern type (LITERAL 3, PREFIXED 4; ANY 1 / MATCH 2
 *       as filters).     v2: first flexible version.     v3: the USER resource type (KIP-554;
 *       not stored by this broker, a USER filter matches nothing).
 * Before v1 the pattern type is absent: the filter is LITERAL and answers list LITERAL ACLs only.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs; property names are the spec
 * names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeAclsRequestSchema = {
  name: 'DescribeAclsRequest',
  apiKey: 29,
  kind: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ResourceTypeFilter', type: 'int8', versions: '0+' },
    { name: 'ResourceNameFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'PatternTypeFilter', type: 'int8', versions: '1+', default: 3 },
    { name: 'PrincipalFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'HostFilter', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'Operation', type: 'int8', versions: '0+' },
    { name: 'PermissionType', type: 'int8', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const DescribeAclsResponseSchema = {
  name: 'DescribeAclsResponse',
  apiKey: 29,
  kind: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Resources', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+' },
        { name: 'ResourceName', type: 'string', versions: '0+' },
        { name: 'PatternType', type: 'int8', versions: '1+', default: 3 },
        {
          name: 'Acls', type: '[]struct', versions: '0+',
          fields: [
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

export type DescribeAclsRequest = MessageValue<typeof DescribeAclsRequestSchema>;
export type DescribeAclsResponse = MessageValue<typeof DescribeAclsResponseSchema>;
