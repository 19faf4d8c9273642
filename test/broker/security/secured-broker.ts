// Test helper: a broker with PLAINTEXT, SASL_PLAINTEXT, SASL_SSL and SSL (client certificate
// requested) listeners on ephemeral 127.0.0.1 ports, test certificates, and SCRAM users created
// offline before start (the `--add-scram` path): alice (SCRAM-SHA-256 and -512), bob (-512 only).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../../src/testing/broker-harness.ts';
import type { BrokerOptionsInput } from '../../../src/broker/options.ts';
import { addScramUsers, parseScramSpec } from '../../../src/broker/security/scram-bootstrap.ts';
import { makeTestCerts, type TestCerts } from '../../conformance/helpers/certs.ts';

export const ALICE = { username: 'alice', password: 'alice-secret-7' } as const;
export const BOB = { username: 'bob', password: 'bob-secret-9' } as const;

export interface SecuredBroker {
  readonly tb: TestBroker;
  readonly certs: TestCerts;
  readonly dataDir: string;
  /** "127.0.0.1:port" of a listener by name. */
  address(listener: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' | 'SSL'): string;
  port(listener: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' | 'SSL'): number;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const listener = (name: string, protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL') => ({
  name,
  securityProtocol: protocol,
  host: '127.0.0.1',
  port: 0,
  advertisedHost: '127.0.0.1',
  advertisedPort: 0,
});

export async function startSecuredBroker(extra: Partial<BrokerOptionsInput> = {}, certs = makeTestCerts()): Promise<SecuredBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-secured-'));
  await addScramUsers(dataDir, [
    parseScramSpec(`SCRAM-SHA-256=[name=${ALICE.username},password=${ALICE.password}]`),
    parseScramSpec(`SCRAM-SHA-512=[name=${ALICE.username},password=${ALICE.password}]`),
    parseScramSpec(`SCRAM-SHA-512=[name=${BOB.username},iterations=8192,password=${BOB.password}]`),
  ]);
  const options: Partial<BrokerOptionsInput> = {
    dataDir,
    listeners: [listener('PLAINTEXT', 'PLAINTEXT'), listener('SASL_PLAINTEXT', 'SASL_PLAINTEXT'), listener('SASL_SSL', 'SASL_SSL'), listener('SSL', 'SSL')],
    ssl: { keystoreLocation: certs.brokerPemFile, truststoreLocation: certs.caFile, clientAuth: 'requested' },
    ...extra,
  };
  let tb = await startTestBroker(options);
  const port = (name: string): number => {
    const bootstrap = tb.broker.bootstrapOf(name);
    return Number(bootstrap.slice(bootstrap.lastIndexOf(':') + 1));
  };
  return {
    get tb() {
      return tb;
    },
    certs,
    dataDir,
    port,
    address: (name) => `127.0.0.1:${port(name)}`,
    async restart() {
      await tb.stop();
      tb = await startTestBroker(options);
    },
    async stop() {
      await tb.stop();
      await rm(dataDir, { recursive: true, force: true });
      certs.cleanup();
    },
  };
}
