/*
 * SyncGroup (API key 14), versions 0-5, flexible from 4.
 *
 * v0    group, generation, member id, assignments (leader only).   v1: throttle time (kafka-python).
 * v2    same as v1.   v3: GroupInstanceId (kafkajs, librdkafka).   v4: first flexible version.
 * v5    ProtocolType and ProtocolName in request and response (KIP-559).
 * For protocol type "consumer" the assignment bytes are a ConsumerProtocolAssignment
 * (./consumer-protocol.ts); never answer with zero bytes (kafka-python crashes).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const SyncGroupRequestSchema = {
  name: 'SyncGroupRequest',
  apiKey: 14,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    {
      name: 'Assignments', type: '[]struct', versions: '0+',
      fields: [
        { name: 'MemberId', type: 'string', versions: '0+' },
        { name: 'Assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const SyncGroupResponseSchema = {
  name: 'SyncGroupResponse',
  apiKey: 14,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProtocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'ProtocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'Assignment', type: 'bytes', versions: '0+' },
  ],
} as const satisfies MessageDef;

export type SyncGroupRequest = MessageValue<typeof SyncGroupRequestSchema>;
export type SyncGroupResponse = MessageValue<typeof SyncGroupResponseSchema>;
