/*
 * TxnOffsetCommit (API key 28), versions 0-5, flexible from 3.
 *
 * v0-1  transactional id, group, producer id/epoch, topics {partitions {offset, metadata}}.
 * v2    CommittedLeaderEpoch per partition (librdkafka).
 * v3    first flexible version; GenerationId, MemberId, GroupInstanceId (KIP-447).
 * v4    TRANSACTION_ABORTABLE.
 * v5    same body as v4 (KIP-890 part 2, Kafka 4.0): the group's offsets partition is added to
 *       the transaction by the commit itself (no AddOffsetsToTxn). Added by hand from apache/kafka
 *       clients/src/main/resources/common/message/TxnOffsetCommitRequest.json /
 *       TxnOffsetCommitResponse.json at 4.0.0 (the 3.8.0 specs transcribed below stop at v4).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const TxnOffsetCommitRequestSchema = {
  name: 'TxnOffsetCommitRequest',
  apiKey: 28,
  kind: 'request',
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '0+' },
    { name: 'GroupId', type: 'string', versions: '0+' },
    { name: 'ProducerId', type: 'int64', versions: '0+' },
    { name: 'ProducerEpoch', type: 'int16', versions: '0+' },
    { name: 'GenerationId', type: 'int32', versions: '3+', default: -1 },
    { name: 'MemberId', type: 'string', versions: '3+', default: '' },
    { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'CommittedOffset', type: 'int64', versions: '0+' },
            { name: 'CommittedLeaderEpoch', type: 'int32', versions: '2+', default: -1 },
            { name: 'CommittedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export const TxnOffsetCommitResponseSchema = {
  name: 'TxnOffsetCommitResponse',
  apiKey: 28,
  kind: 'response',
  validVersions: '0-5',
  flexibleVersions: '3+',
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
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type TxnOffsetCommitRequest = MessageValue<typeof TxnOffsetCommitRequestSchema>;
export type TxnOffsetCommitResponse = MessageValue<typeof TxnOffsetCommitResponseSchema>;
