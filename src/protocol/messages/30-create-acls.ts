/*
 * CreateAcls (API key 30), versions 0-3, flexible from 2.
 *
 * v0    one entry per ACL: resource type and name, principal, host, operation, permission.
 * v1    the resource pattern type (LITERAL 3 or PREFIXED 4).   v2: first flexible version.
 * v3    the USER resource type (KIP-554; refused by this broker with INVALID_REQUEST).
 * One result per creation, in request order.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs; property names are the spec
 * names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const CreateAclsRequestSchema = {
  name: 'CreateAclsRequest',
  apiKey: 30,
  kind: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'Creations', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+' },
        { name: 'ResourceName', type: 'string', versions: '0+' },
        { name: 'ResourcePatternType', type: 'int8', versions: '1+', default: 3 },
        { name: 'Principal', type: 'string', versions: '0+' },
        { name: 'Host', type: 'string', versions: '0+' },
        { name: 'Operation', type: 'int8', versions: '0+' },
        { name: 'PermissionType', type: 'int8', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const CreateAclsResponseSchema = {
  name: 'CreateAclsResponse',
  apiKey: 30,
  kind: 'response',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type CreateAclsRequest = MessageValue<typeof CreateAclsRequestSchema>;
export type CreateAclsResponse = MessageValue<typeof CreateAclsResponseSchema>;
