/*
 * How the client secures its connections: the `security` block of a client config, validated
 * with zod (a bad value names its field). One shape for the wire client, KafkaStreams' config
 * and the CLI's --command-config (client-properties.ts maps Kafka's client keys onto it).
 *
 *   protocol   PLAINTEXT (default) | SSL | SASL_PLAINTEXT | SASL_SSL     Kafka: security.protocol
 *   tls        ca (PEM text; default: Node's bundled CAs), cert + key (PEM, mTLS), passphrase,
 *              servername (SNI and the name checked against the certificate; default: the host),
 *              rejectUnauthorized (default true; false skips certificate checks: tests only)
 *   sasl       mechanism PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512, username, password
 * SSL/SASL_SSL use tls; SASL_* require sasl. The password is never logged or put in an error.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export const ClientSecurityProtocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const ClientSaslMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ClientSaslMechanism = (typeof ClientSaslMechanisms)[number];

export interface ClientTlsOptions {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly passphrase?: string | undefined;
  readonly servername?: string | undefined;
  readonly rejectUnauthorized?: boolean | undefined;
}

export interface ClientSaslOptions {
  readonly mechanism: ClientSaslMechanism;
  readonly username: string;
  readonly password: string;
}

export interface ClientSecurity {
  readonly protocol: (typeof ClientSecurityProtocols)[number];
  readonly tls?: ClientTlsOptions | undefined;
  readonly sasl?: ClientSaslOptions | undefined;
}

const pem = z.optional(z.string().check(z.minLength(1)));

export const clientSecuritySchema = z
  .strictObject({
    protocol: z._default(z.enum(ClientSecurityProtocols), 'PLAINTEXT'),
    tls: z.optional(
      z.strictObject({
        ca: pem,
        cert: pem,
        key: pem,
        passphrase: z.optional(z.string()),
        servername: z.optional(z.string().check(z.minLength(1))),
        rejectUnauthorized: z.optional(z.boolean()),
      }),
    ),
    sasl: z.optional(
      z.strictObject({
        mechanism: z.enum(ClientSaslMechanisms),
        username: z.string().check(z.minLength(1, 'must not be empty')),
        password: z.string().check(z.minLength(1, 'must not be empty')),
      }),
    ),
  })
  .check(
    z.refine((s) => !s.protocol.startsWith('SASL_') || s.sasl !== undefined, {
      message: 'SASL_PLAINTEXT and SASL_SSL need sasl: { mechanism, username, password }',
      path: ['sasl'],
    }),
    z.refine((s) => (s.tls?.cert === undefined) === (s.tls?.key === undefined), {
      message: 'a client certificate needs its key (give both cert and key, or neither)',
      path: ['tls', 'cert'],
    }),
  );

export class ClientSecurityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientSecurityError';
  }
}

/** Validates a security block; throws ClientSecurityError naming each bad field (never a value). */
export function parseClientSecurity(input: unknown, where = 'security'): ClientSecurity {
  const r = z.safeParse(clientSecuritySchema, input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new ClientSecurityError(`invalid client security settings:\n  ${lines.join('\n  ')}`);
}

export const usesClientTls = (s: ClientSecurity | undefined): boolean => s?.protocol === 'SSL' || s?.protocol === 'SASL_SSL';
