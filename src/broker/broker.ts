/*
 * The Broker: owns every piece of mutable broker state and runs on the Node event loop, so no
 * locks are needed: a handler's synchronous section is atomic with respect to every other
 * request (franz-go's kfake does the same with one goroutine).
 *
 * It is the single source of truth for: the topic registry (topics, ids, configs), the open
 * partition logs (through the partition store), the append waiters that wake parked fetches,
 * the services other subsystems attach (the group coordinator, producer state, …), and the
 * listener. Handlers reach all of it through `ctx.broker`.
 *
 * Start (numbered, in Broker.start): 1 validate options, 1b lock the data directory (a second
 * broker on the same directory fails here with DataDirLockedError; the kernel releases the lock
 * when this process dies, see src/util/dir-lock.ts), 1c load TLS key stores and the SCRAM
 * credentials (security/), 2 open the topic registry, 3 open every
 * registered partition (log recovery runs here), 4 start the registered services (service-registry.ts),
 * 5 listen (5b: the /metrics endpoint when metricsPort is set; 5c: the web console when consolePort is set). Close: 1 stop listening and drop connections (their close hooks end parked fetches),
 * 2 stop timers, 3 close services in reverse start order, 4 close the partition logs (flush,
 * clean-shutdown marker), 5 release the data-directory lock.
 *
 * Seams for other subsystems:
 *   - `produceHooks`: consulted by the Produce handler for each partition batch that carries a
 *     producer id or is transactional (a plain producer's batch has no producer state) before the append
 *     (idempotence / transactions) and told about each successful append (see ProduceHook).
 *   - `services` / `service(key)`: typed lookup of attached subsystems (services.ts).
 *   - `append(topic, partition, records, origin)`: the one way to write to a partition, which
 *     also wakes parked fetches; coordinators use it for their internal topics.
 *   - `clock`: now() and timers that are cancelled on close.
 */
import type { BatchHeader } from '../protocol/records/batch-header.ts';
import type { AppendInfo } from './log/log-types.ts';
import type { AppendOrigin } from './log/append-validation.ts';
import { parseBrokerOptions, type BrokerOptions, type BrokerOptionsInput } from './options.ts';
import { TopicRegistry, type TopicInfo } from './topic-registry.ts';
import { BrokerServer } from './server.ts';
import { Dispatcher, type PrincipalOf } from './dispatcher.ts';
import { HANDLERS } from './handlers/index.ts';
import { AppendWaiters } from './append-waiters.ts';
import { BrokerClock } from './clock.ts';
import { PartitionStore } from './partition-store.ts';
import { TopicManager } from './topic-manager.ts';
import type { ServiceKey } from './services.ts';
import { registeredServices } from './service-registry.ts';
import type { ApiHandler } from './handlers/handler.ts';
import { acquireDirLock, DirLockedError, type DirLock } from '../util/dir-lock.ts';
import type { ConnectionContext } from './connection.ts';
import { CredentialStore } from './security/credential-store.ts';
import { ConnectionSecurity } from './security/connection-security.ts';
import { isLoopback, usesSasl, usesTls, type ListenerConfig } from './security/listeners.ts';
import { SaslAuthenticator } from './security/sasl-authenticator.ts';
import { loadServerTls } from './security/tls-config.ts';
import type { TlsOptions } from 'node:tls';
import { processLogger, silentLogger as noLogger, toLogger, type Logger, type LoggerLike } from '../logging/logger.ts';
import { BrokerMetrics } from './metrics/broker-metrics.ts';
import { brokerStateView } from './metrics/broker-state-view.ts';
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-http-server.ts';
import type { ConsoleServer } from '../console/console-server.ts';

/** A second broker was started on a data directory that a running broker holds. */
export class DataDirLockedError extends Error {
  readonly code = 'EDATADIRLOCKED';
  constructor(dataDir: string, holder: string) {
    super(
      `data directory ${dataDir} is in use by another running broker (${holder}); ` +
        'stop that broker first or give this one a different --data-dir',
    );
    this.name = 'DataDirLockedError';
  }
}

/** What the broker's parts log through: the shared Logger (src/logging/logger.ts). */
export type BrokerLogger = Pick<Logger, 'info' | 'warn' | 'debug'>;

/** Stderr; warnings and above unless TRIBUTARY_LOG_LEVEL asks for more (src/logging/logger.ts). */
export const defaultLogger: Logger = processLogger;

export const silentLogger: Logger = noLogger;

/** What a produce hook is told about one partition's batch (header only; records not decoded). */
export interface ProduceBatchContext {
  readonly topic: string;
  readonly partition: number;
  readonly transactionalId: string | null;
  readonly acks: number;
  /** The Produce request's version. */
  readonly apiVersion: number;
  /** The first batch's header (Produce v3+ sends one batch per partition). */
  readonly header: BatchHeader;
  readonly records: Buffer;
}

/**
 * Verdict of a hook before the append: `append` (go on), `duplicate` (already written at
 * baseOffset: acknowledge with that offset, write nothing), or `error` (answer with a code).
 */
