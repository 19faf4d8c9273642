/*
 * SaslHandshake (API key 17), versions 0-1, never flexible.
 *
 * v0    the client names a mechanism; after a successful answer the SASL tokens follow as raw
 *       frames (int32 size + token, no Kafka request header), as kafka-python 2.0.2 does.
 * v1    same fields; the tokens follow wrapped in SaslAuthenticate requests (KIP-152).
 * Errors: UNSUPPORTED_SASL_MECHANISM (33) with the enabled list; ILLEGAL_SASL_STATE (34) when a
 * handshake arrives where none is expected (e.g. on a PLAINTEXT listener).
 *
 * Field tables transcribed from Apache Kafka's JSON message specs
 * (clients/src/main/resources/common/message/SaslHandshake*.json).
 */
import type { MessageDef, MessageValue } from '../schema.ts';

export const SaslHandshakeRequestSchema = {
  name: 'SaslHandshakeRequest',
  apiKey: 17,
  kind: 'request',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [{ name: 'Mechanism', type: 'string', versions: '0+' }],
} as const satisfies MessageDef;

export const SaslHandshakeResponseSchema = {
  name: 'SaslHandshakeResponse',
  apiKey: 17,
  kind: 'response',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'ErrorCode', type: 'int16', versions: '0+' },
    { name: 'Mechanisms', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageDef;

export type SaslHandshakeRequest = MessageValue<typeof SaslHandshakeRequestSchema>;
export type SaslHandshakeResponse = MessageValue<typeof SaslHandshakeResponseSchema>;
