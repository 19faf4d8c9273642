/*
 * KafkaStreams: runs a compiled Topology against a broker — Kafka Streams' KafkaStreams. One
 * instance = one process's share of the application: it joins the consumer group named by
 * applicationId, gets tasks (sub-topology × partition), restores their stores from changelogs,
 * processes, and commits. Several instances (processes) with the same applicationId share the
 * work; when one dies its tasks move to the others.
 *
 * Lifecycle (streams-state.ts has the transition table):
 *   new KafkaStreams(topology, config)   CREATED (config validated here; throws StreamsConfigError)
 *   start()                              REBALANCING; embedded broker started if configured;
 *                                        RUNNING once tasks are assigned and restored
 *   close({ timeoutMs })                 PENDING_SHUTDOWN → commit, close tasks, leave the group,
 *                                        stop the embedded broker → NOT_RUNNING. Returns false
 *                                        when the timeout passed first (shutdown continues).
 *   cleanUp()                            deletes the local state directory (only when not running)
 * Broker unreachable at start or later: the thread retries with backoff; the state goes back to
 * REBALANCING (listeners see it) and returns to RUNNING on reconnect.
 *
 * Uncaught exceptions (a processor throws, logAndFail): the handler decides —
 *   REPLACE_THREAD    close the failed thread's tasks without committing and start a fresh thread
 *                     (the failing record is reprocessed: use it for transient errors)
 *   SHUTDOWN_CLIENT   (default) stop this instance → ERROR
 *   SHUTDOWN_APPLICATION  stop every instance of the application (KIP-671): a fresh thread joins
 *                     the group with SHUTDOWN_REQUESTED in its subscription; the leader answers
 *                     every member with SHUTDOWN_REQUESTED, and each instance (this one too) goes
 *                     PENDING_ERROR → ERROR
 * A failure of the global thread cannot be answered with REPLACE_THREAD (as in Kafka): it shuts
 * the instance down instead.
 *
 * Global stores (GlobalKTable, addGlobalStore): the global thread (global/global-stream-thread.ts)
 * bootstraps them from their topics before the stream thread starts, then keeps them current.
 */
import { join, resolve } from 'node:path';
import type { Broker } from '../../broker/broker.ts';
import { partitionForKey } from '../../util/murmur2.ts';
import { DeserializationHandlers } from '../errors/deserialization-handler.ts';
import type { Serializer } from '../serde/serde.ts';
import { consoleLogger, type StreamsLogger } from '../task/internal-context.ts';
import type { TaskConfig } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import type { RuntimeDeps } from './client-port.ts';
import { createRuntimeDeps } from './runtime-deps.ts';
import { startAppStatusPublisher, type AppStatusPublisher } from './app-status-publisher.ts';
import { queryableStore, type QueryableStoreType } from './queryable-stores.ts';
import { StateDirectory } from './state-directory.ts';
import { StreamThread } from './stream-thread.ts';
import { GlobalStateManager } from './global/global-state-manager.ts';
import { GlobalStreamThread } from './global/global-stream-thread.ts';
import { parseHostPort, parseStreamsConfig, type HostInfo, type StreamsConfig, type StreamsConfigInput } from './streams-config.ts';
import { StateMachine, StreamsStates, type StateListener, type StreamsState } from './streams-state.ts';
import type { Registry } from 'prom-client';
import { toLogger } from '../../logging/logger.ts';
import type { KafkaMetric, MetricRegistry } from '../../metrics/metric-registry.ts';
import type { StateRestoreListener } from '../metrics/restore-progress.ts';
import { StreamsMetrics } from '../metrics/streams-metrics.ts';
import { InteractiveQueryServer } from '../iq/query-server.ts';
import { streamsQueryHost } from '../iq/streams-query-host.ts';
import type { ThreadMetrics } from '../metrics/thread-metrics.ts';

export const StreamThreadExceptionResponse = {
  REPLACE_THREAD: 'REPLACE_THREAD',
  SHUTDOWN_CLIENT: 'SHUTDOWN_CLIENT',
  SHUTDOWN_APPLICATION: 'SHUTDOWN_APPLICATION',
} as const;
export type StreamThreadExceptionResponse = (typeof StreamThreadExceptionResponse)[keyof typeof StreamThreadExceptionResponse];
export type StreamsUncaughtExceptionHandler = (error: Error) => StreamThreadExceptionResponse;

/** Where a key of a store lives (queryMetadataForKey). */
export interface KeyQueryMetadata {
  readonly activeHost: HostInfo | undefined;
  readonly standbyHosts: readonly HostInfo[];
  readonly partition: number;
}