export type ProduceVerdict =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly baseOffset: number }
  | { readonly kind: 'error'; readonly errorCode: number; readonly message?: string };

export interface ProduceHook {
  beforeAppend(ctx: ProduceBatchContext): ProduceVerdict;
  afterAppend?(ctx: ProduceBatchContext, info: AppendInfo): void;
}

export interface BrokerDeps {
  /** Where the broker logs (any object with some of Logger's level methods); default stderr. */
  logger?: LoggerLike;
  /** Extra handlers (tests, later subsystems); they must not reuse an API key. */
  extraHandlers?: readonly ApiHandler[];
  /**
   * Test-only stand-in for authentication: maps each request (its client id, its connection's
   * address) to a principal such as `User:alice`, so ACL tests need no SASL.
   */
  principalOf?: PrincipalOf;
  /** Test-only: the clock to use (a subclass that moves now() ahead tests expirations without waiting). */
  clock?: BrokerClock;
}

export class Broker {
  readonly options: BrokerOptions;
  readonly logger: Logger;
  readonly clock: BrokerClock;
  readonly topics: TopicRegistry;
  readonly partitions: PartitionStore;
  readonly topicManager: TopicManager;
  readonly waiters = new AppendWaiters();
  readonly produceHooks: ProduceHook[] = [];
  /** Traffic, request and fsync counters; Prometheus on options.metricsPort (metrics/broker-metrics.ts). */
  readonly metrics: BrokerMetrics;
  private metricsServer: MetricsServer | undefined;
  private consoleServer: ConsoleServer | undefined;
  readonly dispatcher: Dispatcher;
  /** SCRAM users (security/credential-store.ts). */
  readonly credentials: CredentialStore;
  private readonly server: BrokerServer;
  private readonly started: { key: ServiceKey<unknown>; instance: { close(): Promise<void> | void } }[] = [];
  private readonly serviceMap = new Map<ServiceKey<unknown>, unknown>();
  private closing: Promise<void> | null = null;
  private readonly lock: DirLock;

  private constructor(
    options: BrokerOptions,
    logger: Logger,
    topics: TopicRegistry,
    deps: BrokerDeps,
    lock: DirLock,
    security: { credentials: CredentialStore; tls: ReadonlyMap<string, TlsOptions> },
  ) {
    this.options = options;
    this.credentials = security.credentials;
    this.lock = lock;
    this.logger = logger;
    this.clock = deps.clock ?? new BrokerClock();
    this.topics = topics;
    this.metrics = new BrokerMetrics();
    this.partitions = new PartitionStore(options, logger, this.clock, (ms) => this.metrics.fsync(ms));
    this.topicManager = new TopicManager(this);
    this.dispatcher = new Dispatcher(this, [...HANDLERS, ...(deps.extraHandlers ?? [])], deps.principalOf);
    this.server = new BrokerServer(
      {
        listeners: options.listeners.map((config) => ({ config, tls: security.tls.get(config.name) ?? null })),
        security: (listener, tlsPrincipal) => this.connectionSecurity(listener, tlsPrincipal),
        maxFrameBytes: options.maxFrameBytes,
        idleMs: options.connectionsMaxIdleMs,
        maxConnections: options.maxConnections,
        maxConnectionsPerIp: options.maxConnectionsPerIp,
        maxQueuedResponseBytesPerConnection: options.maxQueuedResponseBytesPerConnection,
        maxQueuedResponseBytes: options.maxQueuedResponseBytes,
      },
      this.dispatcher.handleFrame,
      logger,
    );
  }

  /** Starts a broker (see the numbered start sequence above). */
  static async start(input: BrokerOptionsInput, deps: BrokerDeps = {}): Promise<Broker> {
    const options = parseBrokerOptions(input); // 1
    const logger = (deps.logger === undefined ? defaultLogger : toLogger(deps.logger)).child({ broker: options.nodeId });
    const lock = lockDataDir(options.dataDir); // 1b
    let topics: TopicRegistry;
    let security: { credentials: CredentialStore; tls: Map<string, TlsOptions> };
    try {
      security = { credentials: await CredentialStore.open(options.dataDir), tls: new Map() }; // 1c
      for (const l of options.listeners) if (usesTls(l.securityProtocol)) security.tls.set(l.name, await loadServerTls(options.ssl));
      topics = await TopicRegistry.open(options.dataDir); // 2
    } catch (err) {
      lock.release();
      throw err;
    }
    const broker = new Broker(options, logger, topics, deps, lock, security);
    try {
      await broker.partitions.openAll(topics.list()); // 3
      for (const def of registeredServices()) {
        // 4
        const instance = await def.start(broker);
        broker.serviceMap.set(def.key, instance);
        broker.started.push({ key: def.key, instance });
      }
      await broker.server.listen(); // 5
      if (options.metricsPort !== undefined) {
        // 5b the Prometheus endpoint
        const registry = broker.metrics.prometheus(brokerStateView(broker));
        broker.metricsServer = await startMetricsServer({ port: options.metricsPort, host: options.metricsHost ?? options.host }, () => registry.metrics());
      }
      // 5c the web console, loaded only when asked for
      if (options.consolePort !== undefined) broker.consoleServer = await (await import('../console/console-server.ts')).startConsoleServer(broker, { port: options.consolePort, host: options.consoleHost });
    } catch (err) {
      await broker.close().catch(() => undefined);
      throw err;
    }
    broker.partitions.startRetention();
    for (const l of options.listeners) {
      if (!isLoopback(l.host) && !usesSasl(l.securityProtocol)) {
        logger.warn(
          `listener ${l.name} (${l.securityProtocol}) on ${l.host}:${broker.server.portOf(l.name)} is reachable from other machines ` +
            'WITHOUT authentication: anyone who can connect can read, write and delete every topic. ' +
            'Use a SASL_SSL listener (docs/security.md) or bind it to 127.0.0.1.',
        );
      }
    }
    logger.info(`broker ${options.nodeId} listening on ${broker.bootstrap} (data dir ${options.dataDir})`);
    return broker;
  }

