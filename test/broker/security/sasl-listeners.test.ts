// Integration: a broker with PLAINTEXT, SASL_PLAINTEXT, SASL_SSL and SSL listeners, driven by the
// project's wire client and by raw frames. What a user sees: who gets in, who is refused, what
// Metadata advertises, and that the broker survives it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireConnection } from '../../../src/client/connection.ts';
import { KafkaAuthenticationError } from '../../../src/client/sasl/authenticate.ts';
import type { ClientSecurity } from '../../../src/client/security.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { RawClient } from '../raw-client.ts';
import { ALICE, BOB, startSecuredBroker, type SecuredBroker } from './secured-broker.ts';

let sb: SecuredBroker;
beforeAll(async () => {
  sb = await startSecuredBroker();
});
afterAll(async () => {
  await sb?.stop();
});

function open(listener: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' | 'SSL', security: ClientSecurity): Promise<WireConnection> {
  return WireConnection.open({ host: '127.0.0.1', port: sb.port(listener), clientId: 'sasl-test', security });
}

const sslSasl = (mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: string, password: string): ClientSecurity => ({
  protocol: 'SASL_SSL',
  tls: { ca: sb.certs.ca },
  sasl: { mechanism, username, password },
});

describe('SASL listeners', () => {
  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'] as const)('SASL_SSL + %s: authenticated clients are served, and Metadata names the SASL_SSL listener', async (mechanism) => {
    const conn = await open('SASL_SSL', sslSasl(mechanism, ALICE.username, ALICE.password));
    try {
      const { body } = await conn.request(3, { topics: null });
      expect(body.brokers).toEqual([expect.objectContaining({ host: '127.0.0.1', port: sb.port('SASL_SSL') })]);
    } finally {
      conn.close();
    }
  });

  it('SASL_PLAINTEXT + PLAIN and SCRAM-SHA-512 (a user with 8192 iterations)', async () => {
    for (const mechanism of ['PLAIN', 'SCRAM-SHA-512'] as const) {
      const conn = await open('SASL_PLAINTEXT', { protocol: 'SASL_PLAINTEXT', sasl: { mechanism, ...BOB } });
      const { body } = await conn.request(3, { topics: null });
      expect(body.brokers[0]?.port).toBe(sb.port('SASL_PLAINTEXT'));
      conn.close();
    }
  });

  it('the PLAINTEXT listener advertises itself, not the first SASL one', async () => {
    const conn = await open('PLAINTEXT', { protocol: 'PLAINTEXT' });
    const { body } = await conn.request(3, { topics: null });
    expect(body.brokers[0]?.port).toBe(sb.port('PLAINTEXT'));
    conn.close();
  });

  it.each(['SCRAM-SHA-256', 'PLAIN'] as const)('%s with a wrong password or an unknown user: an authentication error that does not contain the password', async (mechanism) => {
    for (const [user, password] of [
      [ALICE.username, 'not-the-password-42'],
      ['mallory', 'not-the-password-42'],
    ] as const) {
      const err = await open('SASL_SSL', sslSasl(mechanism, user, password)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KafkaAuthenticationError);
      expect((err as Error).message).toMatch(/failed/);
      expect((err as Error).message).not.toContain(password);
    }
  });

  it('a wrong password gets SASL_AUTHENTICATION_FAILED and then the connection is closed', async () => {
    const raw = await RawClient.connect(sb.port('SASL_PLAINTEXT'));
    const hs = await raw.request(17, 1, { mechanism: 'PLAIN' });
    expect(hs.errorCode).toBe(0);
    const auth = await raw.request(36, 2, { authBytes: Buffer.from(`\u0000${ALICE.username}\u0000wrong`) });
    expect(auth.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(auth.errorMessage).not.toContain('wrong');
    expect(await raw.waitClosed()).toBe(true);
  });

  it('a client that does not authenticate gets ApiVersions only; Metadata closes the connection', async () => {
    const raw = await RawClient.connect(sb.port('SASL_PLAINTEXT'));
    const versions = await raw.request(18, 0, {});
    expect(versions.apiKeys.map((k) => k.apiKey)).toEqual(expect.arrayContaining([17, 36, 50, 51]));
    raw.send(3, 1, { topics: null });
    expect(await raw.waitClosed()).toBe(true);
  });

  it('an unsupported mechanism is answered with the enabled list, then the connection closes', async () => {
    const raw = await RawClient.connect(sb.port('SASL_PLAINTEXT'));
    const hs = await raw.request(17, 1, { mechanism: 'GSSAPI' });
    expect(hs.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(hs.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(await raw.waitClosed()).toBe(true);
  });

  it('SaslHandshake v0 is followed by bare SASL tokens (kafka-python 2.0.2)', async () => {
    const raw = await RawClient.connect(sb.port('SASL_PLAINTEXT'));
    expect((await raw.request(17, 0, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    const token = Buffer.from(`\u0000${ALICE.username}\u0000${ALICE.password}`);
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length);
    raw.sendRaw(Buffer.concat([size, token]));
    expect((await raw.nextFrame()).length).toBe(0); // an empty token: authenticated
    const md = await raw.request(3, 1, { topics: null });
    expect(md.brokers[0]?.port).toBe(sb.port('SASL_PLAINTEXT'));
    raw.close();
  });

  it('SASL requests on a PLAINTEXT listener get ILLEGAL_SASL_STATE', async () => {
    const raw = await RawClient.connect(sb.port('PLAINTEXT'));
    expect((await raw.request(17, 1, { mechanism: 'PLAIN' })).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    raw.close();
  });

  it('a plaintext client on a SASL_SSL listener never gets an answer and is disconnected', async () => {
    const raw = await RawClient.connect(sb.port('SASL_SSL'));
    raw.send(18, 0, {});
    expect(await raw.waitClosed()).toBe(true);
    const conn = await open('SASL_SSL', sslSasl('SCRAM-SHA-256', ALICE.username, ALICE.password));
    conn.close();
  });
});

describe('TLS', () => {
  it('a client that does not trust the broker certificate is refused', async () => {
    const { readFileSync } = await import('node:fs');
    const err = await open('SSL', { protocol: 'SSL', tls: { ca: readFileSync(sb.certs.untrustedCaFile, 'utf8') } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KafkaAuthenticationError);
    expect((err as Error).message).toMatch(/certificate/);
  });

  it('the certificate must name the host the client connects to', async () => {
    const err = await open('SSL', { protocol: 'SSL', tls: { ca: sb.certs.ca, servername: 'kafka.example.com' } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/kafka\.example\.com/);
  });

  it('mTLS: a client certificate from the trusted CA is accepted; one from another CA is refused', async () => {
    const good = await open('SSL', { protocol: 'SSL', tls: { ca: sb.certs.ca, cert: sb.certs.clientCert, key: sb.certs.clientKey } });
    expect((await good.request(3, { topics: null })).body.brokers[0]?.port).toBe(sb.port('SSL'));
    good.close();
    const { readFileSync } = await import('node:fs');
    const evil = readFileSync(sb.certs.untrustedPemFile, 'utf8');
    const err = await open('SSL', { protocol: 'SSL', tls: { ca: sb.certs.ca, cert: evil, key: evil } }).then(
      (c) => c.request(3, { topics: null }).then(() => null, (e: unknown) => e),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
  });
});
