/*
 * One connection's SASL state on a SASL_PLAINTEXT or SASL_SSL listener (Kafka's
 * SaslServerAuthenticator). The dispatcher asks `admit(frame)` before decoding each request; the
 * SaslHandshake and SaslAuthenticate handlers drive the transitions.
 *
 * State table (request → what happens):
 *   HANDSHAKE      ApiVersions → served. SaslHandshake v1 (enabled mechanism) → AUTHENTICATE;
 *                  v0 → RAW. Unknown mechanism → UNSUPPORTED_SASL_MECHANISM, then close.
 *                  Anything else → close (no request is served before authentication).
 *   AUTHENTICATE   SaslAuthenticate → mechanism step; challenge stays, done → AUTHENTICATED,
 *                  fail → SASL_AUTHENTICATION_FAILED, then close. Anything else → close.
 *   RAW            (handshake v0, kafka-python) every frame is a bare SASL token, answered with a
 *                  bare token (int32 size + bytes); done → AUTHENTICATED; fail → close.
 *   AUTHENTICATED  everything is served while the session lives. SaslHandshake v1 starts a
 *                  re-authentication (KIP-368) → AUTHENTICATE; it must end as the same user.
 *                  After the session lifetime (connections.max.reauth.ms) any request other than
 *                  SaslHandshake/SaslAuthenticate closes the connection.
 *   FAILED         any frame → close.
 * Error messages and logs never contain tokens; only user names that authenticated.
 */
import type { Outcome } from '../connection.ts';
import { closeConnection, reply } from '../connection.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { CredentialStore } from './credential-store.ts';
import { createMechanismSession, type MechanismSession, type SaslMechanismName } from './mechanism.ts';

export const SaslStates = {
  HANDSHAKE: 'handshake',
  AUTHENTICATE: 'authenticate',
  RAW: 'raw',
  AUTHENTICATED: 'authenticated',
  FAILED: 'failed',
} as const;
export type SaslState = (typeof SaslStates)[keyof typeof SaslStates];

const SASL_HANDSHAKE = 17;
const API_VERSIONS = 18;
const SASL_AUTHENTICATE = 36;

export interface SaslAuthenticatorOptions {
  readonly enabledMechanisms: readonly SaslMechanismName[];
  readonly store: CredentialStore;
  /** connections.max.reauth.ms; 0 = sessions never expire. */
  readonly reauthMs: number;
  readonly now: () => number;
}

export interface HandshakeResult {
  readonly errorCode: number;
  readonly mechanisms: string[];
  /** Close the connection after the answer. */
  readonly close: boolean;
}

export interface AuthenticateResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly authBytes: Buffer;
  readonly sessionLifetimeMs: number;
  readonly close: boolean;
}

export class SaslAuthenticator {
  private current: SaslState = SaslStates.HANDSHAKE;
  private session: MechanismSession | null = null;
  private user: string | null = null;
  private expiresAtMs: number | null = null;

  constructor(private readonly opts: SaslAuthenticatorOptions) {}

  get state(): SaslState {
    return this.current;
  }

  /** `User:<name>` once authenticated, else null. */
  get principal(): string | null {
    return this.user === null ? null : `User:${this.user}`;
  }

  /** null: dispatch the frame normally; otherwise the outcome that replaces dispatching. */
  admit(frame: Buffer): Outcome | Promise<Outcome> | null {
    if (this.current === SaslStates.RAW) return this.rawToken(frame);
    if (this.current === SaslStates.FAILED) return closeConnection('SASL authentication failed earlier on this connection');
    if (frame.length < 2) return null; // the dispatcher closes short frames
    const apiKey = frame.readInt16BE(0);
    switch (this.current) {
      case SaslStates.HANDSHAKE:
        if (apiKey === SASL_HANDSHAKE || apiKey === API_VERSIONS) return null;
        return closeConnection(`API key ${apiKey} before SASL authentication; only ApiVersions and SaslHandshake are accepted`);
      case SaslStates.AUTHENTICATE:
        if (apiKey === SASL_AUTHENTICATE) return null;
        return closeConnection(`API key ${apiKey} during SASL authentication; only SaslAuthenticate is accepted`);
      default:
        if (apiKey === SASL_HANDSHAKE || apiKey === SASL_AUTHENTICATE) return null;
        if (this.expiresAtMs !== null && this.opts.now() >= this.expiresAtMs) {
          return closeConnection('the SASL session expired (connections.max.reauth.ms) and the client did not re-authenticate');
        }
        return null;
    }
  }

  handshake(mechanism: string, version: number): HandshakeResult {
    const mechanisms = [...this.opts.enabledMechanisms];
    const reauth = this.current === SaslStates.AUTHENTICATED;
    if (!(this.current === SaslStates.HANDSHAKE || (reauth && version >= 1))) {
      this.current = SaslStates.FAILED;
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms, close: true };
    }
    const enabled = this.opts.enabledMechanisms.find((m) => m === mechanism);
    if (enabled === undefined || (reauth && this.session !== null && this.session.mechanism !== enabled)) {
      this.current = SaslStates.FAILED;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms, close: true };
    }
    this.session = createMechanismSession(enabled, this.opts.store);
    this.current = version === 0 ? SaslStates.RAW : SaslStates.AUTHENTICATE;
    return { errorCode: ErrorCode.NONE, mechanisms, close: false };
  }

  async authenticate(token: Buffer): Promise<AuthenticateResult> {
    if (this.current !== SaslStates.AUTHENTICATE || this.session === null) {
      this.current = SaslStates.FAILED;
      return this.failure(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate is only valid after a SaslHandshake');
    }
    const step = await this.step(token);
    if (step.kind === 'challenge') return { errorCode: 0, errorMessage: null, authBytes: step.token, sessionLifetimeMs: 0, close: false };
    if (step.kind === 'fail') return this.failure(ErrorCode.SASL_AUTHENTICATION_FAILED, step.message);
    return { errorCode: 0, errorMessage: null, authBytes: step.token, sessionLifetimeMs: this.opts.reauthMs, close: false };
  }

  /** Runs one mechanism step and applies done/fail to the state (shared by both token paths). */
  private async step(token: Buffer): Promise<{ kind: 'challenge' | 'done'; token: Buffer } | { kind: 'fail'; message: string }> {
    const step = await (this.session as MechanismSession).evaluate(token);
    if (step.kind === 'challenge') return step;
    if (step.kind === 'fail') {
      this.current = SaslStates.FAILED;
      return step;
    }
    if (this.user !== null && step.user !== this.user) {
      this.current = SaslStates.FAILED;
      return { kind: 'fail', message: 're-authentication must be done as the same user' };
    }
    this.user = step.user;
    this.current = SaslStates.AUTHENTICATED;
    this.expiresAtMs = this.opts.reauthMs > 0 ? this.opts.now() + this.opts.reauthMs : null;
    return { kind: 'done', token: step.token };
  }

  private async rawToken(frame: Buffer): Promise<Outcome> {
    const step = await this.step(frame);
    if (step.kind === 'fail') return closeConnection(`SASL authentication failed (${step.message})`);
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(step.token.length, 0);
    return reply([size, step.token]);
  }

  private failure(errorCode: number, message: string): AuthenticateResult {
    return { errorCode, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0, close: true };
  }
}