  get nodeId(): number {
    return this.options.nodeId;
  }

  /** The first listener's advertised host. */
  get advertisedHost(): string {
    return (this.options.listeners[0] as ListenerConfig).advertisedHost;
  }

  /** The first listener's bound port (the ephemeral one when its port was 0). */
  get port(): number {
    return this.server.port;
  }

  /** "advertisedHost:port" of the first listener, ready for a client's bootstrap servers. */
  get bootstrap(): string {
    return this.bootstrapOf((this.options.listeners[0] as ListenerConfig).name);
  }

  /** "advertisedHost:port" of the named listener. */
  bootstrapOf(listenerName: string): string {
    const a = this.advertisedFor(listenerName);
    return `${a.host}:${a.port}`;
  }

  /**
   * The address clients are told to connect to (Metadata, FindCoordinator): the advertised
   * address of the listener `conn` came in on (Kafka answers per listener, KIP-103).
   */
  advertisedFor(connOrListener: ConnectionContext | string): { host: string; port: number } {
    const name = typeof connOrListener === 'string' ? connOrListener : connOrListener.security?.listener;
    const l = this.options.listeners.find((x) => x.name === name) ?? (this.options.listeners[0] as ListenerConfig);
    return { host: l.advertisedHost, port: l.advertisedPort !== 0 ? l.advertisedPort : this.server.portOf(l.name) };
  }

  private connectionSecurity(listener: ListenerConfig, tlsPrincipal: string | null): ConnectionSecurity {
    const sasl = usesSasl(listener.securityProtocol)
      ? new SaslAuthenticator({
          enabledMechanisms: this.options.sasl.enabledMechanisms,
          store: this.credentials,
          reauthMs: this.options.connectionsMaxReauthMs,
          now: () => Date.now(),
        })
      : null;
    return new ConnectionSecurity(listener.name, listener.securityProtocol, tlsPrincipal, sasl);
  }

  /** "http://host:port/metrics" when options.metricsPort is set. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  /** "http://host:port/" of the web console when options.consolePort is set. */
  get consoleUrl(): string | undefined {
    return this.consoleServer?.url;
  }

  /** Live client connections. */
  get connectionCount(): number {
    return this.server.connectionCount;
  }

  /** Response bytes queued on all connections and not yet taken by the kernel (memory budget). */
  get queuedResponseBytes(): number {
    return this.server.queuedResponseBytes;
  }

  get isClosing(): boolean {
    return this.closing !== null;
  }

  /** A service attached at start (services.ts); throws when it is not registered. */
  service<T>(key: ServiceKey<T>): T {
    if (!this.serviceMap.has(key)) throw new Error(`broker service "${key.name}" is not running`);
    return this.serviceMap.get(key) as T;
  }

  /** The topic's metadata, or undefined. */
  topic(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  /**
   * Appends `records` to a partition and wakes fetches parked on it. Throws a LogError (with a
   * Kafka code) when the batches are invalid, or an Error when the partition does not exist.
   */
  append(topic: string, partition: number, records: Buffer, origin: AppendOrigin = 'client'): AppendInfo {
    const log = this.partitions.get(topic, partition);
    if (log === undefined) throw new Error(`partition ${topic}-${partition} does not exist`);
    const info = log.append(records, { origin });
    this.waiters.notify(topic, partition);
    return info;
  }

  /** Stops accepting, ends parked requests, closes services and logs. Idempotent. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    await this.metricsServer?.close();
    await this.consoleServer?.close();
    await this.server.close(); // 1
    this.waiters.notifyAll();
    this.clock.cancelAll(); // 2
    for (const s of this.started.splice(0).reverse()) {
      // 3
      try {
        await s.instance.close();
      } catch (err) {
        this.logger.warn(`closing service ${s.key.name} failed: ${(err as Error).message}`);
      }
    }
    await this.partitions.closeAll(); // 4
    this.lock.release(); // 5
    this.logger.info(`broker ${this.options.nodeId} closed`);
  }
}

function lockDataDir(dataDir: string): DirLock {
  try {
    return acquireDirLock(dataDir);
  } catch (err) {
    if (err instanceof DirLockedError) throw new DataDirLockedError(err.dir, err.holder);
    throw err;
  }
}
