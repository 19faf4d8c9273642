/*
 * The broker's side of one SCRAM exchange (RFC 5802 §5), two steps:
 *   1 client-first  → server-first (our nonce appended to the client's, salt, iterations)
 *   2 client-final  → server-final "v=<ServerSignature>" when the proof matches StoredKey
 * Any other message, a changed nonce, a channel-binding mismatch or a bad proof fails the
 * exchange. An unknown user gets a made-up salt (stable per name, derived from a per-broker
 * secret) and fails at step 2 like a wrong password, so the answer does not reveal which user
 * names exist. Failure messages never contain the user's input.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  DEFAULT_SCRAM_ITERATIONS,
  digest,
  hmac,
  parseClientFinal,
  parseClientFirst,
  safeEqual,
  ScramMechanisms,
  scramNonce,
  xor,
  type ClientFirst,
  type ScramCredential,
  type ScramMechanism,
} from '../../protocol/sasl/scram.ts';
import type { CredentialStore } from './credential-store.ts';
import type { MechanismSession, MechanismStep } from './mechanism.ts';

/** Per-process secret for made-up salts of unknown users. */
const FAKE_SALT_KEY = randomBytes(32);

export class ScramServerSession implements MechanismSession {
  private step = 1;
  private first: ClientFirst | null = null;
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | null = null;
  private known = false;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly store: CredentialStore,
  ) {}

  evaluate(token: Buffer): MechanismStep {
    const text = token.toString('utf8');
    if (this.step === 1) return this.onClientFirst(text);
    if (this.step === 2) return this.onClientFinal(text);
    return { kind: 'fail', message: `${this.mechanism} exchange is already complete` };
  }

  private onClientFirst(text: string): MechanismStep {
    const first = parseClientFirst(text);
    if (typeof first === 'string') return this.fail(first);
    if (first.extensions.get('tokenauth') === 'true') return this.fail('delegation tokens are not supported');
    this.first = first;
    const stored = this.store.get(first.user, this.mechanism);
    this.known = stored !== undefined;
    this.credential = stored ?? this.madeUp(first.user);
    this.nonce = first.nonce + scramNonce();
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.step = 2;
    return { kind: 'challenge', token: Buffer.from(this.serverFirst, 'utf8') };
  }

  private onClientFinal(text: string): MechanismStep {
    this.step = 3;
    const first = this.first as ClientFirst;
    const credential = this.credential as ScramCredential;
    const final = parseClientFinal(text);
    if (typeof final === 'string') return this.fail(final);
    // endsWith, not equality, as Kafka's ScramSaslServer: librdkafka ≤ 2.x sends its own nonce
    // again in front of the combined one. The proof covers the nonce as sent either way.
    if (!final.nonce.endsWith(this.nonce)) return this.fail('the client-final nonce does not match');
    if (Buffer.from(final.channelBinding, 'base64').toString('utf8') !== first.gs2Header) {
      return this.fail('the channel binding does not match the gs2 header');
    }
    const authMessage = `${first.bare},${this.serverFirst},${final.withoutProof}`;
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    const clientKey = xor(final.proof, clientSignature);
    const ok = final.proof.length === ScramMechanisms[this.mechanism].keyBytes && safeEqual(digest(this.mechanism, clientKey), credential.storedKey);
    if (!ok || !this.known) return this.invalid();
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return { kind: 'done', user: first.user, token: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8') };
  }

  private madeUp(user: string): ScramCredential {
    const keyBytes = ScramMechanisms[this.mechanism].keyBytes;
    return {
      salt: createHmac('sha256', FAKE_SALT_KEY).update(`${this.mechanism}\u0000${user}`).digest(),
      iterations: DEFAULT_SCRAM_ITERATIONS,
      storedKey: randomBytes(keyBytes),
      serverKey: randomBytes(keyBytes),
    };
  }

  private invalid(): MechanismStep {
    return {
      kind: 'fail',
      message: `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`,
    };
  }

  private fail(why: string): MechanismStep {
    this.step = 3;
    return { kind: 'fail', message: `${this.mechanism} authentication failed: ${why}` };
  }
}
