/*
 * Authenticating one connection (Kafka's client side of KIP-43/KIP-152):
 *   1 SaslHandshake v1 naming the mechanism (the broker lists its own when it refuses)
 *   2 SaslAuthenticate round trips carrying the mechanism's tokens
 *       PLAIN          one message; the broker answers empty
 *       SCRAM-SHA-*    client-first → server-first, client-final → server-final (verified)
 *   3 the last answer's SessionLifetimeMs (v1+, KIP-368): 0 = never expires, else the caller
 *     re-authenticates on the same connection before it elapses.
 * Failures throw KafkaAuthenticationError (not retriable) with the broker's message; neither the
 * password nor any token appears in it.
 */
import type { ApiTypes } from '../../protocol/messages/index.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import { encodePlain } from '../../protocol/sasl/plain.ts';
import { KafkaClientError } from '../errors.ts';
import type { ClientSaslOptions } from '../security.ts';
import { ScramClient } from './scram-client.ts';

/** The broker refused the credentials or the SASL exchange failed. */
export class KafkaAuthenticationError extends KafkaClientError {
  constructor(message: string) {
    super(message, { retriable: false, kafkaType: 'SASL_AUTHENTICATION_FAILED' });
    this.name = 'KafkaAuthenticationError';
  }
}

type SaslKeys = 17 | 36;
export type SaslSend = <K extends SaslKeys>(apiKey: K, body: Encodable<ApiTypes[K]['request']>, version: number) => Promise<ApiTypes[K]['response']>;

export interface SaslVersions {
  handshake: number;
  authenticate: number;
}

/** Runs the exchange; resolves with the session lifetime the broker granted (ms, 0 = unlimited). */
export async function authenticateSasl(send: SaslSend, versions: SaslVersions, sasl: ClientSaslOptions, address: string): Promise<number> {
  const who = `SASL ${sasl.mechanism} authentication of user "${sasl.username}" at ${address}`;
  const hs = await send(17, { mechanism: sasl.mechanism }, versions.handshake);
  if (hs.errorCode === ErrorCode.UNSUPPORTED_SASL_MECHANISM) {
    throw new KafkaAuthenticationError(`${who} failed: the broker does not enable ${sasl.mechanism} (it offers ${hs.mechanisms.join(', ') || 'none'})`);
  }
  if (hs.errorCode !== 0) throw new KafkaAuthenticationError(`${who} failed: SaslHandshake answered Kafka error ${hs.errorCode}`);
  const step = async (token: Buffer): Promise<{ bytes: Buffer; lifetime: number }> => {
    const r = await send(36, { authBytes: token }, versions.authenticate);
    if (r.errorCode !== 0) {
      const reason = r.errorMessage ?? `Kafka error ${r.errorCode}`;
      throw new KafkaAuthenticationError(`${who} failed: ${reason}`);
    }
    return { bytes: r.authBytes, lifetime: Number(r.sessionLifetimeMs ?? 0n) };
  };
  if (sasl.mechanism === 'PLAIN') return (await step(encodePlain(sasl.username, sasl.password))).lifetime;
  const scram = new ScramClient(sasl.mechanism, sasl.username, sasl.password);
  const serverFirst = await step(scram.first());
  let final: Buffer;
  try {
    final = scram.final(serverFirst.bytes);
  } catch (err) {
    throw new KafkaAuthenticationError(`${who} failed: ${(err as Error).message}`);
  }
  const serverFinal = await step(final);
  try {
    scram.verify(serverFinal.bytes);
  } catch (err) {
    throw new KafkaAuthenticationError(`${who} failed: ${(err as Error).message}`);
  }
  return serverFinal.lifetime;
}
