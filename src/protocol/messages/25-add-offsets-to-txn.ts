/*
 * AddOffsetsToTxn (API key 25), versions 0-4, flexible from 3.
 *
 * v0-1  transactional id, producer id/epoch, group id.   v2: PRODUCER_FENCED may be returned.
 * v3    first flexible version.   v4: TRANSACTION_ABORTABLE.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const AddOffsetsToTxnRequestSchema = {
  name: 'AddOffsetsToTxnRequest',
  apiKey: 25,
  kind: 'request',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+' },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
    { name: 'GroupId', type: 'string', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const AddOffsetsToTxnResponseSchema = {
  name: 'AddOffsetsToTxnResponse',
  apiKey: 25,
  kind: 'response',
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageDef;

export type AddOffsetsToTxnRequest = MessageValue<typeof AddOffsetsToTxnRequestSchema>;
export type AddOffsetsToTxnResponse = MessageValue<typeof AddOffsetsToTxnResponseSchema>;
