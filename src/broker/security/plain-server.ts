/*
 * The broker's side of SASL PLAIN. Kafka checks PLAIN passwords against a JAAS file that holds
 * them in clear; this broker instead checks them against the user's stored SCRAM credentials
 * (Hi(password, salt, i) → StoredKey compared in constant time), so one `tributary users add`
 * serves PLAIN and SCRAM clients alike and no password is ever written down. A user with no
 * credential fails exactly like a wrong password. PBKDF2 runs on the libuv pool (async), so a
 * burst of PLAIN attempts does not stall the event loop.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { decodePlain } from '../../protocol/sasl/plain.ts';
import { digest, hmac, safeEqual, ScramMechanisms } from '../../protocol/sasl/scram.ts';
import type { CredentialStore } from './credential-store.ts';
import type { MechanismSession, MechanismStep } from './mechanism.ts';

const pbkdf2Async = promisify(pbkdf2);

const INVALID: MechanismStep = {
  kind: 'fail',
  message: 'Authentication failed: Invalid username or password',
};

export class PlainServerSession implements MechanismSession {
  readonly mechanism = 'PLAIN';
  private used = false;

  constructor(private readonly store: CredentialStore) {}

  async evaluate(token: Buffer): Promise<MechanismStep> {
    if (this.used) return { kind: 'fail', message: 'PLAIN exchange is already complete' };
    this.used = true;
    const creds = decodePlain(token);
    if (typeof creds === 'string') return { kind: 'fail', message: `PLAIN authentication failed: ${creds}` };
    for (const [mechanism, c] of this.store.all(creds.username)) {
      const m = ScramMechanisms[mechanism];
      const salted = await pbkdf2Async(creds.password, c.salt, c.iterations, m.keyBytes, m.hash);
      const storedKey = digest(mechanism, hmac(mechanism, salted, 'Client Key'));
      if (safeEqual(storedKey, c.storedKey)) return { kind: 'done', user: creds.username, token: Buffer.alloc(0) };
    }
    return INVALID;
  }
}
