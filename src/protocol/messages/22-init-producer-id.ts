/*
 * InitProducerId (API key 22), versions 0-5, flexible from 2.
 *
 * v0    TransactionalId (null for idempotence only) and TransactionTimeoutMs.   v1: same.
 * v2    first flexible version.
 * v3    ProducerId / ProducerEpoch of a producer resuming after INVALID_PRODUCER_EPOCH (KIP-360).
 * v4    PRODUCER_FENCED (90) may be returned.   v5: TRANSACTION_ABORTABLE.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const InitProducerIdRequestSchema = {
  name: 'InitProducerIdRequest',
  apiKey: 22,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'ProducerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
} as const satisfies MessageDef;

export const InitProducerIdResponseSchema = {
  name: 'InitProducerIdResponse',
  apiKey: 22,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageDef;

export type InitProducerIdRequest = MessageValue<typeof InitProducerIdRequestSchema>;
export type InitProducerIdResponse = MessageValue<typeof InitProducerIdResponseSchema>;
