/*
 * EndTxn (API key 26), versions 0-5, flexible from 3.
 *
 * v0-1  transactional id, producer id/epoch, Committed (true = commit, false = abort).
 * v2    PRODUCER_FENCED may be returned.   v3: first flexible version.   v4: TRANSACTION_ABORTABLE.
 * v5    KIP-890 part 2 (transaction.version 2): the coordinator bumps the producer epoch at the
 *       end of every transaction and answers the producer id and epoch to use next (a new id
 *       once the epoch is exhausted). Added by hand from apache/kafka
 *       clients/src/main/resources/common/message/EndTxnRequest.json / EndTxnResponse.json at
 *       4.0.0 (the 3.8.0 specs transcribed below stop at v4).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const EndTxnRequestSchema = {
  name: 'EndTxnRequest',
  apiKey: 26,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+' },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
    { name: 'Committed', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const EndTxnResponseSchema = {
  name: 'EndTxnResponse',
  apiKey: 26,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '5+', default: -1 },
    { name: 'ProducerEpoch', type: 'int16', versions: '5+', default: -1 },
  ],
} as const satisfies MessageDef;

export type EndTxnRequest = MessageValue<typeof EndTxnRequestSchema>;
export type EndTxnResponse = MessageValue<typeof EndTxnResponseSchema>;
