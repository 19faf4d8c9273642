/*
 * DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554) applied to the credential
 * store, with Kafka's per-user error rules:
 *   describe  null/empty list → every user; a name twice → DUPLICATE_RESOURCE; a user without
 *             credentials → RESOURCE_NOT_FOUND; empty name → RESOURCE_NOT_FOUND.
 *   alter     one result per user named (in order of first mention). A user whose entries fail
 *             any check has none of its entries applied:
 *               empty name                                    UNACCEPTABLE_CREDENTIAL
 *               the same user+mechanism twice                 DUPLICATE_RESOURCE
 *               an unknown mechanism code                     UNSUPPORTED_SASL_MECHANISM
 *               iterations outside 4096..16384, empty salt or
 *               a salted password of the wrong length         UNACCEPTABLE_CREDENTIAL
 *               deleting a credential that does not exist     RESOURCE_NOT_FOUND
 *             The accepted changes are persisted before the answer is sent.
 * Messages name users and mechanisms only, never salts or keys.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import {
  credentialFromSalted,
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  scramMechanismByCode,
  ScramMechanisms,
  type ScramMechanism,
} from '../../protocol/sasl/scram.ts';
import type { CredentialStore } from './credential-store.ts';

export interface UserResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface DescribedUser extends UserResult {
  credentialInfos: { mechanism: number; iterations: number }[];
}

export function describeScramUsers(store: CredentialStore, names: readonly string[] | null): DescribedUser[] {
  const wanted = names === null || names.length === 0 ? store.userNames() : names;
  const counts = new Map<string, number>();
  for (const n of wanted) counts.set(n, (counts.get(n) ?? 0) + 1);
  const out: DescribedUser[] = [];
  for (const user of new Set(wanted)) {
    if ((counts.get(user) ?? 0) > 1) {
      out.push({ user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `user ${user} is named more than once`, credentialInfos: [] });
      continue;
    }
    const infos = store.describe(user).map((d) => ({ mechanism: ScramMechanisms[d.mechanism].code, iterations: d.iterations }));
    if (infos.length === 0) {
      out.push({ user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `user ${user} has no SCRAM credential`, credentialInfos: [] });
      continue;
    }
    out.push({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos });
  }
  return out;
}

export interface ScramDeletion {
  name: string;
  mechanism: number;
}

export interface ScramUpsertion extends ScramDeletion {
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

type Change = { kind: 'delete'; mechanism: ScramMechanism } | { kind: 'upsert'; mechanism: ScramMechanism; u: ScramUpsertion };

export async function alterScramUsers(store: CredentialStore, deletions: readonly ScramDeletion[], upsertions: readonly ScramUpsertion[]): Promise<UserResult[]> {
  const order: string[] = [];
  const errors = new Map<string, UserResult>();
  const changes = new Map<string, Change[]>();
  const seen = new Set<string>();
  const fail = (user: string, errorCode: number, errorMessage: string): void => {
    if (!errors.has(user)) errors.set(user, { user, errorCode, errorMessage });
  };
  const entries: [ScramDeletion, ScramUpsertion | null][] = [
    ...deletions.map((d): [ScramDeletion, null] => [d, null]),
    ...upsertions.map((u): [ScramUpsertion, ScramUpsertion] => [u, u]),
  ];
  for (const [entry, upsert] of entries) {
    const user = entry.name;
    if (!order.includes(user)) order.push(user);
    if (user === '') {
      fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'the user name must not be empty');
      continue;
    }
    const mechanism = scramMechanismByCode(entry.mechanism);
    if (mechanism === undefined) {
      fail(user, ErrorCode.UNSUPPORTED_SASL_MECHANISM, `unknown SCRAM mechanism code ${entry.mechanism}`);
      continue;
    }
    const key = `${user}\u0000${mechanism}`;
    if (seen.has(key)) {
      fail(user, ErrorCode.DUPLICATE_RESOURCE, `${mechanism} credential of user ${user} is altered more than once`);
      continue;
    }
    seen.add(key);
    if (upsert === null) {
      if (store.get(user, mechanism) === undefined) fail(user, ErrorCode.RESOURCE_NOT_FOUND, `user ${user} has no ${mechanism} credential to delete`);
      else changes.set(user, [...(changes.get(user) ?? []), { kind: 'delete', mechanism }]);
      continue;
    }
    if (upsert.iterations < MIN_SCRAM_ITERATIONS || upsert.iterations > MAX_SCRAM_ITERATIONS) {
      fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, `iterations must be ${MIN_SCRAM_ITERATIONS}..${MAX_SCRAM_ITERATIONS}, got ${upsert.iterations}`);
      continue;
    }
    if (upsert.salt.length === 0 || upsert.saltedPassword.length !== ScramMechanisms[mechanism].keyBytes) {
      fail(user, ErrorCode.UNACCEPTABLE_CREDENTIAL, `the ${mechanism} salt must be non-empty and the salted password ${ScramMechanisms[mechanism].keyBytes} bytes`);
      continue;
    }
    changes.set(user, [...(changes.get(user) ?? []), { kind: 'upsert', mechanism, u: upsert }]);
  }
  let changed = false;
  for (const [user, list] of changes) {
    if (errors.has(user)) continue;
    for (const c of list) {
      if (c.kind === 'delete') store.delete(user, c.mechanism);
      else store.upsert(user, c.mechanism, credentialFromSalted(c.mechanism, c.u.salt, c.u.iterations, c.u.saltedPassword));
      changed = true;
    }
  }
  if (changed) await store.persist();
  return order.map((user) => errors.get(user) ?? { user, errorCode: ErrorCode.NONE, errorMessage: null });
}
