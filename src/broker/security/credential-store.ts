/*
 * SCRAM credentials of the broker's users, persisted in the data directory. The single source
 * of truth for who may authenticate with SCRAM (and with PLAIN, which is checked against the
 * same credentials: no password is ever stored, see plain-server.ts).
 *
 * File `<dataDir>/scram-credentials.json`, written atomically (temp file, fsync, rename, fsync of
 * the directory), mode 0600:
 *   { "version": 1,
 *     "users": { "<name>": { "SCRAM-SHA-256": { "salt": b64, "iterations": n,
 *                                               "storedKey": b64, "serverKey": b64 }, … } } }
 * Reading checks every entry; a damaged file stops the broker with an error naming the file
 * (never the keys). Changes are applied in memory at once and persisted in call order.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { join } from 'node:path';
import {
  isScramMechanism,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  ScramMechanisms,
  type ScramCredential,
  type ScramMechanism,
} from '../../protocol/sasl/scram.ts';

export const CREDENTIALS_FILE = 'scram-credentials.json';

export class CredentialStoreCorruptError extends Error {
  constructor(file: string, what: string) {
    super(`SCRAM credential file ${file} is damaged (${what}); restore it from a backup or delete it and add the users again`);
    this.name = 'CredentialStoreCorruptError';
  }
}

interface StoredEntry {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

type UserEntries = Partial<Record<ScramMechanism, ScramCredential>>;

export class CredentialStore {
  private readonly users = new Map<string, UserEntries>();
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<CredentialStore> {
    const store = new CredentialStore(dataDir);
    const file = join(dataDir, CREDENTIALS_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CredentialStoreCorruptError(file, 'not JSON');
    }
    const users = (parsed as { users?: unknown })?.users;
    if ((parsed as { version?: unknown })?.version !== 1 || users === null || typeof users !== 'object') {
      throw new CredentialStoreCorruptError(file, 'expected {"version":1,"users":{…}}');
    }
    for (const [name, entries] of Object.entries(users as Record<string, unknown>)) {
      const parsedEntries: UserEntries = {};
      for (const [mech, raw] of Object.entries((entries ?? {}) as Record<string, unknown>)) {
        if (!isScramMechanism(mech)) throw new CredentialStoreCorruptError(file, `user entry with unknown mechanism ${JSON.stringify(mech)}`);
        parsedEntries[mech] = checkEntry(file, mech, raw);
      }
      store.users.set(name, parsedEntries);
    }
    return store;
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.[mechanism];
  }

  /** Every credential of a user (PLAIN checks against any of them). */
  all(user: string): [ScramMechanism, ScramCredential][] {
    return Object.entries(this.users.get(user) ?? {}) as [ScramMechanism, ScramCredential][];
  }

  /** User names with at least one credential, sorted. */
  userNames(): string[] {
    return [...this.users.keys()].sort();
  }

  /** Mechanisms and iteration counts of a user (what DescribeUserScramCredentials reveals). */
  describe(user: string): { mechanism: ScramMechanism; iterations: number }[] {
    return this.all(user).map(([mechanism, c]) => ({ mechanism, iterations: c.iterations }));
  }

  /** Adds or replaces one credential in memory; call persist() to make it durable. */
  upsert(user: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    const entries = this.users.get(user) ?? {};
    entries[mechanism] = credential;
    this.users.set(user, entries);
  }

  /** Removes one credential; false when there was none. */
  delete(user: string, mechanism: ScramMechanism): boolean {
    const entries = this.users.get(user);
    if (entries?.[mechanism] === undefined) return false;
    delete entries[mechanism];
    if (Object.keys(entries).length === 0) this.users.delete(user);
    return true;
  }

  /** Writes the current state atomically; resolves once it is durable. Writes run in call order. */
  persist(): Promise<void> {
    const next = this.writeChain.then(() => this.writeNow());
    this.writeChain = next.catch(() => undefined);
    return next;
  }

  private async writeNow(): Promise<void> {
    const users: Record<string, Record<string, StoredEntry>> = {};
    for (const name of this.userNames()) {
      const out: Record<string, StoredEntry> = {};
      for (const [mech, c] of this.all(name)) {
        out[mech] = {
          salt: c.salt.toString('base64'),
          iterations: c.iterations,
          storedKey: c.storedKey.toString('base64'),
          serverKey: c.serverKey.toString('base64'),
        };
      }
      users[name] = out;
    }
    await writeFileAtomic(this.dataDir, CREDENTIALS_FILE, JSON.stringify({ version: 1, users }, null, 1), 0o600);
  }
}

function checkEntry(file: string, mech: ScramMechanism, raw: unknown): ScramCredential {
  const e = raw as Partial<StoredEntry> | null;
  const keyBytes = ScramMechanisms[mech].keyBytes;
  const b64 = (v: unknown): Buffer | null => (typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) ? Buffer.from(v, 'base64') : null);
  const salt = b64(e?.salt);
  const storedKey = b64(e?.storedKey);
  const serverKey = b64(e?.serverKey);
  const iterations = e?.iterations;
  if (
    salt === null ||
    salt.length === 0 ||
    storedKey?.length !== keyBytes ||
    serverKey?.length !== keyBytes ||
    typeof iterations !== 'number' ||
    !Number.isInteger(iterations) ||
    iterations < MIN_SCRAM_ITERATIONS ||
    iterations > MAX_SCRAM_ITERATIONS
  ) {
    throw new CredentialStoreCorruptError(file, `a ${mech} entry has a bad salt, key or iteration count`);
  }
  return { salt, iterations, storedKey, serverKey };
}
