/*
 * The body of a worker stream thread (threads 2..N; spawn-worker.ts starts it, thread-messages.ts
 * has the protocol). It builds the topology from the user's module, its own clients (a group
 * member sharing the instance's process id, a transactional producer "<app>-<processId>-<index>"
 * under exactly_once_v2) and a StreamThread over the instance's state directory (per-task locks:
 * state-directory.ts) that starts once its replica of the global stores is bootstrapped
 * (worker-global-stores.ts), then relays the thread's events and answers queries. It never exits by
 * itself: main terminates it after 'stopped' or 'fatal'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StreamsMetrics } from '../../metrics/streams-metrics.ts';
import { queryableStore, type QueryableStoreType } from '../queryable-stores.ts';
import { createRuntimeDeps } from '../runtime-deps.ts';
import { StateDirectory } from '../state-directory.ts';
import { StreamThread } from '../stream-thread.ts';
import type { StreamsConfig } from '../streams-config.ts';
import { runStoreQuery } from './cross-thread-store.ts';
import { serveSyncQueries } from './sync-query-channel.ts';
import { localPartitionResults } from '../streams-query.ts';
import { fromWireRequest, toWireResult } from '../../iq/v2/query-wire.ts';
import { forwardingLogger } from './forwarding-logger.ts';
import { loadClientSupplier } from './client-supplier.ts';
import { taskConfigOf } from './task-config.ts';
import { WorkerGlobalStores } from './worker-global-stores.ts';
import { serializeError, STATS_INTERVAL_MS, type FromWorker, type ToWorker, type WorkerInit, type WorkerStats } from './thread-messages.ts';
import { loadTopologyModule } from './topology-module.ts';

if (parentPort === null) throw new Error('worker-entry.ts runs inside a worker thread started by KafkaStreams');
const port = parentPort;
const init = workerData as WorkerInit;
const post = (m: FromWorker): void => port.postMessage(m);

try {
  await run();
} catch (e) {
  // The module failed to load or the thread could not be built: a fatal error of this thread.
  post({ type: 'fatal', error: serializeError(e) });
}

async function run(): Promise<void> {
  const logger = forwardingLogger((level, message) => post({ type: 'log', level, message }));
  const mod = await loadTopologyModule(init.moduleHref);
  const topology = mod.topology;
  const config: StreamsConfig = { ...init.config, ...mod.streamsConfig, defaultKeySerde: mod.streamsConfig.defaultKeySerde, defaultValueSerde: mod.streamsConfig.defaultValueSerde, deserializationHandler: mod.streamsConfig.deserializationHandler, processingExceptionHandler: mod.streamsConfig.processingExceptionHandler, logger };
  const { recordingLevel, sampleWindowMs, numSamples } = config.metrics;
  const metrics = new StreamsMetrics({ clientId: config.applicationId, level: recordingLevel, window: { windowMs: sampleWindowMs, numSamples }, logger });
  const threadMetrics = metrics.thread(init.threadName);
  // Global stores: this worker's own replica (worker-global-stores.ts has why and what it costs).
  let globals: WorkerGlobalStores | undefined;
  const taskConfig = { ...taskConfigOf(config, logger, (name) => globals?.store(name)), cacheMaxBytes: init.cacheMaxBytes, metrics: threadMetrics };
  const stateDir = new StateDirectory(config.stateDir, config.applicationId);
  const depsFactory = init.clientSupplierHref === undefined ? createRuntimeDeps : (await loadClientSupplier(init.clientSupplierHref)).runtimeDeps;
  const deps = depsFactory({ bootstrapServers: init.bootstrapServers, clientId: init.clientId, config, topology, processId: init.processId, logger });
  const stats = (): WorkerStats => {
    const tm = thread.taskManager;
    return {
      processed: thread.processedTotal,
      restored: thread.restoredTotal,
      active: tm?.activeTaskIds() ?? [],
      standby: tm?.standbyTaskIds() ?? [],
      hostMap: [...thread.hostMap].map(([h, v]) => [h, { active: [...v.active], standby: [...v.standby] }]),
      metrics: metrics.metrics(),
    };
  };
  const thread: StreamThread = new StreamThread(
    topology,
    config,
    taskConfig,
    deps,
    stateDir,
    {
      onRunning: (running) => {
        post({ type: 'stats', stats: stats() });
        post({ type: 'running', running });
      },
      onRetry: (error, backoffMs) => post({ type: 'retry', message: error.message, backoffMs }),
      onFatal: (error) => {
        clearInterval(timer);
        post({ type: 'stats', stats: stats() });
        post({ type: 'fatal', error: serializeError(error) });
      },
      onShutdownRequested: () => post({ type: 'shutdown-requested' }),
    },
    init.threadIndex,
  );
  let stopping = false;
  globals = new WorkerGlobalStores(topology, config, taskConfig, deps, stateDir.appDir, init.threadIndex, logger, {
    onReady: () => {
      if (stopping) return;
      if (init.requestShutdown) thread.requestApplicationShutdown();
      thread.start();
    },
    onRetry: (error, backoffMs) => post({ type: 'log', level: 'warn', message: `global stores: ${error.message}; retrying in ${backoffMs} ms` }),
    onFatal: (error) => {
      clearInterval(timer);
      // The stream thread never started or must not go on without its global stores.
      void thread.stop().finally(() => post({ type: 'global-fatal', error: serializeError(error) }));
    },
  });
  const timer = setInterval(() => post({ type: 'stats', stats: stats() }), STATS_INTERVAL_MS);
  const views = new Map<string, object>();
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      clearInterval(timer);
      stopping = true;
      // The stream thread first (it commits and leaves the group), then the global replica.
      const warn = (what: string) => (e: unknown) => logger.warn(`stopping ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
      void thread.stop().catch(warn('the stream thread')).then(() => globals?.stop()).catch(warn('the global stores')).finally(() => {
        threadMetrics.close();
        post({ type: 'stats', stats: stats() });
        post({ type: 'stopped' });
      });
      return;
    }
    if (m.type === 'resize-cache') {
      void thread.resizeCache(m.maxBytes).then(() => post({ type: 'cache-resized', maxBytes: thread.cacheMaxBytes }));
      return;
    }
    if (m.type === 'query') {
      const key = `${m.store}\u0000${m.kind}`;
      let view = views.get(key);
      if (view === undefined) {
        const factory = topology.stores().get(m.store)?.factory as { timestamped?: boolean } | undefined;
        view = queryableStore({ stores: (n) => thread.taskManager?.localStores(n) ?? [], isTimestamped: () => factory?.timestamped === true }, m.store, { kind: m.kind } as QueryableStoreType<object>);
        views.set(key, view);
      }
      post({ type: 'query-result', id: m.id, ...runStoreQuery(view, m.method, m.args) });
    }
  });
  if (init.syncQuery !== undefined) {
    const timestamped = (n: string): boolean => (topology.stores().get(n)?.factory as { timestamped?: boolean } | undefined)?.timestamped === true;
    serveSyncQueries(init.syncQuery, (request, state) =>
      localPartitionResults({ state, timestamped, taskManager: thread.taskManager, threadName: init.threadName }, fromWireRequest(request)).map(([p, r]) => toWireResult(p, r)),
    );
  }
  globals.start();
}
