// SCRAM users managed through Describe/AlterUserScramCredentials (the client's scram-admin calls,
// what `tributary users` runs): a user added on a running broker can log in at once, survives a
// restart, and is gone once deleted; Kafka's per-user error rules; no password on disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireCluster } from '../../../src/client/cluster.ts';
import { WireConnection } from '../../../src/client/connection.ts';
import { alterScramUsers, describeScramUsers } from '../../../src/client/scram-admin.ts';
import { KafkaAuthenticationError } from '../../../src/client/sasl/authenticate.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { CREDENTIALS_FILE } from '../../../src/broker/security/credential-store.ts';
import { ALICE, startSecuredBroker, type SecuredBroker } from './secured-broker.ts';

let sb: SecuredBroker;
beforeAll(async () => {
  sb = await startSecuredBroker();
});
afterAll(async () => {
  await sb?.stop();
});

function admin(): WireCluster {
  return new WireCluster({
    bootstrap: sb.address('SASL_PLAINTEXT'),
    security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-256', ...ALICE } },
  });
}

async function login(mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: string, password: string): Promise<boolean> {
  try {
    const conn = await WireConnection.open({
      host: '127.0.0.1',
      port: sb.port('SASL_PLAINTEXT'),
      security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism, username, password } },
    });
    conn.close();
    return true;
  } catch (err) {
    if (err instanceof KafkaAuthenticationError) return false;
    throw err;
  }
}

describe('SCRAM users', () => {
  it('add, log in, survive a restart, change the password, delete', async () => {
    let c = admin();
    await alterScramUsers(c, [
      { user: 'dave', mechanism: 'SCRAM-SHA-256', password: 'dave-pass-1' },
      { user: 'dave', mechanism: 'SCRAM-SHA-512', password: 'dave-pass-1', iterations: 5000 },
    ]);
    expect(await describeScramUsers(c, ['dave'])).toEqual([
      { user: 'dave', credentials: expect.arrayContaining([{ mechanism: 'SCRAM-SHA-256', iterations: 4096 }, { mechanism: 'SCRAM-SHA-512', iterations: 5000 }]) },
    ]);
    expect((await describeScramUsers(c)).map((u) => u.user)).toEqual(['alice', 'bob', 'dave']);
    c.close();
    expect(await login('SCRAM-SHA-512', 'dave', 'dave-pass-1')).toBe(true);
    expect(await login('PLAIN', 'dave', 'dave-pass-1')).toBe(true);

    const onDisk = readFileSync(join(sb.tb.dataDir, CREDENTIALS_FILE), 'utf8');
    expect(onDisk).not.toContain('dave-pass-1');
    expect(onDisk).not.toContain(ALICE.password);

    await sb.restart();
    expect(await login('SCRAM-SHA-256', 'dave', 'dave-pass-1')).toBe(true);
    c = admin();
    await alterScramUsers(c, [{ user: 'dave', mechanism: 'SCRAM-SHA-256', password: 'dave-pass-2' }]);
    expect(await login('SCRAM-SHA-256', 'dave', 'dave-pass-1')).toBe(false);
    expect(await login('SCRAM-SHA-256', 'dave', 'dave-pass-2')).toBe(true);
    await alterScramUsers(c, [], [{ user: 'dave', mechanism: 'SCRAM-SHA-256' }, { user: 'dave', mechanism: 'SCRAM-SHA-512' }]);
    expect(await login('SCRAM-SHA-256', 'dave', 'dave-pass-2')).toBe(false);
    expect(await login('PLAIN', 'dave', 'dave-pass-1')).toBe(false);
    await expect(describeScramUsers(c, ['dave'])).rejects.toMatchObject({ kafkaType: 'RESOURCE_NOT_FOUND' });
    c.close();
  });

  it("answers Kafka's per-user errors and applies nothing for a user with a bad entry", async () => {
    const c = admin();
    const conn = await c.any();
    const salt = Buffer.alloc(16, 1);
    const { body } = await conn.request(51, {
      deletions: [{ name: 'ghost', mechanism: 1 }],
      upsertions: [
        { name: 'erin', mechanism: 1, iterations: 100, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'frank', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'frank', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: 'gina', mechanism: 9, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
        { name: '', mechanism: 1, iterations: 4096, salt, saltedPassword: Buffer.alloc(32) },
      ],
    });
    expect(body.results.map((r) => [r.user, r.errorCode])).toEqual([
      ['ghost', ErrorCode.RESOURCE_NOT_FOUND],
      ['erin', ErrorCode.UNACCEPTABLE_CREDENTIAL],
      ['frank', ErrorCode.DUPLICATE_RESOURCE],
      ['gina', ErrorCode.UNSUPPORTED_SASL_MECHANISM],
      ['', ErrorCode.UNACCEPTABLE_CREDENTIAL],
    ]);
    const described = await conn.request(50, { users: [{ name: 'frank' }, { name: 'alice' }, { name: 'alice' }] });
    expect(described.body.results.map((r) => [r.user, r.errorCode])).toEqual([
      ['frank', ErrorCode.RESOURCE_NOT_FOUND],
      ['alice', ErrorCode.DUPLICATE_RESOURCE],
    ]);
    c.close();
  });
});
