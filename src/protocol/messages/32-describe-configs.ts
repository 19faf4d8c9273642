/*
 * DescribeConfigs (API key 32), versions 0-2, never flexible.
 *
 * v0    resources {type, name, configuration keys (null = all)}; each config reports
 *       {name, value, read-only, is-default, is-sensitive}.
 * v1    request adds IncludeSynoyms (sic: Kafka's field name carries the typo, so the property
 *       is `includeSynoyms`); each config replaces IsDefault with ConfigSource and lists
 *       Synonyms {name, value, source}.
 * v2    same as v1 (kafkajs sends v2; librdkafka up to v1).
 * v3    (ConfigType, Documentation) is not implemented. Written from Kafka's protocol guide; the
 *       shared spec set has no JSON for this API.
 * Resource types: 2 = topic, 4 = broker. ConfigSource: 1 dynamic topic, 4 static broker,
 * 5 default, -1 unknown.
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeConfigsRequestSchema = {
  name: 'DescribeConfigsRequest',
  apiKey: 32,
  kind: 'request',
  validVersions: '0-2',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'Resources', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ResourceType', type: 'int8', versions: '0+' },
        { name: 'ResourceName', type: 'string', versions: '0+' },
        { name: 'ConfigurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'IncludeSynoyms', type: 'bool', versions: '1+', default: false },
  ],
} as const satisfies MessageDef;

export const DescribeConfigsResponseSchema = {
  name: 'DescribeConfigsResponse',
  apiKey: 32,
  kind: 'response',
  validVersions: '0-2',
  flexibleVersions: 'none',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'ResourceType', type: 'int8', versions: '0+' },
        { name: 'ResourceName', type: 'string', versions: '0+' },
        {
          name: 'Configs', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Name', type: 'string', versions: '0+' },
            { name: 'Value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'ReadOnly', type: 'bool', versions: '0+' },
            { name: 'IsDefault', type: 'bool', versions: '0' },
            { name: 'ConfigSource', type: 'int8', versions: '1+', default: -1 },
            { name: 'IsSensitive', type: 'bool', versions: '0+' },
            {
              name: 'Synonyms', type: '[]struct', versions: '1+',
              fields: [
                { name: 'Name', type: 'string', versions: '1+' },
                { name: 'Value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'Source', type: 'int8', versions: '1+' },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DescribeConfigsRequest = MessageValue<typeof DescribeConfigsRequestSchema>;
export type DescribeConfigsResponse = MessageValue<typeof DescribeConfigsResponseSchema>;
