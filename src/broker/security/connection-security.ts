/*
 * What the broker knows about a connection's security: the listener it came in on, its security
 * protocol, and who it is. The principal, in Kafka's form, is what request handlers see as
 * `ctx.principal` (for authorization):
 *   PLAINTEXT, or SSL without a client certificate      User:ANONYMOUS
 *   SSL with a verified client certificate (mTLS)        User:<subject DN, RFC 2253>  e.g. User:CN=app,O=acme
 *   SASL_PLAINTEXT / SASL_SSL                            User:<SASL user> once authenticated
 */
import type { SecurityProtocol } from './listeners.ts';
import type { SaslAuthenticator } from './sasl-authenticator.ts';

export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

export class ConnectionSecurity {
  constructor(
    readonly listener: string,
    readonly protocol: SecurityProtocol,
    /** Subject DN principal of a verified client certificate, or null. */
    readonly tlsPrincipal: string | null,
    /** The SASL state on SASL listeners, else null. */
    readonly sasl: SaslAuthenticator | null,
  ) {}

  get principal(): string {
    if (this.sasl !== null) return this.sasl.principal ?? ANONYMOUS_PRINCIPAL;
    return this.tlsPrincipal ?? ANONYMOUS_PRINCIPAL;
  }
}

/** RFC 2253 escaping of one attribute value. */
function escapeDnValue(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/**
 * The RFC 2253 form of a certificate subject as Node prints it (X509Certificate.subject: one
 * "KEY=value" per line, most general first). RFC 2253 lists the most specific RDN first, as Java's
 * X500Principal.getName() does, which is the name Kafka's principal builder uses.
 */
export function subjectToDn(subject: string): string {
  return subject
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => {
      const at = l.indexOf('=');
      return `${l.slice(0, at)}=${escapeDnValue(l.slice(at + 1))}`;
    })
    .reverse()
    .join(',');
}
