/*
 * The contract between the per-connection authenticator (sasl-authenticator.ts) and one SASL
 * mechanism's server side. A session sees the client's tokens in order and answers each with a
 * challenge (more to come), done (authenticated as `user`, with a last token to send) or fail.
 * Sessions are single-use: after done or fail they answer fail.
 */
import { isScramMechanism } from '../../protocol/sasl/scram.ts';
import type { CredentialStore } from './credential-store.ts';
import { PlainServerSession } from './plain-server.ts';
import { ScramServerSession } from './scram-server.ts';

export type MechanismStep =
  | { readonly kind: 'challenge'; readonly token: Buffer }
  | { readonly kind: 'done'; readonly token: Buffer; readonly user: string }
  | { readonly kind: 'fail'; readonly message: string };

export interface MechanismSession {
  readonly mechanism: string;
  evaluate(token: Buffer): MechanismStep | Promise<MechanismStep>;
}

/** The SASL mechanisms this broker implements (a subset may be enabled per broker). */
export const SaslMechanismNames = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanismName = (typeof SaslMechanismNames)[number];

export function createMechanismSession(mechanism: SaslMechanismName, store: CredentialStore): MechanismSession {
  if (isScramMechanism(mechanism)) return new ScramServerSession(mechanism, store);
  return new PlainServerSession(store);
}
