/*
 * AddPartitionsToTxn (API key 24), versions 0-5, flexible from 3.
 *
 * v0    one transaction: V3AndBelowTransactionalId, ProducerId, Epoch, Topics (librdkafka).
 * v1    same (kafkajs).   v2: PRODUCER_FENCED may be returned.   v3: first flexible version.
 * v4    broker-to-broker batch form: Transactions[] with VerifyOnly; response has a top-level
 *       ErrorCode and ResultsByTransaction, and ResultsByTopicV3AndBelow is gone.
 * v5    TRANSACTION_ABORTABLE.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const AddPartitionsToTxnRequestSchema = {
  name: 'AddPartitionsToTxnRequest',
  apiKey: 24,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'Transactions', type: '[]struct', versions: '4+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '4+' },
        { name: 'ProducerId', type: 'int64', versions: '4+' },
        { name: 'ProducerEpoch', type: 'int16', versions: '4+' },
        { name: 'VerifyOnly', type: 'bool', versions: '4+', default: false },
        {
          name: 'Topics', type: '[]struct', versions: '4+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            { name: 'Partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'V3AndBelowTransactionalId', type: 'string', versions: '0-3' },
    { name: 'V3AndBelowProducerId', type: 'int64', versions: '0-3' },
    { name: 'V3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
    {
      name: 'V3AndBelowTopics', type: '[]struct', versions: '0-3',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const AddPartitionsToTxnResponseSchema = {
  name: 'AddPartitionsToTxnResponse',
  apiKey: 24,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '4+' },
    {
      name: 'ResultsByTransaction', type: '[]struct', versions: '4+',
      fields: [
        { name: 'TransactionalId', type: 'string', versions: '4+' },
        {
          name: 'TopicResults', type: '[]struct', versions: '4+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            {
              name: 'ResultsByPartition', type: '[]struct', versions: '0+',
              fields: [
                { name: 'PartitionIndex', type: 'int32', versions: '0+' },
                { name: 'PartitionErrorCode', type: 'int16', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'ResultsByTopicV3AndBelow', type: '[]struct', versions: '0-3',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'ResultsByPartition', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'PartitionErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type AddPartitionsToTxnRequest = MessageValue<typeof AddPartitionsToTxnRequestSchema>;
export type AddPartitionsToTxnResponse = MessageValue<typeof AddPartitionsToTxnResponseSchema>;
