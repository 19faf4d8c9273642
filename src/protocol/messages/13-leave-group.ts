/*
 * LeaveGroup (API key 13), versions 0-5, flexible from 4.
 *
 * v0-2  a single MemberId; v1 adds throttle time.
 * v3    batch form: Members[{MemberId, GroupInstanceId}] with a per-member error (kafkajs).
 * v4    first flexible version.   v5: per-member Reason (KIP-800).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const LeaveGroupRequestSchema = {
  name: 'LeaveGroupRequest',
  apiKey: 13,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0-2' },
    {
      name: 'Members', type: '[]struct', versions: '3+',
      fields: [
        { name: 'MemberId', type: 'string', versions: '3+' },
        { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'Reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
} as const satisfies MessageDef;

export const LeaveGroupResponseSchema = {
  name: 'LeaveGroupResponse',
  apiKey: 13,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    {
      name: 'Members', type: '[]struct', versions: '3+',
      fields: [
        { name: 'MemberId', type: 'string', versions: '3+' },
        { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
        { name: 'ErrorCode', type: 'int16', versions: '3+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type LeaveGroupRequest = MessageValue<typeof LeaveGroupRequestSchema>;
export type LeaveGroupResponse = MessageValue<typeof LeaveGroupResponseSchema>;
