/*
 * The built-in HTTP server for interactive queries (node:http; routes in query-routes.ts, routing
 * and answers in query-router.ts). KafkaStreams starts it in start() when the config has
 * `interactiveQueries`, and stops it in close().
 *
 *   interactiveQueries.listen       where THIS server binds; default 127.0.0.1, port 0 (ephemeral)
 *   applicationServer               what the OTHER instances are told (Kafka's application.server):
 *                                   the address they forward to. With several instances it must
 *                                   reach this server (same port; a host they can resolve).
 *   interactiveQueries.bearerToken  when set, every request needs "Authorization: Bearer <token>"
 *                                   (forwarded requests carry it: all instances share one token)
 *   interactiveQueries.forwardTimeoutMs  how long to wait for another instance (default 5000)
 *
 * There is no TLS: bind to loopback (the default) or put a TLS proxy in front.
 * Bad input (an unknown route, a malformed key, a wrong method) gets a 4xx with a message; an
 * unexpected failure gets a 500 and is logged: neither takes the process down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { HostInfo } from '../runtime/streams-config.ts';
import type { InteractiveQueriesConfig } from './iq-config.ts';
import type { QueryHost } from './query-host.ts';
import { QueryRouter, SCOPE_HEADER, SERVED_BY_HEADER, type Forwarder, type QueryResponse } from './query-router.ts';

interface Logger {
  error(message: string): void;
}

export class InteractiveQueryServer {
  readonly #server: Server;
  readonly #router: QueryRouter;
  readonly #config: InteractiveQueriesConfig;
  readonly #logger: Logger;

  constructor(host: QueryHost, config: InteractiveQueriesConfig, logger: Logger, forward?: Forwarder) {
    this.#config = config;
    this.#logger = logger;
    this.#router = new QueryRouter(host, forward ?? httpForwarder(config));
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Binds `listen`; resolves once listening. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#config.listen.port, this.#config.listen.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  /** Where the server listens (the real port when listen.port was 0). */
  get address(): HostInfo {
    const a = this.#server.address() as AddressInfo | null;
    if (a === null) throw new Error('the interactive-query server is not listening');
    return { host: this.#config.listen.host, port: a.port };
  }

  get url(): string {
    const { host, port } = this.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: QueryResponse;
    try {
      response = await this.#respond(req);
    } catch (e) {
      this.#logger.error(`interactive query ${req.method ?? '?'} ${req.url ?? '?'} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      response = { status: 500, body: { error: { code: 'INTERNAL', message: 'the query failed unexpectedly; the server log has the details' } } };
    }
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (response.retryAfter !== undefined) headers['retry-after'] = String(response.retryAfter);
    if (response.servedBy !== undefined) headers[SERVED_BY_HEADER] = response.servedBy;
    if (response.status === 401) headers['www-authenticate'] = 'Bearer';
    res.writeHead(response.status, headers).end(JSON.stringify(response.body));
  }

  async #respond(req: IncomingMessage): Promise<QueryResponse> {
    req.resume(); // GET only: discard any body
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED', message: `interactive queries are GET requests (got ${req.method ?? '?'})` } } };
    if (!authorized(req.headers.authorization, this.#config.bearerToken)) {
      return { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'this server needs "Authorization: Bearer <token>" (interactiveQueries.bearerToken)' } } };
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    return this.#router.answer(url, req.headers[SCOPE_HEADER] === 'local');
  }
}

function authorized(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(header ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Forwards with fetch: scope=local, the shared token, the configured timeout. */
export function httpForwarder(config: Pick<InteractiveQueriesConfig, 'bearerToken' | 'forwardTimeoutMs'>): Forwarder {
  return async (host, pathAndQuery) => {
    const headers: Record<string, string> = { [SCOPE_HEADER]: 'local' };
    if (config.bearerToken !== undefined) headers['authorization'] = `Bearer ${config.bearerToken}`;
    const h = host.host.includes(':') ? `[${host.host}]` : host.host;
    const res = await fetch(`http://${h}:${host.port}${pathAndQuery}`, { headers, signal: AbortSignal.timeout(config.forwardTimeoutMs) });
    const body: unknown = await res.json();
    const retryAfter = res.headers.get('retry-after');
    const servedBy = res.headers.get(SERVED_BY_HEADER);
    return { status: res.status, body, ...(retryAfter !== null ? { retryAfter: Number(retryAfter) } : {}), ...(servedBy !== null ? { servedBy } : {}) };
  };
}
