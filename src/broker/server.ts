/*
 * The listeners: one TCP (or TLS, for SSL and SASL_SSL) server per configured listener, each
 * accepted socket wrapped in a `Connection` that feeds frames to the broker's dispatcher, with the
 * `ConnectionSecurity` its listener gives it. It owns the set of live connections (of every
 * listener) so shutdown can close them all.
 *
 * Lifecycle:  listen() → (accepting on every listener) → close(): stop accepting, destroy every
 * live connection (their close hooks end parked requests), resolve when every listening socket
 * is closed. A listener that fails to bind closes the ones already bound.
 *
 * TLS: a connection is handed over only after its handshake (`secureConnection`); a failed
 * handshake (wrong protocol, garbage, an untrusted client certificate) is logged at debug level
 * and never reaches the dispatcher. With ssl.client.auth=requested a client certificate is
 * optional, but one presented that does not verify closes the connection.
 *
 * Connection limits (Kafka's max.connections and max.connections.per.ip): a connection accepted
 * beyond either cap is closed at once, with a warning naming the cap. The broker-wide response
 * budget is created here and shared by every connection (memory-budget.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { Connection, type ConnectionLogger, type FrameHandler } from './connection.ts';
import { MemoryBudget } from './memory-budget.ts';
import { ConnectionSecurity, subjectToDn } from './security/connection-security.ts';
import type { ListenerConfig } from './security/listeners.ts';

export interface ServerListener {
  readonly config: ListenerConfig;
  /** node:tls server options for SSL / SASL_SSL listeners, else null. */
  readonly tls: TlsOptions | null;
}

/** Builds a connection's security state from its listener and its verified certificate DN. */
export type SecurityFactory = (listener: ListenerConfig, tlsPrincipal: string | null) => ConnectionSecurity;

export interface ServerOptions {
  listeners: readonly ServerListener[];
  security: SecurityFactory;
  maxFrameBytes: number;
  /** connections.max.idle.ms; 0 = never close idle connections. */
  idleMs: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** Response bytes one connection may queue before it is muted. */
  maxQueuedResponseBytesPerConnection: number;
  /** Response bytes all connections together may have in flight. */
  maxQueuedResponseBytes: number;
}

interface Bound {
  readonly listener: ServerListener;
  readonly server: Server;
  port: number;
}

export class BrokerServer {
  private readonly servers: Bound[];
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly rawSockets = new Set<Socket>();
  readonly budget: MemoryBudget;
  private nextId = 1;
  private closing = false;

  constructor(
    private readonly options: ServerOptions,
    private readonly handler: FrameHandler,
    private readonly logger: ConnectionLogger,
  ) {
    this.budget = new MemoryBudget(options.maxQueuedResponseBytes);
    this.servers = options.listeners.map((listener) => {
      const server = this.createListener(listener);
      server.on('error', (err) => this.logger.warn(`broker listener ${listener.config.name} error: ${err.message}`));
      // Every raw socket, TLS handshakes in progress included, so close() can end them all.
      server.on('connection', (raw: Socket) => {
        this.rawSockets.add(raw);
        raw.once('close', () => this.rawSockets.delete(raw));
      });
      return { listener, server, port: -1 };
    });
  }

  /** The first listener's bound port (meaningful after listen(); port 0 picks an ephemeral one). */
  get port(): number {
    return this.servers[0]?.port ?? -1;
  }

  /** The bound port of the named listener, or -1. */
  portOf(listenerName: string): number {
    return this.servers.find((b) => b.listener.config.name === listenerName)?.port ?? -1;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Response bytes queued on all connections and not yet taken by the kernel. */
  get queuedResponseBytes(): number {
    return this.budget.inFlight;
  }

  async listen(): Promise<void> {
    for (const bound of this.servers) await this.listenOne(bound);
  }

  private createListener(listener: ServerListener): Server {
    if (listener.tls === null) return createServer({ noDelay: true }, (socket) => this.accept(socket, listener, null));
    const server = createTlsServer({ ...listener.tls, noDelay: true }, (socket: TLSSocket) => {
      let principal: string | null = null;
      const cert = socket.getPeerX509Certificate();
      if (cert !== undefined) {
        if (!socket.authorized) {
          this.logger.debug(`listener ${listener.config.name}: client certificate rejected: ${String(socket.authorizationError)}`);
          socket.destroy();
          return;
        }
        principal = `User:${subjectToDn(cert.subject)}`;
      }
      this.accept(socket, listener, principal);
    });
    server.on('tlsClientError', (err, socket) => {
      this.logger.debug(`listener ${listener.config.name}: TLS handshake with ${socket.remoteAddress ?? '?'} failed: ${err.message}`);
      socket.destroy();
    });
    return server;
  }

  private listenOne(bound: Bound): Promise<void> {
    const { host, port } = bound.listener.config;
    const server = bound.server;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const wrapped = new Error(
          `cannot listen on ${host}:${port} (listener ${bound.listener.config.name}): ${err.message}; ` +
            'choose another port (0 picks a free one) or stop the process using it',
        ) as NodeJS.ErrnoException;
        // Keep the system error code (EADDRINUSE, EACCES, …) for callers such as the CLI.
        if (err.code !== undefined) wrapped.code = err.code;
        reject(wrapped);
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        const addr = server.address();
        bound.port = typeof addr === 'object' && addr !== null ? addr.port : port;
        resolve();
      });
    });
  }

  /** Stops accepting, closes every connection, resolves once the listener is closed. */
  async close(): Promise<void> {
    this.closing = true;
    for (const conn of [...this.connections]) conn.destroy();
    this.connections.clear();
    for (const raw of [...this.rawSockets]) raw.destroy();
    await Promise.all(
      this.servers.map(
        ({ server }) =>
          new Promise<void>((resolve) => {
            if (!server.listening) {
              resolve();
              return;
            }
            server.close(() => resolve());
          }),
      ),
    );
  }

  private accept(socket: Socket, listener: ServerListener, tlsPrincipal: string | null): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const ip = socket.remoteAddress ?? '?';
    const fromIp = this.perIp.get(ip) ?? 0;
    const refusal =
      this.connections.size >= this.options.maxConnections
        ? `max.connections (${this.options.maxConnections}) reached`
        : fromIp >= this.options.maxConnectionsPerIp
          ? `max.connections.per.ip (${this.options.maxConnectionsPerIp}) reached for ${ip}`
          : null;
    if (refusal !== null) {
      this.logger.warn(`refusing a connection from ${ip}:${socket.remotePort ?? '?'}: ${refusal}`);
      socket.destroy();
      return;
    }
    const conn = new Connection(
      this.nextId++,
      socket,
      this.handler,
      {
        maxFrameBytes: this.options.maxFrameBytes,
        idleMs: this.options.idleMs,
        maxQueuedResponseBytes: this.options.maxQueuedResponseBytesPerConnection,
        budget: this.budget,
      },
      this.logger,
      this.options.security(listener.config, tlsPrincipal),
    );
    this.connections.add(conn);
    this.perIp.set(ip, fromIp + 1);
    conn.onClose(() => {
      this.connections.delete(conn);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, left);
    });
  }
}
