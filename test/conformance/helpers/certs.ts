/*
 * Test certificates made with /usr/bin/openssl in a fresh temp directory (nothing secret is
 * committed): a CA, a broker certificate for 127.0.0.1 / localhost signed by it, a client
 * certificate (CN=app-client,O=tributary-test) for mTLS, and a second, untrusted CA with a
 * certificate of its own. Files are PEM; `broker.pem` holds key + chain in one file, the form
 * Kafka's ssl.keystore.location takes with ssl.keystore.type=PEM.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  /** CA certificate (truststore for clients and for the broker's mTLS). */
  readonly caFile: string;
  readonly ca: string;
  /** Broker key + certificate in one PEM file (ssl.keystore.location). */
  readonly brokerPemFile: string;
  readonly brokerCert: string;
  readonly brokerKey: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A CA no one trusts, and a broker certificate signed by it. */
  readonly untrustedCaFile: string;
  readonly untrustedPemFile: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
}

function ca(dir: string, name: string, cn: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${cn}`]);
}

function signed(dir: string, caName: string, name: string, subj: string, ext: string): void {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-certs-'));
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  ca(dir, 'ca', 'tributary-test-ca');
  signed(dir, 'ca', 'broker', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed(dir, 'ca', 'client', '/O=tributary-test/CN=app-client', 'extendedKeyUsage=clientAuth\n');
  ca(dir, 'evil-ca', 'untrusted-ca');
  signed(dir, 'evil-ca', 'evil', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  writeFileSync(join(dir, 'broker.pem'), read('broker.key') + read('broker.crt'));
  writeFileSync(join(dir, 'evil.pem'), read('evil.key') + read('evil.crt'));
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    ca: read('ca.crt'),
    brokerPemFile: join(dir, 'broker.pem'),
    brokerCert: read('broker.crt'),
    brokerKey: read('broker.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    untrustedCaFile: join(dir, 'evil-ca.crt'),
    untrustedPemFile: join(dir, 'evil.pem'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
