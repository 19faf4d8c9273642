/*
 * DeleteRecords (API key 21), versions 0-1, never flexible here.
 *
 * v0    topics {name, partitions {index, offset}} and a timeout; the response gives each
 *       partition's new LowWatermark (log start offset) and an error code.
 * v1    same body; only quota behaviour changed.
 * v2    (Kafka 2.4+) is flexible and is not implemented: no client we target needs it, and the
 *       shared spec set has no JSON for this API. Written from Kafka's protocol guide.
 * An Offset of -1 means "up to the high watermark".
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DeleteRecordsRequestSchema = {
  name: 'DeleteRecordsRequest',
  apiKey: 21,
  kind: 'request',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'Topics', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        {
          name: 'Partitions', type: '[]struct', versions: '0+',
          fields: [
            { name: 'PartitionIndex', type: 'int32', versions: '0+' },
            { name: 'Offset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'TimeoutMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageDef;

export const DeleteRecordsResponseSchema = {
  name: 'DeleteRecordsResponse',
  apiKey: 21,
  kind: 'response',
  validVersions: '0-1',
  flexibleVersions: 'none',
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
            { name: 'LowWatermark', type: 'int64', versions: '0+' },
            { name: 'ErrorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DeleteRecordsRequest = MessageValue<typeof DeleteRecordsRequestSchema>;
export type DeleteRecordsResponse = MessageValue<typeof DeleteRecordsResponseSchema>;
