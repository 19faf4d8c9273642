/*
 * SaslAuthenticate (key 36), served and advertised 0–2 (v2 flexible). Carries one SASL token to
 * the connection's authenticator and its answer back (security/sasl-authenticator.ts). v1+
 * answers SessionLifetimeMs (KIP-368): connections.max.reauth.ms, or 0 when sessions do not
 * expire. A failure is answered with SASL_AUTHENTICATION_FAILED (or ILLEGAL_SASL_STATE out of
 * turn) and a message without the client's input, and the connection is then closed. On PLAINTEXT
 * and SSL listeners: ILLEGAL_SASL_STATE.
 */
import { SaslAuthenticateRequestSchema, SaslAuthenticateResponseSchema } from '../../protocol/messages/36-sasl-authenticate.ts';
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../../protocol/messages/36-sasl-authenticate.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { answerThenClose, defineHandler } from './handler.ts';

export const saslAuthenticateHandler = defineHandler<SaslAuthenticateRequest, Encodable<SaslAuthenticateResponse>>({
  apiKey: 36,
  name: 'SaslAuthenticate',
  requestSchema: SaslAuthenticateRequestSchema,
  responseSchema: SaslAuthenticateResponseSchema,
  advertised: { min: 0, max: 2 },
  served: { min: 0, max: 2 },
  async handle(ctx, req) {
    const sasl = ctx.conn.security?.sasl ?? null;
    if (sasl === null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'this listener does not use SASL', authBytes: Buffer.alloc(0) };
    }
    const r = await sasl.authenticate(req.authBytes);
    const response = { errorCode: r.errorCode, errorMessage: r.errorMessage, authBytes: r.authBytes, sessionLifetimeMs: r.sessionLifetimeMs };
    if (!r.close) {
      if (sasl.state === 'authenticated') ctx.broker.logger.debug(`connection ${ctx.conn.id} authenticated as ${String(sasl.principal)}`);
      return response;
    }
    ctx.broker.logger.info(`connection ${ctx.conn.id} (${ctx.conn.remote}): SASL authentication failed`);
    return answerThenClose(response, 'SASL authentication failed');
  },
});
