/*
 * DescribeProducers (API key 61), version 0 (flexible), KIP-664: the active producers of each
 * requested partition, as its producer state holds them (what `kafka-transactions.sh
 * describe-producers` shows, to find a hanging transaction or a producer id about to expire).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (DescribeProducersRequest /
 * DescribeProducersResponse in clients/src/main/resources/common/message/); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeProducersRequestSchema = {
  name: 'DescribeProducersRequest',
  apiKey: 61,
  kind: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'PartitionIndexes', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const DescribeProducersResponseSchema = {
  name: 'DescribeProducersResponse',
  apiKey: 61,
  kind: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            {
              name: 'ActiveProducers', type: '[]struct', versions: '0+',
              fields: [
                { name: 'ProducerId', type: 'int64', versions: '0+' },
                { name: 'ProducerEpoch', type: 'int32', versions: '0+' },
                { name: 'LastSequence', type: 'int32', versions: '0+', default: -1 },
                { name: 'LastTimestamp', type: 'int64', versions: '0+', default: -1 },
                { name: 'CoordinatorEpoch', type: 'int32', versions: '0+' },
                { name: 'CurrentTxnStartOffset', type: 'int64', versions: '0+', default: -1 },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DescribeProducersRequest = MessageValue<typeof DescribeProducersRequestSchema>;
export type DescribeProducersResponse = MessageValue<typeof DescribeProducersResponseSchema>;
