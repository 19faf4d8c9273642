/*
 * The bundled broker as the TLS side-by-side runs it: one process with three listeners on
 * ephemeral loopback ports — PLAINTEXT (topic admin and the baseline), SSL and SASL_SSL with
 * SCRAM-SHA-256 — configured through a Kafka server.properties, as a user would
 * (docs/security.md), and one SCRAM user created offline before start with `tributary users add
 * --data-dir` (password on stdin, so it is never on a command line).
 *
 * The certificate is the one the Kafka broker uses when the caller has one (BENCH_SSL_PEM: key +
 * certificate chain in one PEM file, BENCH_SSL_CA: the CA clients trust); otherwise a fresh
 * CA + 127.0.0.1 certificate made with openssl, removed on stop().
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCerts } from '../../../test/conformance/helpers/certs.ts';
import { listenerAddress, startBrokerProcess } from '../../lib/broker-process.ts';
import { repoRoot } from '../../lib/results.ts';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface SecuredBenchBroker {
  readonly addresses: Readonly<Record<SecurityProtocol, string>>;
  /** PEM CA file the clients verify the broker's certificate with. */
  readonly caFile: string;
  stop(): Promise<void>;
}

/** Runs `tributary users add` against a stopped broker's data directory, password on stdin. */
function addUser(dataDir: string, user: Credentials): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/tributary.js'), 'users', 'add', user.username, '--mechanism', 'SCRAM-SHA-256', '--data-dir', dataDir], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tributary users add exited with ${code}: ${err.trim()}`))));
    child.stdin.end(`${user.password}\n`);
  });
}

export async function startSecuredBenchBroker(user: Credentials, pem?: { keystorePem: string; caFile: string }): Promise<SecuredBenchBroker> {
  const certs = pem === undefined ? makeTestCerts() : undefined;
  const keystore = pem?.keystorePem ?? certs!.brokerPemFile;
  const caFile = pem?.caFile ?? certs!.caFile;
  const root = await mkdtemp(join(tmpdir(), 'tributary-bench-secured-'));
  const dataDir = join(root, 'data');
  const config = join(root, 'server.properties');
  const cleanup = async (): Promise<void> => {
    await rm(root, { recursive: true, force: true });
    certs?.cleanup();
  };
  try {
    await mkdir(dataDir);
    await addUser(dataDir, user);
    await writeFile(
      config,
      [
        'listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${keystore}`,
        'sasl.enabled.mechanisms=SCRAM-SHA-256',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    const broker = await startBrokerProcess(['--config', config], { dataDir });
    const addresses = {
      PLAINTEXT: listenerAddress(broker.banner, 'PLAINTEXT'),
      SSL: listenerAddress(broker.banner, 'SSL'),
      SASL_SSL: listenerAddress(broker.banner, 'SASL_SSL'),
    };
    return {
      addresses,
      caFile,
      async stop() {
        await broker.stop();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
