/*
 * SCRAM (RFC 5802) with SHA-256 / SHA-512 (RFC 7677), the pieces both sides need: key
 * derivation, message formatting and parsing. Pure computation on node:crypto; no I/O. The
 * broker's server session (src/broker/security/scram-server.ts) and the client's
 * (src/client/sasl/scram-client.ts) are built on it.
 *
 * Derivation (RFC 5802 §3):
 *   SaltedPassword  = Hi(password, salt, i)  = PBKDF2-HMAC-H(password, salt, i, len(H))
 *   ClientKey       = HMAC(SaltedPassword, "Client Key")   StoredKey = H(ClientKey)
 *   ServerKey       = HMAC(SaltedPassword, "Server Key")
 *   AuthMessage     = client-first-bare "," server-first "," client-final-without-proof
 *   ClientSignature = HMAC(StoredKey, AuthMessage)         ClientProof = ClientKey XOR ClientSignature
 *   ServerSignature = HMAC(ServerKey, AuthMessage)
 * The broker stores salt, i, StoredKey and ServerKey only; from a proof it recovers ClientKey
 * (proof XOR signature) and checks H(ClientKey) = StoredKey in constant time.
 *
 * Messages (attribute=value, comma-separated; names escape ',' as =2C and '=' as =3D):
 *   client-first   gs2-header client-first-bare   gs2-header = "n,," | "y,," | "n,a=<authzid>,"
 *   client-first-bare  "n=<user>,r=<client nonce>[,<extensions>]"   (Kafka: tokenauth=true etc.)
 *   server-first   "r=<client+server nonce>,s=<base64 salt>,i=<iterations>"
 *   client-final   "c=<base64 gs2-header>,r=<nonce>,p=<base64 proof>"
 *   server-final   "v=<base64 server signature>" or "e=<error>"
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const ScramMechanisms = {
  'SCRAM-SHA-256': { code: 1, hash: 'sha256', keyBytes: 32 },
  'SCRAM-SHA-512': { code: 2, hash: 'sha512', keyBytes: 64 },
} as const;

export type ScramMechanism = keyof typeof ScramMechanisms;

/** Kafka's bounds on SCRAM iterations (ScramMechanism.minIterations / maxIterations). */
export const MIN_SCRAM_ITERATIONS = 4096;
export const MAX_SCRAM_ITERATIONS = 16384;
export const DEFAULT_SCRAM_ITERATIONS = 4096;

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.hasOwn(ScramMechanisms, name);
}

/** The AlterUserScramCredentials mechanism code → name, or undefined for an unknown code. */
export function scramMechanismByCode(code: number): ScramMechanism | undefined {
  for (const [name, m] of Object.entries(ScramMechanisms)) if (m.code === code) return name as ScramMechanism;
  return undefined;
}

/** What the broker keeps for one user and mechanism: never the password. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function hi(mechanism: ScramMechanism, password: string | Buffer, salt: Buffer, iterations: number): Buffer {
  const m = ScramMechanisms[mechanism];
  return pbkdf2Sync(password, salt, iterations, m.keyBytes, m.hash);
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(ScramMechanisms[mechanism].hash, key).update(data).digest();
}

export function digest(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(ScramMechanisms[mechanism].hash).update(data).digest();
}

/** StoredKey and ServerKey from a salted password (what AlterUserScramCredentials carries). */
export function credentialFromSalted(mechanism: ScramMechanism, salt: Buffer, iterations: number, saltedPassword: Buffer): ScramCredential {
  const clientKey = hmac(mechanism, saltedPassword, 'Client Key');
  return {
    salt: Buffer.from(salt),
    iterations,
    storedKey: digest(mechanism, clientKey),
    serverKey: hmac(mechanism, saltedPassword, 'Server Key'),
  };
}

/** A fresh credential for a password (random 32-byte salt, as Kafka's tools use). */
export function createCredential(mechanism: ScramMechanism, password: string, iterations = DEFAULT_SCRAM_ITERATIONS): ScramCredential {
  const salt = randomBytes(32);
  return credentialFromSalted(mechanism, salt, iterations, hi(mechanism, password, salt, iterations));
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] ?? 0);
  return out;
}

