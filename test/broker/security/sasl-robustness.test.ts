// What a hostile or buggy peer cannot do to a secured broker: random SASL frames and TLS garbage
// never take it down (property), passwords never reach its logs, and a SASL session that outlives
// connections.max.reauth.ms is re-authenticated by our client and cut off for a client that does not.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WireConnection } from '../../../src/client/connection.ts';
import type { BrokerLogger } from '../../../src/broker/broker.ts';
import { RawClient } from '../raw-client.ts';
import { ALICE, startSecuredBroker, type SecuredBroker } from './secured-broker.ts';

const logLines: string[] = [];
const recording: BrokerLogger = {
  info: (m) => logLines.push(m),
  warn: (m) => logLines.push(m),
  debug: (m) => logLines.push(m),
};

let sb: SecuredBroker;
beforeAll(async () => {
  sb = await startSecuredBroker({ connectionsMaxReauthMs: 1500 });
});
afterAll(async () => {
  await sb?.stop();
});

async function stillServes(): Promise<void> {
  const conn = await WireConnection.open({
    host: '127.0.0.1',
    port: sb.port('SASL_SSL'),
    security: { protocol: 'SASL_SSL', tls: { ca: sb.certs.ca }, sasl: { mechanism: 'SCRAM-SHA-256', ...ALICE } },
  });
  expect((await conn.request(3, { topics: null })).body.brokers).toHaveLength(1);
  conn.close();
}

function frame(body: Uint8Array): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, Buffer.from(body)]);
}

describe('fuzzed SASL and TLS input', () => {
  it('random frames in every SASL state and random bytes on the TLS port never take the broker down', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fresh', 'after-handshake-v1', 'after-handshake-v0', 'tls'),
        fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 4 }),
        async (state, bodies) => {
          if (state === 'tls') {
            const s = connect(sb.port('SASL_SSL'), '127.0.0.1');
            s.on('error', () => undefined);
            await new Promise((r) => s.once('connect', r));
            for (const b of bodies) s.write(b);
            const closed = new Promise((r) => s.once('close', r));
            s.end();
            // Bytes that start like a TLS record leave the broker waiting for the rest of it (until
            // its idle timeout), as any TLS server: stop waiting after a moment and reset instead.
            const reset = setTimeout(() => s.destroy(), 500);
            await closed;
            clearTimeout(reset);
            return;
          }
          const raw = await RawClient.connect(sb.port('SASL_PLAINTEXT'));
          if (state !== 'fresh') await raw.request(17, state === 'after-handshake-v1' ? 1 : 0, { mechanism: 'SCRAM-SHA-512' });
          for (const b of bodies) raw.sendRaw(frame(b));
          raw.sendRaw(Buffer.from(bodies[0] ?? []));
          raw.close();
        },
      ),
      { numRuns: 60 },
    );
    await stillServes();
  });
});

describe('session lifetime (KIP-368)', () => {
  it('our client re-authenticates before the session expires; a client that does not is disconnected', async () => {
    const conn = await WireConnection.open({
      host: '127.0.0.1',
      port: sb.port('SASL_PLAINTEXT'),
      security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'SCRAM-SHA-512', ...ALICE } },
    });
    const lazy = await RawClient.connect(sb.port('SASL_PLAINTEXT'));
    expect((await lazy.request(17, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    const auth = await lazy.request(36, 1, { authBytes: Buffer.from(`\u0000${ALICE.username}\u0000${ALICE.password}`) });
    expect(auth.errorCode).toBe(0);
    expect(Number(auth.sessionLifetimeMs)).toBe(1500);
    // Two lifetimes pass: the wire client re-authenticates on its own timer meanwhile.
    await new Promise((r) => setTimeout(r, 3200));
    expect((await conn.request(3, { topics: null })).body.brokers).toHaveLength(1);
    conn.close();
    lazy.send(3, 1, { topics: null });
    expect(await lazy.waitClosed()).toBe(true);
  });
});

describe('logs', () => {
  it('failed and successful logins never log a password', async () => {
    const { startTestBroker } = await import('../../../src/testing/broker-harness.ts');
    const tb = await startTestBroker({
      listeners: [{ name: 'SASL_PLAINTEXT', securityProtocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port: 0, advertisedHost: '127.0.0.1', advertisedPort: 0 }],
      deps: { logger: recording },
    });
    try {
      const { parseScramSpec } = await import('../../../src/broker/security/scram-bootstrap.ts');
      tb.broker.credentials.upsert('zed', 'SCRAM-SHA-256', parseScramSpec('SCRAM-SHA-256=[name=zed,password=zed-secret-pw]').credential);
      for (const [mechanism, password] of [
        ['PLAIN', 'wrong-pw-111'],
        ['SCRAM-SHA-256', 'wrong-pw-222'],
        ['PLAIN', 'zed-secret-pw'],
      ] as const) {
        await WireConnection.open({
          host: '127.0.0.1',
          port: tb.port,
          security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism, username: 'zed', password } },
        }).then(
          (c) => c.close(),
          () => undefined,
        );
      }
      expect(logLines.some((l) => /SASL authentication failed/.test(l))).toBe(true);
      for (const secret of ['wrong-pw-111', 'wrong-pw-222', 'zed-secret-pw']) expect(logLines.join('\n')).not.toContain(secret);
    } finally {
      await tb.stop();
    }
  });
});
