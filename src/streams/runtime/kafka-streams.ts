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
 *
 * Stream threads (numStreamThreads, addStreamThread, removeStreamThread): thread 1 runs on the
 * calling thread exactly as a single-thread instance (no copy, synchronous store()); threads
 * 2..N run on worker threads built from the topology module (threads/). The instance state is
 * derived from all of them (threads/thread-states.ts).
 */
import { join, resolve } from 'node:path';
import { InvalidStateStoreError } from './queryable-stores.ts';
import { asyncStoreView, runStoreQuery, type AsyncStoreView } from './threads/cross-thread-store.ts';
import { checkThreading, multiThreadBlocker } from './threads/threading-rules.ts';
import { cacheSharePerThread, taskConfigOf } from './threads/task-config.ts';
import { localThreadsMetadata, type ThreadMetadata } from './threads/thread-metadata.ts';
import { resizeThreadCache } from '../state/cache/thread-cache.ts';
import { ThreadStates } from './threads/thread-states.ts';
import { CODE_CONFIG_FIELDS, loadTopologyModule, moduleHref as hrefOf } from './threads/topology-module.ts';
import { WorkerThreads } from './threads/worker-threads.ts';
import { loadClientSupplier } from './threads/client-supplier.ts';
import type { WorkerStreamThread } from './threads/worker-stream-thread.ts';
import { StreamsConfigError } from './streams-config.ts';
import type { Broker } from '../../broker/broker.ts';
import { partitionForKey } from '../../util/murmur2.ts';
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
import { runStateQuery } from './streams-query.ts';
import { queryWorkers } from './threads/sync-query-channel.ts';
import { toWireRequest } from '../iq/v2/query-wire.ts';
import type { StateQueryRequest, StateQueryResult } from '../iq/v2/state-query.ts';
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
  /**
   * The module that builds this topology (threads/topology-module.ts), which worker stream
   * threads import; KafkaStreams.fromModule sets it. Needed for numStreamThreads > 1.
   */
  topologyModule?: URL | string;
  /**
   * Custom clients for every stream thread (Kafka's KafkaClientSupplier): a module exporting
   * `runtimeDeps(context)` (threads/client-supplier.ts), which each worker thread imports.
   * KafkaStreams.fromModule imports it and sets `deps` from it; not together with your own `deps`.
   */
  clientSupplier?: URL | string;
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
  #threadName = '';
  /** Threads 2..N (threads/worker-threads.ts); undefined without a topology module. */
  readonly #workers: WorkerThreads | undefined;
  readonly #threadStates = new ThreadStates();
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
    this.#metrics.registerClient(() => this.#state.state, () => this.#threadStates.size);
    this.#taskConfig = taskConfigOf(this.config, logger, (name) => this.#globalStores?.store(name));
    const moduleHref = options.topologyModule === undefined ? undefined : hrefOf(options.topologyModule);
    const clientSupplierHref = options.clientSupplier === undefined ? undefined : hrefOf(options.clientSupplier);
    if (clientSupplierHref !== undefined && options.deps === undefined) throw new StreamsConfigError('invalid streams options:\n  clientSupplier: create the instance with KafkaStreams.fromModule, which imports the module');
    checkThreading({ threads: this.config.numStreamThreads, topology, moduleHref, customDeps: this.#unsendableDeps });
    this.#workers = moduleHref === undefined ? undefined : new WorkerThreads({ config: this.config, moduleHref, clientSupplierHref, stateDir: this.#stateDir, logger });
    this.#globalStores = topology.globalSubtopologies().length > 0 ? new GlobalStateManager(topology, this.#taskConfig, this.#stateDir.appDir) : undefined;
    // The global thread's cache is one share too, as Kafka's (its stores are built with #taskConfig).
    if (this.#globalStores !== undefined && this.config.cacheMaxBytes > 0) resizeThreadCache(this.#taskConfig, cacheSharePerThread(this.config.cacheMaxBytes, this.config.numStreamThreads, true));
  }

  /**
   * An instance whose topology is built by `module` (its export `topology()`, or the default
   * export), which every worker stream thread imports too; the module's `streamsConfig` export
   * gives the config fields that are code (serdes, deserialization handler). Required for
   * numStreamThreads > 1 and addStreamThread() beyond thread 1.
   */
  static async fromModule(module: URL | string, config: StreamsConfigInput, options: Omit<KafkaStreamsOptions, 'topologyModule'> = {}): Promise<KafkaStreams> {
    for (const f of CODE_CONFIG_FIELDS) {
      if (config[f] !== undefined) throw new StreamsConfigError(`invalid streams config:\n  ${f}: with a topology module it must be exported by the module (export const streamsConfig = { ${f} }), which every stream thread imports`);
    }
    if (options.clientSupplier !== undefined && options.deps !== undefined) throw new StreamsConfigError('invalid streams options:\n  clientSupplier: give either a client supplier module or deps, not both');
    const supplier = options.clientSupplier === undefined ? undefined : await loadClientSupplier(options.clientSupplier);
    const loaded = await loadTopologyModule(module);
    const deps = supplier?.runtimeDeps ?? options.deps;
    return new KafkaStreams(loaded.topology, { ...config, ...loaded.streamsConfig }, { ...options, topologyModule: loaded.href, clientSupplier: supplier?.href, ...(deps === undefined ? {} : { deps }) });
  }

  /** Custom clients given as a function (deps), which a worker cannot receive; a client supplier module can be. */
  get #unsendableDeps(): boolean {
    return this.#options.deps !== undefined && this.#options.clientSupplier === undefined;
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
    return (this.#thread?.restoredTotal ?? 0) + (this.#workers?.restoredTotal ?? 0) + (this.#globalThread?.bootstrapRecords ?? 0);
  }

  /** Input records processed by this instance since start. */
  get processedRecords(): number {
    return this.#processedByEndedThreads + (this.#thread?.processedTotal ?? 0) + (this.#workers?.processedTotal ?? 0);
  }

  /** Task ids this instance runs now: active and standby. */
  localTasks(): { active: string[]; standby: string[] } {
    const tm = this.#thread?.taskManager;
    const workers = this.#workers?.all() ?? [];
    return { active: [...(tm?.activeTaskIds() ?? []), ...workers.flatMap((w) => w.activeTaskIds)], standby: [...(tm?.standbyTaskIds() ?? []), ...workers.flatMap((w) => w.standbyTaskIds)] };
  }

  /**
   * This instance's metrics in Kafka's shape (name, group, tags, value): client, thread, task,
   * processor-node, store, restore and lag metrics at the configured recording level
   * (docs/metrics.md lists them all).
   */
  metrics(): KafkaMetric[] {
    // Worker threads' metrics are their latest report (threads/thread-messages.ts: STATS_INTERVAL_MS).
    return this.#workers === undefined ? this.#metrics.metrics() : [...this.#metrics.metrics(), ...this.#workers.metrics()];
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
    if (this.#globalStores === undefined) this.#startThreads();
    else this.#startGlobalThread(this.#globalStores);
  }

  /** Thread 1 here, threads 2..numStreamThreads on workers. */
  #startThreads(): void {
    // Every thread counted before the first starts: each gets 1/numStreamThreads of the cache.
    for (let i = 1; i <= this.config.numStreamThreads; i++) this.#threadStates.set(i, false);
    this.#startThread();
    for (let i = 2; i <= this.config.numStreamThreads; i++) this.#startWorker(i);
  }

  /** The instance state the threads imply (threads/thread-states.ts). */
  #threadRunning(index: number, running: boolean): void {
    this.#threadStates.set(index, running);
    this.#state.transition(this.#threadStates.instanceState());
  }

  #threadNameOf(index: number): { clientId: string; threadName: string } {
    const clientId = `${this.config.applicationId}-${process.pid}-${this.#replacements}`;
    return { clientId, threadName: `${clientId}-StreamThread-${index}` };
  }

  /** One thread's share of the record cache (threads/task-config.ts: as Kafka's getCacheSizePerThread). */
  #cacheShare(): number {
    return cacheSharePerThread(this.config.cacheMaxBytes, this.#threadStates.size, this.#globalStores !== undefined);
  }

  /** Kafka's resizeThreadCache, after a thread was added or removed: every live thread and the global thread get the new share. */
  #resizeThreadCaches(): void {
    const share = this.#cacheShare();
    if (share <= 0) return; // caching off
    void this.#thread?.resizeCache(share);
    for (const w of this.#workers?.all() ?? []) w.resizeCache(share);
    if (this.#globalStores !== undefined) resizeThreadCache(this.#taskConfig, share);
  }

  /**
   * Kafka's metadataForLocalThreads(): every live stream thread of this instance with its tasks
   * and its record cache budget (threads/thread-metadata.ts; a worker's entry is its latest report).
   */
  metadataForLocalThreads(): ThreadMetadata[] {
    return localThreadsMetadata(this.#thread === undefined ? undefined : { thread: this.#thread, name: this.#threadName }, this.#workers?.all() ?? []);
  }

  #startWorker(index: number, options: { requestShutdown?: boolean } = {}): WorkerStreamThread {
    const workers = this.#workers;
    const blocker = multiThreadBlocker({ topology: this.#topology, moduleHref: workers?.moduleHref, customDeps: this.#unsendableDeps });
    if (workers === undefined || blocker !== undefined) throw new StreamsConfigError(`Cannot start stream thread ${index}: ${blocker}`);
    this.#threadStates.set(index, false);
    return workers.start({
      threadIndex: index,
      ...this.#threadNameOf(index),
      bootstrapServers: this.#bootstrap,
      cacheMaxBytes: this.#cacheShare(),
      requestShutdown: options.requestShutdown,
      events: (worker) => ({
        onRunning: (running) => this.#threadRunning(index, running),
        onRetry: (message, backoffMs) => {
          this.#threadRunning(index, false);
          this.#taskConfig.logger.warn(`[streams ${this.config.applicationId}] ${worker.name}: cannot reach the cluster or set up the application (${message}); retrying in ${backoffMs} ms`);
        },
        // A worker's global replica failing is the global thread failing (threads/worker-global-stores.ts).
        onFatal: (error, global) => void this.#onFatal(worker, error, global),
        onShutdownRequested: () => {
          this.#taskConfig.logger.error(`[streams ${this.config.applicationId}] the application is shutting down: an instance requested SHUTDOWN_APPLICATION`);
          void this.#closeToError();
        },
      }),
    });
  }

  /**
   * Kafka's addStreamThread(): starts one more stream thread (the lowest free index; thread 1 on
   * this thread, others on workers) and resolves with its name; undefined when the instance is
   * not RUNNING or REBALANCING. The group rebalances and the new thread gets its share of tasks.
   */
  async addStreamThread(): Promise<string | undefined> {
    const s = this.#state.state;
    if ((s !== StreamsStates.RUNNING && s !== StreamsStates.REBALANCING) || this.#closing !== undefined) return undefined;
    const index = this.#threadStates.nextIndex();
    if (index === 1) {
      this.#startThread();
      this.#state.transition(StreamsStates.REBALANCING);
      this.#resizeThreadCaches();
      return this.#threadName;
    }
    const worker = this.#startWorker(index);
    this.#state.transition(StreamsStates.REBALANCING);
    this.#resizeThreadCaches();
    return worker.name;
  }

  /**
   * Kafka's removeStreamThread(): stops the stream thread with the highest index (it commits,
   * closes its tasks and leaves the group, whose rebalance gives its tasks to the others) and
   * resolves with its name; undefined when there is none or the instance is not running.
   */
  async removeStreamThread(): Promise<string | undefined> {
    const s = this.#state.state;
    if ((s !== StreamsStates.RUNNING && s !== StreamsStates.REBALANCING) || this.#closing !== undefined) return undefined;
    const worker = this.#workers?.last();
    if (worker !== undefined) {
      this.#threadStates.remove(worker.threadIndex);
      await this.#workers!.stop(worker);
      this.#state.transition(this.#threadStates.instanceState());
      this.#resizeThreadCaches();
      return worker.name;
    }
    const thread = this.#thread;
    if (thread === undefined) return undefined;
    this.#thread = undefined;
    this.#threadStates.remove(1);
    await thread.stop();
    this.#processedByEndedThreads += thread.processedTotal;
    this.#threadMetrics?.close();
    this.#threadMetrics = undefined;
    this.#state.transition(this.#threadStates.instanceState());
    this.#resizeThreadCaches();
    return this.#threadName;
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
        if (this.#closing === undefined && this.#thread === undefined && this.#state.state === StreamsStates.REBALANCING) this.#startThreads();
      },
      onRetry: (error, backoffMs) => {
        this.#taskConfig.logger.warn(`[streams ${this.config.applicationId}] global thread: ${error.message}; retrying in ${backoffMs} ms`);
      },
      onFatal: (error) => void this.#onFatal(undefined, error),
    });
    this.#globalThread.start();
  }

  #startThread(options: { requestShutdown?: boolean } = {}): void {
    const { clientId, threadName } = this.#threadNameOf(1);
    this.#threadStates.set(1, false);
    this.#threadName = threadName;
    const deps = this.#newDeps(clientId);
    this.#threadMetrics?.close();
    this.#threadMetrics = this.#metrics.thread(threadName);
    const cacheMaxBytes = this.#cacheShare();
    const taskConfig = { ...this.#taskConfig, cacheMaxBytes, logger: toLogger(this.#taskConfig.logger).child({ thread: clientId }), metrics: this.#threadMetrics };
    const thread: StreamThread = new StreamThread(this.#topology, this.config, taskConfig, deps, this.#stateDir, {
      onRunning: (running) => {
        if (this.#thread !== thread) return;
        this.#threadRunning(1, running);
      },
      onRetry: (error, backoffMs) => {
        if (this.#thread !== thread) return;
        this.#threadRunning(1, false);
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

  /**
   * A fatal error of a stream thread (`thread`: thread 1 or a worker) or of the global thread
   * (undefined, or a worker with `global`: its replica of the global stores failed).
   */
  async #onFatal(thread: StreamThread | WorkerStreamThread | undefined, error: Error, global = false): Promise<void> {
    if ((thread instanceof StreamThread && this.#thread !== thread) || this.#closing !== undefined) return;
    const worker = thread === undefined || thread instanceof StreamThread ? undefined : thread;
    if (worker !== undefined) {
      // The worker has closed its tasks and is gone; its index is free until replaced.
      this.#workers?.ended(worker);
      this.#threadStates.remove(worker.threadIndex);
    }
    let response: StreamThreadExceptionResponse;
    try {
      response = this.#handler(error);
    } catch (e) {
      this.#taskConfig.logger.error(`uncaught-exception handler threw (${e instanceof Error ? e.message : String(e)}); shutting down`);
      response = StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    const which = thread === undefined ? 'global thread' : global ? `global stores of stream thread ${worker?.name}` : `stream thread ${worker?.name ?? this.#threadName}`;
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
    // A global thread cannot be replaced (as in Kafka): REPLACE_THREAD then shuts down (below).
    if (response === StreamThreadExceptionResponse.REPLACE_THREAD && worker !== undefined && !global) {
      this.#replacements++;
      this.#startWorker(worker.threadIndex);
      this.#state.transition(StreamsStates.REBALANCING);
      return;
    }
    if (response === StreamThreadExceptionResponse.REPLACE_THREAD && thread !== undefined && !global) {
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
      await Promise.all([thread?.stop(), this.#workers?.stopAll()]);
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
      await Promise.all([thread?.stop(), this.#workers?.stopAll()]);
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

  /**
   * A read-only view of a store over this instance's active tasks (interactive queries). With
   * worker stream threads running, their tasks are not in this thread's memory: use storeAsync().
   */
  store<T>(name: string, type: QueryableStoreType<T>): T {
    if ((this.#workers?.size ?? 0) > 0) {
      throw new InvalidStateStoreError(`This instance runs ${this.#threadStates.size} stream threads, some on worker threads: query "${name}" with await streams.storeAsync(name, type), which asks every thread.`);
    }
    return this.#localStore(name, type);
  }

  /**
   * The same view as store(), over the tasks of every stream thread: each method returns a
   * Promise, and iterators come back as arrays of { key, value } (threads/cross-thread-store.ts
   * has the merge rules). Works with one thread too.
   */
  storeAsync<T>(name: string, type: QueryableStoreType<T>): AsyncStoreView<T> {
    const local = this.#localStore(name, type) as object;
    // A global store is whole on this thread (the instance's global thread): no merge needed.
    const global = this.#topology.globalStoreNames().includes(name);
    return asyncStoreView<T>(async (method, args) => {
      const here = global || this.#thread !== undefined || this.#workers === undefined ? [runStoreQuery(local, method, args)] : [];
      const there = global ? [] : await Promise.all((this.#workers?.all() ?? []).map((w) => w.query(name, type.kind, method, args)));
      return [...here, ...there];
    });
  }

  /**
   * IQv2 (KIP-796): runs `request` on this instance's local partitions of its store
   * (runtime/streams-query.ts); worker stream threads answer for their own tasks (threads/sync-query-channel.ts).
   */
  query<R = unknown>(request: StateQueryRequest): StateQueryResult<R> {
    const workers = this.#workers?.all() ?? [];
    const remote = workers.length === 0 ? undefined : (r: StateQueryRequest) => queryWorkers<R>(workers, toWireRequest(r), this.state, (m) => this.#taskConfig.logger.warn(m));
    const stores = this.#topology.stores();
    const timestamped = (n: string) => (stores.get(n)?.factory as { timestamped?: boolean } | undefined)?.timestamped === true;
    return runStateQuery<R>({ state: this.state, storeNames: new Set([...stores.keys(), ...this.#topology.globalStoreNames()]), globalStoreNames: new Set(this.#topology.globalStoreNames()), timestamped, taskManager: this.#thread?.taskManager }, request, remote);
  }

  #localStore<T>(name: string, type: QueryableStoreType<T>): T {
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
    const hostMap = this.#thread !== undefined && this.#thread.hostMap.size > 0 ? this.#thread.hostMap : this.#workers?.hostMap();
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
