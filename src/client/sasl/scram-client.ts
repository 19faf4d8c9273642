/*
 * The client's side of SCRAM (RFC 5802 §3, RFC 7677): client-first → server-first →
 * client-final → server-final, where the server's signature is checked too, so a broker that
 * does not know the password cannot pretend to (mutual authentication).
 */
import {
  escapeSaslName,
  hi,
  hmac,
  digest,
  parseAttributes,
  parseServerFirst,
  safeEqual,
  scramNonce,
  xor,
  type ScramMechanism,
} from '../../protocol/sasl/scram.ts';

export class ScramClient {
  private readonly nonce = scramNonce();
  private readonly bare: string;
  private readonly gs2 = 'n,,';
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    username: string,
    private readonly password: string,
  ) {
    this.bare = `n=${escapeSaslName(username)},r=${this.nonce}`;
  }

  first(): Buffer {
    return Buffer.from(this.gs2 + this.bare, 'utf8');
  }

  /** client-final for the broker's server-first; throws an Error on a malformed or forged reply. */
  final(serverFirstBytes: Buffer): Buffer {
    const serverFirst = serverFirstBytes.toString('utf8');
    const sf = parseServerFirst(serverFirst);
    if (typeof sf === 'string') throw new Error(`${this.mechanism}: ${sf}`);
    if (!sf.nonce.startsWith(this.nonce) || sf.nonce.length === this.nonce.length) {
      throw new Error(`${this.mechanism}: the broker's nonce does not extend ours`);
    }
    const salted = hi(this.mechanism, this.password, sf.salt, sf.iterations);
    const clientKey = hmac(this.mechanism, salted, 'Client Key');
    const storedKey = digest(this.mechanism, clientKey);
    const withoutProof = `c=${Buffer.from(this.gs2).toString('base64')},r=${sf.nonce}`;
    const authMessage = `${this.bare},${serverFirst},${withoutProof}`;
    const proof = xor(clientKey, hmac(this.mechanism, storedKey, authMessage));
    this.expectedServerSignature = hmac(this.mechanism, hmac(this.mechanism, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** Checks server-final; throws when the broker's signature is wrong or it reports an error. */
  verify(serverFinalBytes: Buffer): void {
    const attrs = parseAttributes(serverFinalBytes.toString('utf8')) ?? [];
    const e = attrs.find(([k]) => k === 'e');
    if (e) throw new Error(`${this.mechanism}: the broker reported ${e[1]}`);
    const v = attrs.find(([k]) => k === 'v');
    if (!v || this.expectedServerSignature === null || !safeEqual(Buffer.from(v[1], 'base64'), this.expectedServerSignature)) {
      throw new Error(`${this.mechanism}: the broker's signature does not verify; it does not hold this user's credential`);
    }
  }
}
