/*
 * SCRAM user admin calls (Kafka's Admin.describeUserScramCredentials /
 * alterUserScramCredentials, KIP-554), for `tributary users` against our broker or Apache Kafka
 * (any broker answers; Kafka forwards to its controller). The password never leaves this
 * process: an upsertion carries a random salt, the iteration count and
 * SaltedPassword = Hi(password, salt, iterations).
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_SCRAM_ITERATIONS, hi, scramMechanismByCode, ScramMechanisms, type ScramMechanism } from '../protocol/sasl/scram.ts';
import type { WireCluster } from './cluster.ts';
import { checkErrorCode } from './errors.ts';

export interface ScramUserDescription {
  user: string;
  credentials: { mechanism: ScramMechanism | 'UNKNOWN'; iterations: number }[];
}

/** Every user with SCRAM credentials (names = null) or the named ones; unknown names throw RESOURCE_NOT_FOUND. */
export async function describeScramUsers(cluster: WireCluster, names: readonly string[] | null = null): Promise<ScramUserDescription[]> {
  const conn = await cluster.any();
  const { body } = await conn.request(50, { users: names === null ? null : names.map((name) => ({ name })) });
  checkErrorCode(body.errorCode, 'describing SCRAM users', body.errorMessage);
  return body.results.map((r) => {
    checkErrorCode(r.errorCode, `describing SCRAM user ${r.user}`, r.errorMessage);
    return {
      user: r.user,
      credentials: r.credentialInfos.map((c) => ({ mechanism: scramMechanismByCode(c.mechanism) ?? 'UNKNOWN', iterations: c.iterations })),
    };
  });
}

export interface ScramUpsert {
  user: string;
  mechanism: ScramMechanism;
  password: string;
  iterations?: number;
}

export interface ScramDelete {
  user: string;
  mechanism: ScramMechanism;
}

/** Adds/replaces and deletes credentials in one request; throws on the first user that failed. */
export async function alterScramUsers(cluster: WireCluster, upserts: readonly ScramUpsert[], deletes: readonly ScramDelete[] = []): Promise<void> {
  const upsertions = upserts.map((u) => {
    const iterations = u.iterations ?? DEFAULT_SCRAM_ITERATIONS;
    const salt = randomBytes(32);
    return { name: u.user, mechanism: ScramMechanisms[u.mechanism].code, iterations, salt, saltedPassword: hi(u.mechanism, u.password, salt, iterations) };
  });
  const deletions = deletes.map((d) => ({ name: d.user, mechanism: ScramMechanisms[d.mechanism].code }));
  const conn = await cluster.any();
  const { body } = await conn.request(51, { deletions, upsertions });
  for (const r of body.results) checkErrorCode(r.errorCode, `altering SCRAM user ${r.user}`, r.errorMessage);
}
