/*
 * DescribeUserScramCredentials (API key 50), version 0, flexible (KIP-554).
 *
 * Users null or empty = every user with a credential. Per user: RESOURCE_NOT_FOUND (91) when it
 * has none, DUPLICATE_RESOURCE (92) when named twice. Mechanism codes: 1 SCRAM-SHA-256,
 * 2 SCRAM-SHA-512 (0 = unknown). Only mechanism and iteration count are ever returned.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs
 * (clients/src/main/resources/common/message/DescribeUserScramCredentials*.json).
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const DescribeUserScramCredentialsRequestSchema = {
  name: 'DescribeUserScramCredentialsRequest',
  apiKey: 50,
  kind: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Users', type: '[]struct', versions: '0+', nullableVersions: '0+',
      fields: [{ name: 'Name', type: 'string', versions: '0+' }],
    },
  ],
} as const satisfies MessageDef;

export const DescribeUserScramCredentialsResponseSchema = {
  name: 'DescribeUserScramCredentialsResponse',
  apiKey: 50,
  kind: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'User', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        {
          name: 'CredentialInfos', type: '[]struct', versions: '0+',
          fields: [
            { name: 'Mechanism', type: 'int8', versions: '0+' },
            { name: 'Iterations', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageDef;

export type DescribeUserScramCredentialsRequest = MessageValue<typeof DescribeUserScramCredentialsRequestSchema>;
export type DescribeUserScramCredentialsResponse = MessageValue<typeof DescribeUserScramCredentialsResponseSchema>;