/** Constant-time equality for equal-length buffers; false (not a throw) when lengths differ. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A printable nonce (base64 of random bytes contains no ','). */
export function scramNonce(): string {
  return randomBytes(24).toString('base64');
}

/** RFC 5802 saslname escaping: ',' → =2C, '=' → =3D. */
export function escapeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The inverse of escapeSaslName; null for an '=' not followed by 2C or 3D. */
export function unescapeSaslName(raw: string): string | null {
  if (/=(?!2C|3D)/.test(raw)) return null;
  return raw.replace(/=(2C|3D)/g, (_, code: string) => (code === '2C' ? ',' : '='));
}

/** Parses "a=1,b=2" into ordered pairs; null when an item is not `letter=value`. */
export function parseAttributes(text: string): [string, string][] | null {
  const out: [string, string][] = [];
  for (const item of text.split(',')) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(item);
    if (!m) return null;
    out.push([m[1] as string, m[2] as string]);
  }
  return out;
}

export interface ClientFirst {
  readonly gs2Header: string;
  readonly bare: string;
  readonly user: string;
  readonly nonce: string;
  readonly extensions: ReadonlyMap<string, string>;
}

/** Parses client-first; a string error names what is wrong (never echoes secrets). */
export function parseClientFirst(text: string): ClientFirst | string {
  const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
  if (!m) return 'client-first message must start with a gs2 header "n,," (channel binding is not supported)';
  const gs2Header = `${m[1]},${m[2] ?? ''},`;
  const bare = m[3] as string;
  const attrs = parseAttributes(bare);
  if (attrs === null || attrs.length < 2 || attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r') {
    return 'client-first-bare must be "n=<user>,r=<nonce>[,extensions]"';
  }
  const user = unescapeSaslName(attrs[0][1]);
  if (user === null || user === '') return 'client-first-bare has an invalid user name';
  const nonce = attrs[1][1];
  if (nonce === '' || /[^\x21-\x7e]/.test(nonce)) return 'client-first-bare has an invalid nonce';
  if (m[2] !== undefined && m[2] !== 'a=' && unescapeSaslName(m[2].slice(2)) !== user) {
    return 'an authorization id different from the user name is not supported';
  }
  return { gs2Header, bare, user, nonce, extensions: new Map(attrs.slice(2)) };
}

export interface ClientFinal {
  readonly channelBinding: string;
  readonly nonce: string;
  readonly proof: Buffer;
  readonly withoutProof: string;
}

export function parseClientFinal(text: string): ClientFinal | string {
  const attrs = parseAttributes(text);
  if (attrs === null || attrs.length < 3) return 'client-final message must be "c=…,r=…,p=…"';
  const [c, r] = attrs;
  const p = attrs[attrs.length - 1];
  if (c?.[0] !== 'c' || r?.[0] !== 'r' || p?.[0] !== 'p') return 'client-final message must be "c=…,r=…[,…],p=…"';
  const proofAt = text.lastIndexOf(',p=');
  return { channelBinding: c[1], nonce: r[1], proof: Buffer.from(p[1], 'base64'), withoutProof: text.slice(0, proofAt) };
}

export interface ServerFirst {
  readonly nonce: string;
  readonly salt: Buffer;
  readonly iterations: number;
}

export function parseServerFirst(text: string): ServerFirst | string {
  const attrs = parseAttributes(text);
  if (attrs === null) return 'server-first message is malformed';
  const get = (k: string): string | undefined => attrs.find(([key]) => key === k)?.[1];
  const e = get('e');
  if (e !== undefined) return `server error: ${e}`;
  const nonce = get('r');
  const salt = get('s');
  const iterations = Number(get('i'));
  if (nonce === undefined || salt === undefined || !Number.isInteger(iterations) || iterations < 1) {
    return 'server-first message must carry r=, s= and i=';
  }
  return { nonce, salt: Buffer.from(salt, 'base64'), iterations };
}
