/*
 * Creating SCRAM users before the broker runs, as `kafka-storage format --add-scram` does, so the
 * first admin can log in to a broker whose every listener needs SASL. The argument syntax is
 * Kafka's:
 *   SCRAM-SHA-256=[name=admin,password=admin-secret]
 *   SCRAM-SHA-512=[name=admin,iterations=8192,password=admin-secret]
 *   SCRAM-SHA-256=[name=admin,salt=<base64>,saltedpassword=<base64>,iterations=4096]
 * Values may be double-quoted ("a,b"). Parse errors name the offending attribute, never a value.
 * The data directory is locked while the credentials are written, so this fails rather than race
 * a running broker (which would overwrite the file); use AlterUserScramCredentials against a
 * running broker instead (`tributary users add`).
 */
import { mkdir } from 'node:fs/promises';
import { acquireDirLock } from '../../util/dir-lock.ts';
import {
  credentialFromSalted,
  DEFAULT_SCRAM_ITERATIONS,
  hi,
  isScramMechanism,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  ScramMechanisms,
  type ScramCredential,
  type ScramMechanism,
} from '../../protocol/sasl/scram.ts';
import { randomBytes } from 'node:crypto';
import { CredentialStore } from './credential-store.ts';

export interface ScramUserSpec {
  readonly mechanism: ScramMechanism;
  readonly name: string;
  readonly credential: ScramCredential;
}

/** Splits "a=1,b="x,y"" at top-level commas. */
function splitAttributes(body: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of body) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parses one `--add-scram` argument; throws an Error naming what is wrong. */
export function parseScramSpec(arg: string): ScramUserSpec {
  const m = /^([A-Z0-9-]+)=\[(.*)\]$/s.exec(arg.trim());
  if (!m) throw new Error('--add-scram must look like SCRAM-SHA-256=[name=USER,password=PASSWORD]');
  const mechanism = m[1] as string;
  if (!isScramMechanism(mechanism)) throw new Error(`--add-scram: unknown mechanism ${mechanism} (use SCRAM-SHA-256 or SCRAM-SHA-512)`);
  const attrs = new Map<string, string>();
  for (const item of splitAttributes(m[2] as string)) {
    const at = item.indexOf('=');
    if (at <= 0) throw new Error('--add-scram: every attribute must be key=value');
    const key = item.slice(0, at).trim().toLowerCase();
    if (!['name', 'password', 'iterations', 'salt', 'saltedpassword'].includes(key)) throw new Error(`--add-scram: unknown attribute ${key}`);
    attrs.set(key, item.slice(at + 1).trim().replace(/^"(.*)"$/s, '$1'));
  }
  const name = attrs.get('name');
  if (name === undefined || name === '') throw new Error('--add-scram: name= is required');
  const iterations = attrs.has('iterations') ? Number(attrs.get('iterations')) : DEFAULT_SCRAM_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS || iterations > MAX_SCRAM_ITERATIONS) {
    throw new Error(`--add-scram: iterations must be an integer in ${MIN_SCRAM_ITERATIONS}..${MAX_SCRAM_ITERATIONS}`);
  }
  const password = attrs.get('password');
  const salted = attrs.get('saltedpassword');
  let credential: ScramCredential;
  if (password !== undefined) {
    if (password === '' || salted !== undefined) throw new Error('--add-scram: give a non-empty password= or salt= with saltedpassword=, not both');
    const salt = attrs.has('salt') ? Buffer.from(attrs.get('salt') as string, 'base64') : randomBytes(32);
    credential = credentialFromSalted(mechanism, salt, iterations, hi(mechanism, password, salt, iterations));
  } else {
    const salt = Buffer.from(attrs.get('salt') ?? '', 'base64');
    const saltedPassword = Buffer.from(salted ?? '', 'base64');
    if (salt.length === 0 || saltedPassword.length !== ScramMechanisms[mechanism].keyBytes) {
      throw new Error(`--add-scram: without password= both salt= and saltedpassword= (${ScramMechanisms[mechanism].keyBytes} bytes, base64) are required`);
    }
    credential = credentialFromSalted(mechanism, salt, iterations, saltedPassword);
  }
  return { mechanism, name, credential };
}

/** Writes the users into `dataDir`'s credential store (creating the directory if needed). */
export async function addScramUsers(dataDir: string, specs: readonly ScramUserSpec[]): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const lock = acquireDirLock(dataDir);
  try {
    const store = await CredentialStore.open(dataDir);
    for (const s of specs) store.upsert(s.name, s.mechanism, s.credential);
    await store.persist();
  } finally {
    lock.release();
  }
}
