/*
 * SaslAuthenticate (API key 36), versions 0-2, flexible from 2 (KIP-152).
 *
 * v0    one SASL token each way; ErrorCode/ErrorMessage carry an authentication failure.
 * v1    the response adds SessionLifetimeMs (KIP-368): 0 = the session never expires; otherwise
 *       the client must re-authenticate on the same connection before it elapses.
 * v2    first flexible version.
 *
 * Field tables transcribed from Apache Kafka's JSON message specs
 * (clients/src/main/resources/common/message/SaslAuthenticate*.json).
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const SaslAuthenticateRequestSchema = {
  name: 'SaslAuthenticateRequest',
  apiKey: 36,
  kind: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [{ name: 'AuthBytes', type: 'bytes', versions: '0+' }],
} as const satisfies MessageDef;

export const SaslAuthenticateResponseSchema = {
  name: 'SaslAuthenticateResponse',
  apiKey: 36,
  kind: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'ErrorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'AuthBytes', type: 'bytes', versions: '0+' },
    { name: 'SessionLifetimeMs', type: 'int64', versions: '1+', default: 0 },
  ],
} as const satisfies MessageDef;

export type SaslAuthenticateRequest = MessageValue<typeof SaslAuthenticateRequestSchema>;
export type SaslAuthenticateResponse = MessageValue<typeof SaslAuthenticateResponseSchema>;
