/*
 * ListTransactions (API key 66), versions 0-1 (flexible), KIP-664: transactional ids known to the
 * coordinator, optionally filtered by state and producer id; v1 adds DurationFilter (KIP-994:
 * only transactions running longer than this many ms; -1 = no filter).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (ListTransactionsRequest /
 * ListTransactionsResponse); property names are the spec names with a lower-case first letter.
 * Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const ListTransactionsRequestSchema = {
  name: 'ListTransactionsRequest',
  apiKey: 66,
  kind: 'request',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'StateFilters', type: '[]string', versions: '0+' },
    { name: 'ProducerIdFilters', type: '[]int64', versions: '0+' },
    { name: 'DurationFilter', type: 'int64', versions: '1+', default: -1 },
  ],
} as const satisfies MessageDef;

export const ListTransactionsResponseSchema = {
  name: 'ListTransactionsResponse',
  apiKey: 66,
  kind: 'response',
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'UnknownStateFilters', type: '[]string', versions: '0+' },
    {
      name: 'TransactionStates', type: '[]struct', versions: '0+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '0+' },
        { name: 'ProducerId', type: 'int64', versions: '0+' },
        { name: 'TransactionState', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type ListTransactionsRequest = MessageValue<typeof ListTransactionsRequestSchema>;
export type ListTransactionsResponse = MessageValue<typeof ListTransactionsResponseSchema>;
