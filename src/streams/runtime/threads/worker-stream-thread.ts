/*
 * The main thread's handle on one worker stream thread (protocol: thread-messages.ts). It keeps
 * the worker's latest stats (counters, tasks, host map, metrics) for the synchronous accessors of
 * KafkaStreams, relays its events, and answers store queries by message.
 *
 * Life: start() spawns; exactly one of the events onFatal (3b, 3c, 3d) or the resolution of stop()
 * (3a) ends it; after either the Worker is terminated and its task locks released, so a
 * replacement thread can open the tasks at once.
 */
import type { Worker } from 'node:worker_threads';
import type { KafkaMetric } from '../../../metrics/metric-registry.ts';
import type { Logger } from '../../../logging/logger.ts';
import type { HostMap } from '../stream-thread.ts';
import { taskLockOwner, type StateDirectory } from '../state-directory.ts';
import { spawnWorkerThread } from './spawn-worker.ts';
import { SyncQueryChannel, type SyncQueryable } from './sync-query-channel.ts';
import type { WireRequest, WireResult } from '../../iq/v2/query-wire.ts';
import type { StreamsState } from '../streams-state.ts';
import { deserializeError, type FromWorker, type QueryOutcome, type ToWorker, type WorkerInit, type WorkerStats } from './thread-messages.ts';

export interface WorkerThreadEvents {
  onRunning(running: boolean): void;
  onRetry(message: string, backoffMs: number): void;
  /** The thread failed (its tasks are closed) or the worker died; `global`: its replica of the global stores failed (3d). */
  onFatal(error: Error, global: boolean): void;
  onShutdownRequested(): void;
}

const NO_STATS: WorkerStats = { processed: 0, restored: 0, active: [], standby: [], hostMap: [], metrics: [] };

export class WorkerStreamThread implements SyncQueryable {
  readonly threadIndex: number;
  readonly name: string;
  readonly #init: WorkerInit;
  readonly #logger: Logger;
  readonly #stateDir: StateDirectory;
  readonly #events: WorkerThreadEvents;
  #worker: Worker | undefined;
  #stats: WorkerStats = NO_STATS;
  #hostMap: HostMap = new Map();
  #ended = false;
  #stopped: (() => void) | undefined;
  #nextQuery = 0;
  #cacheMaxBytes: number;
  readonly #queries = new Map<number, (o: QueryOutcome) => void>();
  /** KafkaStreams.query()'s channel to this worker (one per spawned worker). */
  #sync: SyncQueryChannel | undefined;

  constructor(init: WorkerInit, stateDir: StateDirectory, logger: Logger, events: WorkerThreadEvents) {
    this.threadIndex = init.threadIndex;
    this.name = init.threadName;
    this.#init = init;
    this.#stateDir = stateDir;
    this.#logger = logger.child({ thread: init.threadName });
    this.#events = events;
    this.#cacheMaxBytes = init.cacheMaxBytes;
  }

  /** The thread's record cache budget, as the worker last confirmed it. */
  get cacheMaxBytes(): number {
    return this.#cacheMaxBytes;
  }

