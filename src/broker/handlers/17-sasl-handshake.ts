/*
 * SaslHandshake (key 17), served and advertised 0–1. On a SASL listener the connection's
 * authenticator decides (security/sasl-authenticator.ts): v1 leads to SaslAuthenticate
 * requests, v0 to bare SASL tokens (kafka-python 2.0.2). An unsupported mechanism is answered
 * with UNSUPPORTED_SASL_MECHANISM and the enabled list, then the connection closes, as Kafka's
 * SaslServerAuthenticator does. On PLAINTEXT and SSL listeners there is nothing to
 * authenticate: ILLEGAL_SASL_STATE (Kafka's KafkaApis answer) and the connection stays open.
 */
import { SaslHandshakeRequestSchema, SaslHandshakeResponseSchema } from '../../protocol/messages/17-sasl-handshake.ts';
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../../protocol/messages/17-sasl-handshake.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { answerThenClose, defineHandler } from './handler.ts';

export const saslHandshakeHandler = defineHandler<SaslHandshakeRequest, SaslHandshakeResponse>({
  apiKey: 17,
  name: 'SaslHandshake',
  requestSchema: SaslHandshakeRequestSchema,
  responseSchema: SaslHandshakeResponseSchema,
  advertised: { min: 0, max: 1 },
  served: { min: 0, max: 1 },
  handle(ctx, req) {
    const sasl = ctx.conn.security?.sasl ?? null;
    if (sasl === null) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const r = sasl.handshake(req.mechanism, ctx.apiVersion);
    const response = { errorCode: r.errorCode, mechanisms: r.mechanisms };
    if (!r.close) return response;
    const why = r.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM ? 'unsupported SASL mechanism requested' : 'SaslHandshake in an invalid SASL state';
    return answerThenClose(response, why);
  },
});