/** What a RuntimeDeps factory is told. */
export interface RuntimeDepsContext {
  readonly bootstrapServers: readonly string[];
  readonly clientId: string;
  readonly config: StreamsConfig;
  readonly topology: Topology;
  /** This instance's stable id (kept in the state directory). */
  readonly processId: string;
  readonly logger: StreamsLogger;
  /** Where the clients register producer/consumer metrics (the instance's metrics()). */
  readonly metrics?: MetricRegistry;
}

export interface KafkaStreamsOptions {
  /** Replace the clients, assignor and topic setup (tests, or a faster client later). */
  deps?: (context: RuntimeDepsContext) => RuntimeDeps;
}

export class KafkaStreams {
  readonly config: StreamsConfig;
  readonly #topology: Topology;
  readonly #state: StateMachine;
  readonly #stateDir: StateDirectory;
  readonly #taskConfig: TaskConfig;
  readonly #options: KafkaStreamsOptions;
  #handler: StreamsUncaughtExceptionHandler = () => StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  #thread: StreamThread | undefined;
  /** Records processed by threads that have ended (closed, failed or replaced). */
  #processedByEndedThreads = 0;
  #broker: Broker | undefined;
  #bootstrap: string[] = [];
  #closing: Promise<void> | undefined;
  #replacements = 0;
  readonly #metrics: StreamsMetrics;
  #threadMetrics: ThreadMetrics | undefined;
  /** The global stores and their thread; undefined when the topology has none. */
  readonly #globalStores: GlobalStateManager | undefined;
  #globalThread: GlobalStreamThread | undefined;
  #appStatus: AppStatusPublisher | undefined;
  /** The HTTP interactive-query server while running (config interactiveQueries). */
  #iq: InteractiveQueryServer | undefined;

