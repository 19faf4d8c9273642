/*
 * Heartbeat (API key 12), versions 0-4, flexible from 4.
 *
 * v0    group, generation, member id.   v1: throttle time.   v2: same as v1.
 * v3    GroupInstanceId.   v4: first flexible version.
 * REBALANCE_IN_PROGRESS (27) is how a member learns it must rejoin.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const HeartbeatRequestSchema = {
  name: 'HeartbeatRequest',
  apiKey: 12,
  kind: 'request',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '0+' },
    { name: 'MemberId', type: 'string', versions: '0+' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
} as const satisfies MessageDef;

export const HeartbeatResponseSchema = {
  name: 'HeartbeatResponse',
  apiKey: 12,
  kind: 'response',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageDef;

export type HeartbeatRequest = MessageValue<typeof HeartbeatRequestSchema>;
export type HeartbeatResponse = MessageValue<typeof HeartbeatResponseSchema>;
