/*
 * DescribeTransactions (API key 65), version 0 (flexible), KIP-664: the state of the named
 * transactional ids, for admin tools (kafka-transactions.sh describe).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (DescribeTransactionsRequest /
 * DescribeTransactionsResponse); property names are the spec names with a lower-case first
 * letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeTransactionsRequestSchema = {
  name: 'DescribeTransactionsRequest',
  apiKey: 65,
  kind: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'TransactionalIds', type: '[]string', versions: '0+' }],
} as const satisfies MessageDef;

export const DescribeTransactionsResponseSchema = {
  name: 'DescribeTransactionsResponse',
  apiKey: 65,
  kind: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'TransactionStates', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'TransactionalId', type: 'string', versions: '0+' },
        { name: 'TransactionState', type: 'string', versions: '0+' },
        { name: 'TransactionTimeoutMs', type: 'int32', versions: '0+' },
        { name: 'TransactionStartTimeMs', type: 'int64', versions: '0+' },
        { name: 'ProducerId', type: 'int64', versions: '0+' },
        { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
        {
          name: 'Topics', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Topic', type: 'string', versions: '0+' },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DescribeTransactionsRequest = MessageValue<typeof DescribeTransactionsRequestSchema>;
export type DescribeTransactionsResponse = MessageValue<typeof DescribeTransactionsResponseSchema>;
