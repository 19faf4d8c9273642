/*
 * The TCP listener: accepts connections and wraps each in a `Connection` that feeds frames to
 * the broker's dispatcher. It owns the set of live connections so shutdown can close them all.
 *
 * Lifecycle:  listen() → (accepting) → close(): stop accepting, destroy every live connection
 * (their close hooks end parked requests), resolve when the listening socket is closed.
 *
 * Connection limits (Kafka's max.connections and max.connections.per.ip): a connection accepted
 * beyond either cap is closed at once, with a warning naming the cap. The broker-wide response
 * budget is created here and shared by every connection (memory-budget.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Connection, type ConnectionLogger, type FrameHandler } from './connection.ts';
import { MemoryBudget } from './memory-budget.ts';

export interface ServerOptions {
  host: string;
  port: number;
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

export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  readonly budget: MemoryBudget;
  private nextId = 1;
  private boundPort = -1;
  private closing = false;

  constructor(
    private readonly options: ServerOptions,
    private readonly handler: FrameHandler,
    private readonly logger: ConnectionLogger,
  ) {
    this.budget = new MemoryBudget(options.maxQueuedResponseBytes);
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => this.logger.warn(`broker listener error: ${err.message}`));
  }

  /** The port actually bound (meaningful after listen(); port 0 picks an ephemeral one). */
  get port(): number {
    return this.boundPort;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Response bytes queued on all connections and not yet taken by the kernel. */
  get queuedResponseBytes(): number {
    return this.budget.inFlight;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const wrapped = new Error(
          `cannot listen on ${this.options.host}:${this.options.port}: ${err.message}; ` +
            'choose another port (0 picks a free one) or stop the process using it',
        ) as NodeJS.ErrnoException;
        // Keep the system error code (EADDRINUSE, EACCES, …) for callers such as the CLI.
        if (err.code !== undefined) wrapped.code = err.code;
        reject(wrapped);
      };
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        this.boundPort = typeof addr === 'object' && addr !== null ? addr.port : this.options.port;
        resolve();
      });
    });
  }

  /** Stops accepting, closes every connection, resolves once the listener is closed. */
  close(): Promise<void> {
    this.closing = true;
    for (const conn of [...this.connections]) conn.destroy();
    this.connections.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
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
