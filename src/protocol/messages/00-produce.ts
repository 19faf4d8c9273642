/*
 * Produce (API key 0), versions 0-12, flexible from 9.
 *
 * v0-2  same body; v1 adds throttle time to the response, v2 the log append time.
 * v3    adds TransactionalId; record batch v2 (magic 2) from here on.
 * v4-6  same as v3 (v4: KAFKA_STORAGE_ERROR may be returned; v5 response adds LogStartOffset).
 * v7    zstd allowed (KIP-110). Every client we target sends v7.
 * v8    response adds RecordErrors and ErrorMessage (KIP-467).
 * v9    first flexible version (compact forms, tag sections).
 * v10   response gains tagged CurrentLeader / NodeEndpoints (KIP-951).
 * v11   TRANSACTION_ABORTABLE may be returned (KIP-890).
 * v12   same body as v11 (KIP-890 part 2, Kafka 4.0): a transactional batch sent at v12 makes
 *       the broker add its partition to the transaction itself (no AddPartitionsToTxn); a client
 *       uses v12 inside a transaction only when the cluster finalizes transaction.version >= 2.
 *       Added by hand from apache/kafka clients/src/main/resources/common/message/
 *       ProduceRequest.json and ProduceResponse.json at 4.0.0 (the specs transcribed below stop
 *       at v11).
 * acks=0 requests get no response at all; that is the broker's concern, not the codec's.
 * Records are a `records` field: decode returns a zero-copy subarray of the frame.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs (3.8.0); property names are
 * the spec names with a lower-case first letter. Compiled by ../schema.ts.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const ProduceRequestSchema = {
  name: 'ProduceRequest',
  apiKey: 0,
  kind: 'request',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'TransactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'Acks', type: 'int16', versions: '0+' },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'TopicData', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'PartitionData', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Index', type: 'int32', versions: '0+' },
            { name: 'Records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export const ProduceResponseSchema = {
  name: 'ProduceResponse',
  apiKey: 0,
  kind: 'response',
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'Responses', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'PartitionResponses', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Index', type: 'int32', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
            { name: 'BaseOffset', type: 'int64', versions: '0+' },
            { name: 'LogAppendTimeMs', type: 'int64', versions: '2+', default: -1 },
            { name: 'LogStartOffset', type: 'int64', versions: '5+', default: -1 },
            {
              name: 'RecordErrors', type: '[]struct', versions: '8+',
              fields: [
                { name: 'BatchIndex', type: 'int32', versions: '8+' },
                { name: 'BatchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
              ],
            },
            { name: 'ErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
            {
              name: 'CurrentLeader', type: 'struct', versions: '10+', tag: 0, taggedVersions: '10+',
              fields: [
                { name: 'LeaderId', type: 'int32', versions: '10+', default: -1 },
                { name: 'LeaderEpoch', type: 'int32', versions: '10+', default: -1 },
              ],
            },
          ],
        },
      ],
    },
    { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', default: 0 },
    {
      name: 'NodeEndpoints', type: '[]struct', versions: '10+', tag: 0, taggedVersions: '10+',
      fields: [
        { name: 'NodeId', type: 'int32', versions: '10+' },
        { name: 'Host', type: 'string', versions: '10+' },
        { name: 'Port', type: 'int32', versions: '10+' },
        { name: 'Rack', type: 'string', versions: '10+', nullableVersions: '10+', default: null },
      ],
    },
  ],
} as const satisfies MessageDef;

export type ProduceRequest = MessageValue<typeof ProduceRequestSchema>;
export type ProduceResponse = MessageValue<typeof ProduceResponseSchema>;
