/*
 * Listeners as Kafka configures them (KIP-103):
 *   listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9094
 *   advertised.listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://kafka.example.com:9094
 *   listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
 * A listener name maps to one of the four security protocols (names other than the four need an
 * entry in the map, e.g. INTERNAL:SASL_PLAINTEXT). Host empty = all interfaces (Kafka's
 * `PLAINTEXT://:9092`); IPv6 hosts in brackets. Port 0 = an ephemeral port, and an advertised
 * port 0 means "the port actually bound". Metadata and FindCoordinator answer each client with
 * the advertised address of the listener its connection came in on.
 */

export const SecurityProtocols = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SecurityProtocols)[number];

export interface ListenerConfig {
  /** Upper-case listener name, unique per broker. */
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  /** Bind address ('' is normalised to 0.0.0.0). */
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  /** 0 = the bound port. */
  readonly advertisedPort: number;
}

export function isSecurityProtocol(s: string): s is SecurityProtocol {
  return (SecurityProtocols as readonly string[]).includes(s);
}

export const usesTls = (p: SecurityProtocol): boolean => p === 'SSL' || p === 'SASL_SSL';
export const usesSasl = (p: SecurityProtocol): boolean => p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface ListenerEndpoint {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** Parses "NAME://host:port,…"; throws an Error naming `key` and the bad item. */
export function parseEndpoints(key: string, value: string): ListenerEndpoint[] {
  const out: ListenerEndpoint[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/[\]]*):(\d+)$/.exec(raw);
    const port = m ? Number(m[3]) : -1;
    if (!m || port > 65535) throw new Error(`${key}: "${raw}" is not NAME://HOST:PORT (e.g. SASL_SSL://0.0.0.0:9094)`);
    const host = (m[2] as string).replace(/^\[|\]$/g, '');
    const name = (m[1] as string).toUpperCase();
    if (out.some((e) => e.name === name)) throw new Error(`${key}: listener name ${name} appears twice`);
    out.push({ name, host, port });
  }
  if (out.length === 0) throw new Error(`${key}: no listener given`);
  return out;
}

/** Parses "NAME:PROTOCOL,…" on top of Kafka's default map (each protocol maps to itself). */
export function parseProtocolMap(key: string, value: string | undefined): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>(SecurityProtocols.map((p) => [p, p]));
  if (value === undefined) return map;
  for (const raw of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, protocol] = raw.split(':').map((s) => s.trim().toUpperCase());
    if (name === undefined || protocol === undefined || name === '' || !isSecurityProtocol(protocol)) {
      throw new Error(`${key}: "${raw}" is not NAME:PROTOCOL with PROTOCOL one of ${SecurityProtocols.join(', ')}`);
    }
    map.set(name, protocol);
  }
  return map;
}

/**
 * Joins listeners, advertised listeners and the protocol map into listener configs. An
 * advertised listener must name a listener; a listener without one advertises its own host
 * (127.0.0.1 when it binds every interface) and bound port.
 */
export function resolveListeners(listeners: string, advertised: string | undefined, protocolMap: string | undefined): ListenerConfig[] {
  const binds = parseEndpoints('listeners', listeners);
  const ads = advertised === undefined ? [] : parseEndpoints('advertised.listeners', advertised);
  const map = parseProtocolMap('listener.security.protocol.map', protocolMap);
  for (const ad of ads) {
    if (!binds.some((b) => b.name === ad.name)) throw new Error(`advertised.listeners: ${ad.name} is not one of the listeners (${binds.map((b) => b.name).join(', ')})`);
  }
  return binds.map((b) => {
    const securityProtocol = map.get(b.name);
    if (securityProtocol === undefined) {
      throw new Error(`listener.security.protocol.map: no security protocol for listener ${b.name} (add ${b.name}:SASL_SSL or similar)`);
    }
    const ad = ads.find((a) => a.name === b.name);
    const host = b.host === '' ? '0.0.0.0' : b.host;
    const fallbackHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return {
      name: b.name,
      securityProtocol,
      host,
      port: b.port,
      advertisedHost: ad !== undefined && ad.host !== '' ? ad.host : fallbackHost,
      advertisedPort: ad?.port ?? 0,
    };
  });
}
