/*
 * JoinGroup (API key 11), versions 0-9, flexible from 6.
 *
 * v0    group, session timeout, member id, protocol type, protocols {name, metadata}.
 * v1    RebalanceTimeoutMs (v0 uses the session timeout).   v2: throttle time (kafka-python).
 * v3    same as v2.
 * v4    an empty member id gets MEMBER_ID_REQUIRED (79) and must rejoin with the returned id.
 * v5    GroupInstanceId (static membership; kafkajs and librdkafka send v5).
 * v6    first flexible version.   v7: response carries ProtocolType (KIP-559).
 * v8    Reason (KIP-800).   v9: response SkipAssignment.
 * Only the leader's response lists Members[].
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const JoinGroupRequestSchema = {
  name: 'JoinGroupRequest',
  apiKey: 11,
  kind: 'request',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'SessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'RebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'ProtocolType', type: 'string', versions: '0+' },
    {
      name: 'Protocols', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Metadata', type: 'bytes', versions: '0+' },
      ],
    },
    { name: 'Reason', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
  ],
} as const satisfies MessageDef;

export const JoinGroupResponseSchema = {
  name: 'JoinGroupResponse',
  apiKey: 11,
  kind: 'response',
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '2+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+', default: -1 },
    { name: 'ProtocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'ProtocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'Leader', type: 'string', versions: '0+' },
    { name: 'SkipAssignment', type: 'bool', versions: '9+', default: false },
    { name: 'MemberId', type: 'string', versions: '0+' },
    {
      name: 'Members', type: '[]struct', versions: '0+',
      fields: [
        { name: 'MemberId', type: 'string', versions: '0+' },
        { name: 'GroupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        { name: 'Metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type JoinGroupRequest = MessageValue<typeof JoinGroupRequestSchema>;
export type JoinGroupResponse = MessageValue<typeof JoinGroupResponseSchema>;
