/*
 * Kafka client properties (the file `kafka-topics --command-config` and librdkafka's `-F` read)
 * → the client's security block (security.ts). Keys, Java client and librdkafka names alike:
 *   security.protocol            PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL
 *   sasl.mechanism | sasl.mechanisms   PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
 *   sasl.jaas.config             org.apache.kafka.common.security.plain.PlainLoginModule required
 *                                username="alice" password="…";   (or …scram.ScramLoginModule)
 *   sasl.username / sasl.password   librdkafka's form of the same
 *   ssl.truststore.location | ssl.ca.location          CA certificates, PEM
 *   ssl.keystore.location        client key + certificate chain in one PEM file (mTLS)
 *   ssl.certificate.location + ssl.key.location        the same as two PEM files
 *   ssl.key.password             passphrase of an encrypted key
 *   ssl.truststore.type / ssl.keystore.type            PEM only
 *   ssl.endpoint.identification.algorithm              https (the default; the host name is checked)
 *   client.id, request.timeout.ms, …                   other keys are rejected by name
 * Errors name the key and never contain the password.
 */
import { readFile } from 'node:fs/promises';
import { parseJavaProperties } from '../util/java-properties.ts';
import { parseClientSecurity, type ClientSecurity } from './security.ts';

export class ClientPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientPropertiesError';
  }
}

const KNOWN = new Set([
  'security.protocol', 'sasl.mechanism', 'sasl.mechanisms', 'sasl.jaas.config', 'sasl.username', 'sasl.password',
  'ssl.truststore.location', 'ssl.ca.location', 'ssl.keystore.location', 'ssl.certificate.location', 'ssl.key.location',
  'ssl.key.password', 'ssl.truststore.type', 'ssl.keystore.type', 'ssl.endpoint.identification.algorithm',
]);

/** username/password out of a PlainLoginModule or ScramLoginModule JAAS line. */
export function parseJaasConfig(value: string): { username: string; password: string } {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\s+(.*?);?\s*$/s.exec(value);
  if (!m || !/(PlainLoginModule|ScramLoginModule)$/.test(m[1] as string)) {
    throw new ClientPropertiesError('sasl.jaas.config: expected "org.apache.kafka.common.security.{plain.PlainLoginModule|scram.ScramLoginModule} required username=\\"…\\" password=\\"…\\";"');
  }
  const opts = new Map<string, string>();
  for (const o of (m[3] as string).matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    opts.set(o[1] as string, (o[2] ?? o[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const username = opts.get('username');
  const password = opts.get('password');
  if (username === undefined || password === undefined) throw new ClientPropertiesError('sasl.jaas.config: username="…" and password="…" are both required');
  return { username, password };
}

async function pem(key: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ClientPropertiesError(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Properties text → a validated security block (PEM files are read here). */
export async function securityFromProperties(text: string, source = 'client.properties'): Promise<ClientSecurity> {
  const { entries } = parseJavaProperties(text);
  for (const key of entries.keys()) {
    if (!KNOWN.has(key)) throw new ClientPropertiesError(`${source}: unknown or unsupported key ${key}`);
  }
  const get = (k: string): string | undefined => entries.get(k)?.trim();
  for (const k of ['ssl.truststore.type', 'ssl.keystore.type']) {
    const v = get(k);
    if (v !== undefined && v.toUpperCase() !== 'PEM') throw new ClientPropertiesError(`${source}: ${k}=${v}: only PEM is supported`);
  }
  const algo = get('ssl.endpoint.identification.algorithm');
  if (algo !== undefined && algo.toLowerCase() !== 'https') {
    throw new ClientPropertiesError(`${source}: ssl.endpoint.identification.algorithm=${algo}: only https (host name verification) is supported`);
  }
  const protocol = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  const mechanism = (get('sasl.mechanism') ?? get('sasl.mechanisms'))?.toUpperCase();
  let creds: { username: string; password: string } | undefined;
  const jaas = entries.get('sasl.jaas.config');
  if (jaas !== undefined) creds = parseJaasConfig(jaas);
  else if (entries.has('sasl.username') || entries.has('sasl.password')) {
    creds = { username: entries.get('sasl.username') ?? '', password: entries.get('sasl.password') ?? '' };
  }
  const tls: Record<string, string> = {};
  const ca = get('ssl.truststore.location') ?? get('ssl.ca.location');
  if (ca !== undefined) tls['ca'] = await pem('ssl.truststore.location', ca);
  const keystore = get('ssl.keystore.location');
  if (keystore !== undefined) {
    const both = await pem('ssl.keystore.location', keystore);
    tls['cert'] = both;
    tls['key'] = both;
  }
  const certFile = get('ssl.certificate.location');
  const keyFile = get('ssl.key.location');
  if (certFile !== undefined) tls['cert'] = await pem('ssl.certificate.location', certFile);
  if (keyFile !== undefined) tls['key'] = await pem('ssl.key.location', keyFile);
  const passphrase = entries.get('ssl.key.password');
  if (passphrase !== undefined) tls['passphrase'] = passphrase;
  try {
    return parseClientSecurity(
      {
        protocol,
        ...(Object.keys(tls).length > 0 ? { tls } : {}),
        ...(mechanism !== undefined || creds !== undefined ? { sasl: { mechanism: mechanism ?? 'PLAIN', ...creds } } : {}),
      },
      source,
    );
  } catch (err) {
    throw new ClientPropertiesError((err as Error).message);
  }
}

export async function loadClientProperties(path: string): Promise<ClientSecurity> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ClientPropertiesError(`cannot read --command-config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return securityFromProperties(text, path);
}