  constructor(topology: Topology, config: StreamsConfigInput, options: KafkaStreamsOptions = {}) {
    this.config = parseStreamsConfig(config);
    this.#topology = topology;
    this.#options = options;
    const logger = toLogger(this.config.logger ?? consoleLogger).child({ app: this.config.applicationId });
    this.#state = new StateMachine((e) => logger.error(`state listener threw: ${e instanceof Error ? e.message : String(e)}`));
    this.#stateDir = new StateDirectory(this.config.stateDir, this.config.applicationId);
    const { recordingLevel, sampleWindowMs, numSamples } = this.config.metrics;
    this.#metrics = new StreamsMetrics({ clientId: this.config.applicationId, level: recordingLevel, window: { windowMs: sampleWindowMs, numSamples }, logger });
    this.#metrics.registerClient(() => this.#state.state, () => (this.#thread === undefined ? 0 : 1));
    this.#taskConfig = {
      applicationId: this.config.applicationId,
      stateDir: resolve(this.config.stateDir),
      defaultKeySerde: this.config.defaultKeySerde,
      defaultValueSerde: this.config.defaultValueSerde,
      deserializationHandler: this.config.deserializationHandler ?? DeserializationHandlers.logAndFail(logger),
      processingExceptionHandler: this.config.processingExceptionHandler,
      defaultStoreType: this.config.defaultStoreType,
      cacheMaxBytes: this.config.cacheMaxBytes,
      logger,
      globalStores: (name) => this.#globalStores?.store(name),
    };
    this.#globalStores = topology.globalSubtopologies().length > 0 ? new GlobalStateManager(topology, this.#taskConfig, this.#stateDir.appDir) : undefined;
  }

  get state(): StreamsState {
    return this.#state.state;
  }

  /** The embedded broker's web console URL (embedded.consolePort), once started. */
  get consoleUrl(): string | undefined {
    return this.#broker?.consoleUrl;
  }

  /** "host:port" of the broker(s) this instance talks to (the embedded one once started). */
  get bootstrapServers(): readonly string[] {
    return this.#bootstrap;
  }

  /** Changelog records read while restoring and following standbys, plus global topic records read to bootstrap the global stores (restart diagnostics). */
  get restoredRecords(): number {
    return (this.#thread?.restoredTotal ?? 0) + (this.#globalThread?.bootstrapRecords ?? 0);
  }

  /** Input records processed by this instance since start. */
  get processedRecords(): number {
    return this.#processedByEndedThreads + (this.#thread?.processedTotal ?? 0);
  }

  /** Task ids this instance runs now: active and standby. */
  localTasks(): { active: string[]; standby: string[] } {
    const tm = this.#thread?.taskManager;
    return { active: tm?.activeTaskIds() ?? [], standby: tm?.standbyTaskIds() ?? [] };
  }

  /**
   * This instance's metrics in Kafka's shape (name, group, tags, value): client, thread, task,
   * processor-node, store, restore and lag metrics at the configured recording level
   * (docs/metrics.md lists them all).
   */
  metrics(): KafkaMetric[] {
    return this.#metrics.metrics();
  }

  /** "http://host:port/metrics" while the Prometheus endpoint runs (config metrics.port). */
  get metricsUrl(): string | undefined {
    return this.#metrics.url;
  }

  /** "http://host:port" of the interactive-query server while it runs (config interactiveQueries). */
  get interactiveQueriesUrl(): string | undefined {
    return this.#iq?.url;
  }

  async #startQueryServer(config: NonNullable<StreamsConfig['interactiveQueries']>): Promise<void> {
    const host = streamsQueryHost(this, {
      topology: this.#topology,
      buildOptions: this.#taskConfig,
      taskManager: () => this.#thread?.taskManager,
      hostMap: () => this.#thread?.hostMap,
      globalStore: (n) => (this.#globalThread?.bootstrapped === true ? this.#globalStores?.store(n) : undefined),
    });
    this.#iq = new InteractiveQueryServer(host, config, this.#taskConfig.logger);
    await this.#iq.start();
  }

  /** The metrics as a prom-client Registry, to merge into an application's own. */
  prometheusRegistry(): Registry {
    return this.#metrics.prometheus.registry;
  }

  /** Kafka Streams' setGlobalStateRestoreListener: told when each store restore starts, progresses and ends. */
  setGlobalStateRestoreListener(listener: StateRestoreListener | undefined): void {
    this.#metrics.setRestoreListener(listener);
  }

  /** Calls `listener(newState, oldState)` on every state change; the returned function stops it. */
  onStateChange(listener: StateListener): () => void {
    return this.#state.addListener(listener);
  }

  setUncaughtExceptionHandler(handler: StreamsUncaughtExceptionHandler): void {
    if (this.#state.state !== StreamsStates.CREATED) throw new Error(`setUncaughtExceptionHandler must be called before start(); the application is ${this.#state.state}.`);
    this.#handler = handler;
  }

  /** Starts processing; resolves once the instance is connecting (not when RUNNING). */
  async start(): Promise<void> {
    if (this.#state.state !== StreamsStates.CREATED) {
      throw new Error(`start() may be called once, on a CREATED instance; this one is ${this.#state.state}. Create a new KafkaStreams to run again.`);
    }
    this.#state.require(StreamsStates.REBALANCING, 'start()');
    try {
      this.#stateDir.lock();
      if (this.config.bootstrapServers === 'embedded') {
        const dataDir = this.config.embedded.dataDir ?? join(resolve(this.config.stateDir), '..', 'broker');
        this.#broker = await startEmbeddedBroker({ ...this.config.embedded, dataDir });
        this.#bootstrap = [this.#broker.bootstrap];
      } else {
        this.#bootstrap = [...this.config.bootstrapServers];
      }
      if (this.config.metrics.port !== undefined) await this.#metrics.serve(this.config.metrics.port, this.config.metrics.host);
      if (this.config.interactiveQueries !== undefined) await this.#startQueryServer(this.config.interactiveQueries);
    } catch (e) {
      await this.#metrics.stopServing();
      await this.#iq?.close();
      this.#iq = undefined;
      this.#stateDir.unlock();
      this.#state.transition(StreamsStates.PENDING_ERROR);
      this.#state.transition(StreamsStates.ERROR);
      throw e;
    }
    this.#appStatus = startAppStatusPublisher(this, this.#topology, { config: this.config, bootstrap: this.#bootstrap, processId: this.#stateDir.processId(), logger: this.#taskConfig.logger, customDeps: this.#options.deps !== undefined });
    if (this.#globalStores === undefined) this.#startThread();
    else this.#startGlobalThread(this.#globalStores);
  }

  #newDeps(clientId: string): RuntimeDeps {
    return (this.#options.deps ?? createRuntimeDeps)({
      bootstrapServers: this.#bootstrap,
      clientId,
      config: this.config,
      topology: this.#topology,
      processId: this.#stateDir.processId(),
      logger: this.#taskConfig.logger,
      metrics: this.#metrics.registry,
    });
  }

  /** The global thread first; the stream thread starts once the global stores are bootstrapped. */
  #startGlobalThread(stores: GlobalStateManager): void {
    const deps = this.#newDeps(`${this.config.applicationId}-${process.pid}-global`).global?.();
    if (deps === undefined) throw new Error('The runtime clients given (KafkaStreamsOptions.deps) have no global() clients, which a topology with global stores needs.');
    this.#globalThread = new GlobalStreamThread(this.config, deps, stores, this.#taskConfig.logger, {
      onBootstrapped: () => {
        if (this.#closing === undefined && this.#thread === undefined && this.#state.state === StreamsStates.REBALANCING) this.#startThread();
      },
      onRetry: (error, backoffMs) => {
        this.#taskConfig.logger.warn(`[streams ${this.config.applicationId}] global thread: ${error.message}; retrying in ${backoffMs} ms`);
      },
      onFatal: (error) => void this.#onFatal(undefined, error),
    });
    this.#globalThread.start();
  }

  #startThread(options: { requestShutdown?: boolean } = {}): void {
    const clientId = `${this.config.applicationId}-${process.pid}-${this.#replacements}`;
    const deps = this.#newDeps(clientId);
    this.#threadMetrics?.close();
    this.#threadMetrics = this.#metrics.thread(`${clientId}-StreamThread-1`);
    const taskConfig = { ...this.#taskConfig, logger: toLogger(this.#taskConfig.logger).child({ thread: clientId }), metrics: this.#threadMetrics };
    const thread: StreamThread = new StreamThread(this.#topology, this.config, taskConfig, deps, this.#stateDir, {
      onRunning: (running) => {
        if (this.#thread !== thread) return;
        this.#state.transition(running ? StreamsStates.RUNNING : StreamsStates.REBALANCING);
      },
      onRetry: (error, backoffMs) => {
        if (this.#thread !== thread) return;
        this.#state.transition(StreamsStates.REBALANCING);
        this.#taskConfig.logger.warn(`[streams ${this.config.applicationId}] cannot reach the cluster or set up the application (${error.message}); retrying in ${backoffMs} ms`);
      },
      onFatal: (error) => void this.#onFatal(thread, error),
      onShutdownRequested: () => {
        if (this.#thread !== thread) return;
        this.#taskConfig.logger.error(`[streams ${this.config.applicationId}] the application is shutting down: an instance requested SHUTDOWN_APPLICATION`);
        void this.#closeToError();
      },
    });
    if (options.requestShutdown === true) thread.requestApplicationShutdown();
    this.#thread = thread;
    thread.start();
  }

  /** A fatal error of the stream thread (`thread`) or of the global thread (undefined). */
  async #onFatal(thread: StreamThread | undefined, error: Error): Promise<void> {
    if ((thread !== undefined && this.#thread !== thread) || this.#closing !== undefined) return;
    let response: StreamThreadExceptionResponse;
    try {
      response = this.#handler(error);
    } catch (e) {
      this.#taskConfig.logger.error(`uncaught-exception handler threw (${e instanceof Error ? e.message : String(e)}); shutting down`);
      response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    const which = thread === undefined ? 'global thread' : 'stream thread';
    this.#taskConfig.logger.error(`[streams ${this.config.applicationId}] ${which} failed: ${error.message} → ${response}`);
    if (response === StreamThreadExceptionResponse.SHUTDOWN_APPLICATION) {
      // The failed thread has left the group (or is the global thread): stop the stream thread
      // (committing what it did) and have a fresh one carry the request to the group leader.
      const current = this.#thread;
      this.#thread = undefined;
      await current?.stop();
      this.#processedByEndedThreads += current?.processedTotal ?? 0;
      if (this.#closing !== undefined) return;
      this.#replacements++;
      this.#state.transition(StreamsStates.REBALANCING);
      this.#startThread({ requestShutdown: true });
      return;
    }
    if (response === StreamThreadExceptionResponse.REPLACE_THREAD && thread !== undefined) {
      this.#replacements++;
      this.#processedByEndedThreads += this.#thread?.processedTotal ?? 0;
      this.#state.transition(StreamsStates.REBALANCING);
      this.#startThread();
      return;
    }
    await this.#closeToError();
  }

  /** PENDING_ERROR → stop the threads and resources → ERROR (SHUTDOWN_CLIENT, or an application shutdown). */
  async #closeToError(): Promise<void> {
    this.#closing ??= (async () => {
      this.#state.transition(StreamsStates.PENDING_ERROR);
      const thread = this.#thread;
      this.#thread = undefined;
      await thread?.stop();
      this.#processedByEndedThreads += thread?.processedTotal ?? 0;
      await this.#shutdownResources();
      this.#state.transition(StreamsStates.ERROR);
    })();
    await this.#closing;
  }

  /**
   * Commits, closes tasks, leaves the group and stops the embedded broker. Resolves true when
   * everything closed within `timeoutMs` (default: wait as long as it takes), false otherwise.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.#state.isTerminal() && this.#closing === undefined) return true;
    this.#closing ??= (async () => {
      this.#state.transition(StreamsStates.PENDING_SHUTDOWN);
      const thread = this.#thread;
      this.#thread = undefined;
      await thread?.stop();
      this.#processedByEndedThreads += thread?.processedTotal ?? 0;
      await this.#shutdownResources();
      this.#state.transition(StreamsStates.NOT_RUNNING);
    })();
    if (options.timeoutMs === undefined) {
      await this.#closing;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), options.timeoutMs)));
    try {
      return await Promise.race([this.#closing.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #shutdownResources(): Promise<void> {
    await this.#appStatus?.stop(); // its tombstone goes out before an embedded broker closes
    this.#appStatus = undefined;
    await this.#iq?.close();
    this.#iq = undefined;
    this.#threadMetrics?.close();
    this.#threadMetrics = undefined;
    await this.#metrics.stopServing();
    const global = this.#globalThread;
    this.#globalThread = undefined;
    if (global !== undefined) await global.stop().catch((e: unknown) => this.#taskConfig.logger.error(`[streams ${this.config.applicationId}] closing the global stores failed: ${e instanceof Error ? e.message : String(e)}`));
    else await this.#globalStores?.close().catch(() => {});
    const broker = this.#broker;
    this.#broker = undefined;
    if (broker !== undefined) await broker.close().catch(() => {});
    this.#stateDir.unlock();
  }

  /** Deletes this application's local state (stateDir/applicationId); only while not running. */
  cleanUp(): void {
    const s = this.#state.state;
    if (s !== StreamsStates.CREATED && s !== StreamsStates.NOT_RUNNING && s !== StreamsStates.ERROR) {
      throw new Error(`cleanUp() deletes local state and may only be called before start() or after close(); the application is ${s}.`);
    }
    this.#stateDir.cleanUp();
  }

  /** A read-only view of a store over this instance's active tasks (interactive queries). */
  store<T>(name: string, type: QueryableStoreType<T>): T {
    if (!this.#topology.stores().has(name)) {
      throw new Error(`No state store named "${name}" in this topology (stores: ${[...this.#topology.stores().keys()].join(', ') || 'none'}).`);
    }
    const factory = this.#topology.stores().get(name)!.factory as { timestamped?: boolean };
    const global = this.#globalStores;
    return queryableStore(
      {
        // A global store is the same whole table on every instance; it is queryable once bootstrapped.
        stores: (n) => {
          const g = this.#globalThread?.bootstrapped === true ? global?.store(n) : undefined;
          return g !== undefined ? [g] : (this.#thread?.taskManager?.localStores(n) ?? []);
        },
        isTimestamped: () => factory.timestamped === true,
      },
      name,
      type,
    );
  }

  /**
   * Which instance owns `key` in `storeName`: the partition is murmur2(serialized key) mod the
   * partition count (Kafka's default partitioner), and the host comes from the assignment's host
   * map (instances report their applicationServer). undefined when the store or the assignment is
   * not known yet (retry once RUNNING).
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerializer: Serializer<K>): KeyQueryMetadata | undefined {
    // A global store is whole on every instance: this one answers (partition -1, as Kafka).
    if (this.#topology.globalStoreNames().includes(storeName)) return { activeHost: this.config.applicationServer, standbyHosts: [], partition: -1 };
    const sub = this.#topology.subtopologies().find((s) => s.stores.includes(storeName));
    if (sub === undefined) throw new Error(`No state store named "${storeName}" in this topology's tasks.`);
    const hostMap = this.#thread?.hostMap;
    if (hostMap === undefined || hostMap.size === 0) return undefined;
    const topics = new Set(sub.sourceTopics.map((t) => this.#topology.resolveTopic(t, this.config.applicationId)));
    // In a stable group every partition of the task's inputs is assigned, so the highest one seen is count - 1.
    let numPartitions = 0;
    for (const h of hostMap.values()) for (const tp of h.active) if (topics.has(tp.topic)) numPartitions = Math.max(numPartitions, tp.partition + 1);
    if (numPartitions === 0) return undefined;
    const partition = partitionForKey(keySerializer.serialize([...topics][0]!, key), numPartitions);
    let activeHost: HostInfo | undefined;
    const standbyHosts: HostInfo[] = [];
    for (const [host, info] of hostMap) {
      const hostInfo = parseHostPort(host);
      if (hostInfo === undefined) continue;
      if (info.active.some((tp) => topics.has(tp.topic) && tp.partition === partition)) activeHost = hostInfo;
      else if (info.standby.some((tp) => topics.has(tp.topic) && tp.partition === partition)) standbyHosts.push(hostInfo);
    }
    return { activeHost, standbyHosts, partition };
  }
}
