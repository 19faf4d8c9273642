/*
 * AlterUserScramCredentials (API key 51), version 0, flexible (KIP-554).
 *
 * The client never sends a password: it sends the salt, the iteration count and
 * SaltedPassword = Hi(password, salt, iterations) (RFC 5802); the broker derives and keeps only
 * StoredKey and ServerKey. One result per user named in Deletions or Upsertions; errors:
 * UNSUPPORTED_SASL_MECHANISM (33), RESOURCE_NOT_FOUND (91, deleting a missing credential),
 * DUPLICATE_RESOURCE (92, a user+mechanism twice), UNACCEPTABLE_CREDENTIAL (93: empty name,
 * iterations outside 4096..16384, empty salt or salted password).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs
 * (clients/src/main/resources/common/message/AlterUserScramCredentials*.json).
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const AlterUserScramCredentialsRequestSchema = {
  name: 'AlterUserScramCredentialsRequest',
  apiKey: 51,
  kind: 'request',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'Deletions', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Mechanism', type: 'int8', versions: '0+' },
      ],
    },
    {
      name: 'Upsertions', type: '[]struct', versions: '0+',
      fields: [
        { name: 'Name', type: 'string', versions: '0+' },
        { name: 'Mechanism', type: 'int8', versions: '0+' },
        { name: 'Iterations', type: 'int32', versions: '0+' },
        { name: 'Salt', type: 'bytes', versions: '0+' },
        { name: 'SaltedPassword', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export const AlterUserScramCredentialsResponseSchema = {
  name: 'AlterUserScramCredentialsResponse',
  apiKey: 51,
  kind: 'response',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'ThrottleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'Results', type: '[]struct', versions: '0+',
      fields: [
        { name: 'User', type: 'string', versions: '0+' },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
} as const satisfies MessageDef;

export type AlterUserScramCredentialsRequest = MessageValue<typeof AlterUserScramCredentialsRequestSchema>;
export type AlterUserScramCredentialsResponse = MessageValue<typeof AlterUserScramCredentialsResponseSchema>;
