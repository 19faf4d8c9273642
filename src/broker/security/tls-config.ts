/*
 * TLS for SSL and SASL_SSL listeners, from Kafka's PEM keys (KIP-651):
 *   ssl.keystore.type=PEM
 *   ssl.keystore.location=/etc/kafka/broker.pem     private key + certificate chain in one PEM file
 *     or inline: ssl.keystore.certificate.chain=-----BEGIN CERTIFICATE-----…  ssl.keystore.key=-----BEGIN PRIVATE KEY-----…
 *   ssl.key.password=…                              when the key is encrypted
 *   ssl.truststore.location=/etc/kafka/ca.pem       CA certificates that sign client certificates
 *   ssl.client.auth=none|requested|required         mTLS: required = no certificate, no connection;
 *                                                   requested = a certificate is optional, but one that
 *                                                   is presented must verify
 * Files are read once at start; a missing or unusable file stops the start with an error naming
 * the key (never the key material).
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext, type TlsOptions } from 'node:tls';

export const SslClientAuthModes = ['none', 'requested', 'required'] as const;
export type SslClientAuth = (typeof SslClientAuthModes)[number];

export interface SslOptions {
  keystoreLocation: string | null;
  keystoreCertificateChain: string | null;
  keystoreKey: string | null;
  keyPassword: string | null;
  truststoreLocation: string | null;
  truststoreCertificates: string | null;
  clientAuth: SslClientAuth;
}

export const SSL_DEFAULTS: SslOptions = {
  keystoreLocation: null,
  keystoreCertificateChain: null,
  keystoreKey: null,
  keyPassword: null,
  truststoreLocation: null,
  truststoreCertificates: null,
  clientAuth: 'none',
};

export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** The PEM blocks of `text` whose label matches `label`, joined; '' when none. */
export function pemBlocks(text: string, label: RegExp): string {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => label.test(m[1] as string)).map((m) => m[0]).join('\n');
}

async function readPem(key: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new TlsConfigError(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Builds node:tls server options; throws TlsConfigError naming the offending key. */
export async function loadServerTls(ssl: SslOptions): Promise<TlsOptions> {
  let cert: string;
  let key: string;
  if (ssl.keystoreLocation !== null) {
    const text = await readPem('ssl.keystore.location', ssl.keystoreLocation);
    cert = pemBlocks(text, /CERTIFICATE$/);
    key = pemBlocks(text, /PRIVATE KEY$/);
    if (cert === '' || key === '') {
      throw new TlsConfigError(`ssl.keystore.location: ${ssl.keystoreLocation} must hold a PEM private key and certificate chain`);
    }
  } else if (ssl.keystoreCertificateChain !== null && ssl.keystoreKey !== null) {
    cert = ssl.keystoreCertificateChain;
    key = ssl.keystoreKey;
  } else {
    throw new TlsConfigError(
      'an SSL or SASL_SSL listener needs a key and certificate: set ssl.keystore.location (PEM) or ' +
        'ssl.keystore.certificate.chain and ssl.keystore.key',
    );
  }
  let ca: string | undefined;
  if (ssl.truststoreLocation !== null) {
    ca = pemBlocks(await readPem('ssl.truststore.location', ssl.truststoreLocation), /CERTIFICATE$/);
    if (ca === '') throw new TlsConfigError(`ssl.truststore.location: ${ssl.truststoreLocation} holds no PEM certificate`);
  } else if (ssl.truststoreCertificates !== null) {
    ca = ssl.truststoreCertificates;
  }
  if (ssl.clientAuth !== 'none' && ca === undefined) {
    throw new TlsConfigError(`ssl.client.auth=${ssl.clientAuth} needs ssl.truststore.location (the CA that signs client certificates)`);
  }
  const options: TlsOptions = {
    cert,
    key,
    ...(ssl.keyPassword !== null ? { passphrase: ssl.keyPassword } : {}),
    ...(ca !== undefined ? { ca } : {}),
    requestCert: ssl.clientAuth !== 'none',
    // 'requested' accepts a missing certificate; server.ts rejects a presented one that fails.
    rejectUnauthorized: ssl.clientAuth === 'required',
    minVersion: 'TLSv1.2',
  };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new TlsConfigError(`the TLS key store is unusable: ${(err as Error).message} (check ssl.keystore.* and ssl.key.password)`);
  }
  return options;
}
