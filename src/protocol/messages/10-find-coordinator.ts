/*
 * FindCoordinator (API key 10), versions 0-5, flexible from 3.
 *
 * v0    Key only (a group id); response {ErrorCode, NodeId, Host, Port} (kafka-python).
 * v1    KeyType (0 group, 1 transaction); response adds throttle time and ErrorMessage.
 * v2    same as v1 (kafkajs, librdkafka).   v3: first flexible version.
 * v4    batched: CoordinatorKeys[] in, Coordinators[] out (KIP-699); single-key fields unused.
 * v5    TRANSACTION_ABORTABLE may be returned.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const FindCoordinatorRequestSchema = {
  name: 'FindCoordinatorRequest',
  apiKey: 10,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'Key', type: 'string', versions: '0-3' },
    { name: 'KeyType', type: 'int8', versions: '1+', default: 0 },
    { name: 'CoordinatorKeys', type: '[]string', versions: '4+' },
  ],
} as const satisfies MessageDef;

export const FindCoordinatorResponseSchema = {
  name: 'FindCoordinatorResponse',
  apiKey: 10,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+' },
    { name: 'ErrorCode', type: 'int16', versions: '0-3' },
    { name: 'ErrorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3' },
    { name: 'NodeId', type: 'int32', versions: '0-3' },
    { name: 'Host', type: 'string', versions: '0-3' },
    { name: 'Port', type: 'int32', versions: '0-3' },
    {
      name: 'Coordinators', type: '[]struct', versions: '4+',
      fields: [
        { name: 'Key', type: 'string', versions: '4+' },
        { name: 'NodeId', type: 'int32', versions: '4+' },
        { name: 'Host', type: 'string', versions: '4+' },
        { name: 'Port', type: 'int32', versions: '4+' },
        { name: 'ErrorCode', type: 'int16', versions: '4+' },
        { name: 'ErrorMessage', type: 'string', versions: '4+', nullableVersions: '4+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type FindCoordinatorRequest = MessageValue<typeof FindCoordinatorRequestSchema>;
export type FindCoordinatorResponse = MessageValue<typeof FindCoordinatorResponseSchema>;