  /** Kafka's StreamThread.resizeCache, by message; cacheMaxBytes follows once the worker applied it. */
  resizeCache(maxBytes: number): void {
    if (!this.#ended) this.#post({ type: 'resize-cache', maxBytes });
  }

  get processedTotal(): number {
    return this.#stats.processed;
  }
  get restoredTotal(): number {
    return this.#stats.restored;
  }
  get activeTaskIds(): readonly string[] {
    return this.#stats.active;
  }
  get standbyTaskIds(): readonly string[] {
    return this.#stats.standby;
  }
  get hostMap(): HostMap {
    return this.#hostMap;
  }
  get metrics(): readonly KafkaMetric[] {
    return this.#stats.metrics;
  }

  start(): void {
    this.#sync = new SyncQueryChannel();
    const worker = spawnWorkerThread({ ...this.#init, syncQuery: this.#sync.workerEnd });
    this.#worker = worker;
    worker.on('message', (m: FromWorker) => this.#onMessage(m));
    worker.on('error', (e) => this.#fail(e));
    worker.on('exit', (code) => this.#fail(new Error(`stream thread ${this.name} exited unexpectedly (worker exit code ${code})`)));
  }

  /** Phase 3a: commit, close tasks, leave the group; resolves once the worker is gone. */
  async stop(): Promise<void> {
    if (this.#ended || this.#worker === undefined) return this.#terminate();
    const stopped = new Promise<void>((resolve) => (this.#stopped = resolve));
    this.#post({ type: 'stop' });
    await stopped;
    await this.#terminate();
  }

  /** Runs a view method on this thread's tasks (cross-thread-store.ts). */
  query(store: string, kind: string, method: string, args: unknown[]): Promise<QueryOutcome> {
    if (this.#ended) return Promise.resolve({ ok: false, error: { name: 'InvalidStateStoreError', message: `stream thread ${this.name} has ended` } });
    const id = this.#nextQuery++;
    return new Promise((resolve) => {
      this.#queries.set(id, resolve);
      try {
        this.#post({ type: 'query', id, store, kind, method, args });
      } catch (e) {
        // Arguments that cannot be copied to a worker (functions, class instances with private state).
        this.#queries.delete(id);
        resolve({ ok: false, error: { name: 'TypeError', message: `query arguments cannot be sent to a stream thread: ${e instanceof Error ? e.message : String(e)}` } });
      }
    });
  }

  /** IQv2 step 1 (sync-query-channel.ts); undefined when the thread has ended. */
  postStateQuery(request: WireRequest, state: StreamsState): number | undefined {
    if (this.#ended || this.#sync === undefined) return undefined;
    return this.#sync.post(request, state);
  }

  /** IQv2 steps 3–4: blocks until the worker answers `id` or `deadline` passes (undefined). */
  awaitStateQuery(id: number, deadline: number): WireResult[] | undefined {
    return this.#sync?.await(id, deadline);
  }

  #post(m: ToWorker): void {
    this.#worker?.postMessage(m);
  }

  #onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'running':
        if (!this.#ended) this.#events.onRunning(m.running);
        return;
      case 'retry':
        if (!this.#ended) this.#events.onRetry(m.message, m.backoffMs);
        return;
      case 'log':
        this.#logger[m.level](m.message);
        return;
      case 'stats':
        this.#stats = m.stats;
        this.#hostMap = new Map(m.stats.hostMap);
        return;
      case 'query-result': {
        const resolve = this.#queries.get(m.id);
        this.#queries.delete(m.id);
        resolve?.(m);
        return;
      }
      case 'shutdown-requested':
        if (!this.#ended) this.#events.onShutdownRequested();
        return;
      case 'stopped':
        this.#ended = true;
        this.#stopped?.();
        return;
      case 'fatal':
        this.#fail(deserializeError(m.error));
        return;
      case 'cache-resized':
        this.#cacheMaxBytes = m.maxBytes;
        return;
      case 'global-fatal':
        this.#fail(deserializeError(m.error), true);
        return;
    }
  }

  /** Phases 3b/3c: once, unless the thread was stopped on purpose. */
  #fail(error: Error, global = false): void {
    if (this.#stopped !== undefined && !this.#ended) {
      // Died while stopping: nothing left to stop.
      this.#logger.warn(`stopped with an error: ${error.message}`);
      this.#ended = true;
      this.#stopped();
      return;
    }
    if (this.#ended) return;
    this.#ended = true;
    void this.#terminate().then(() => this.#events.onFatal(error, global));
  }

  async #terminate(): Promise<void> {
    this.#ended = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#sync?.close();
    this.#sync = undefined;
    for (const resolve of this.#queries.values()) resolve({ ok: false, error: { name: 'InvalidStateStoreError', message: `stream thread ${this.name} has ended` } });
    this.#queries.clear();
    if (worker !== undefined) {
      const threadId = worker.threadId;
      worker.removeAllListeners('exit');
      worker.removeAllListeners('error');
      await worker.terminate().catch(() => 0);
      this.#stateDir.releaseTaskLocksOf(taskLockOwner(threadId));
    }
  }
}
