/*
 * The worker stream threads of one KafkaStreams instance (threads 2..N; thread 1 runs on the main
 * thread): starting one with a thread index, stopping one or all, and what KafkaStreams reads
 * across them (processed and restored counts including ended threads, tasks, host map, metrics).
 * Decisions (replace, shut down) stay in KafkaStreams; this only keeps the set.
 */
import type { Logger } from '../../../logging/logger.ts';
import type { KafkaMetric } from '../../../metrics/metric-registry.ts';
import type { StateDirectory } from '../state-directory.ts';
import type { HostMap } from '../stream-thread.ts';
import type { StreamsConfig } from '../streams-config.ts';
import { CODE_CONFIG_FIELDS } from './topology-module.ts';
import type { CloneableStreamsConfig, WorkerInit } from './thread-messages.ts';
import { WorkerStreamThread, type WorkerThreadEvents } from './worker-stream-thread.ts';

export interface WorkerThreadsContext {
  readonly config: StreamsConfig;
  readonly moduleHref: string;
  /** The client supplier module every worker imports for its clients (client-supplier.ts), if any. */
  readonly clientSupplierHref?: string | undefined;
  readonly stateDir: StateDirectory;
  readonly logger: Logger;
}

export interface StartWorkerOptions {
  readonly threadIndex: number;
  readonly clientId: string;
  readonly threadName: string;
  readonly bootstrapServers: readonly string[];
  readonly cacheMaxBytes: number;
  readonly requestShutdown?: boolean;
  readonly events: (thread: WorkerStreamThread) => WorkerThreadEvents;
}

export class WorkerThreads {
  readonly #context: WorkerThreadsContext;
  readonly #config: CloneableStreamsConfig;
  readonly #live = new Map<number, WorkerStreamThread>();
  #processedByEnded = 0;
  #restoredByEnded = 0;

  constructor(context: WorkerThreadsContext) {
    this.#context = context;
    const copy: Record<string, unknown> = { ...context.config };
    for (const f of [...CODE_CONFIG_FIELDS, 'logger']) delete copy[f];
    this.#config = copy as unknown as CloneableStreamsConfig;
  }

  get moduleHref(): string {
    return this.#context.moduleHref;
  }

  get size(): number {
    return this.#live.size;
  }

  all(): WorkerStreamThread[] {
    return [...this.#live.values()];
  }

  /** The live worker with the highest index (removeStreamThread takes it first). */
  last(): WorkerStreamThread | undefined {
    let best: WorkerStreamThread | undefined;
    for (const w of this.#live.values()) if (best === undefined || w.threadIndex > best.threadIndex) best = w;
    return best;
  }

  start(options: StartWorkerOptions): WorkerStreamThread {
    const init: WorkerInit = {
      moduleHref: this.#context.moduleHref,
      config: this.#config,
      bootstrapServers: options.bootstrapServers,
      processId: this.#context.stateDir.processId(),
      threadIndex: options.threadIndex,
      clientId: options.clientId,
      threadName: options.threadName,
      cacheMaxBytes: options.cacheMaxBytes,
      requestShutdown: options.requestShutdown === true,
      clientSupplierHref: this.#context.clientSupplierHref,
    };
    let thread: WorkerStreamThread | undefined;
    const events: WorkerThreadEvents = {
      onRunning: (r) => thread !== undefined && this.#live.get(thread.threadIndex) === thread && options.events(thread).onRunning(r),
      onRetry: (m, b) => thread !== undefined && options.events(thread).onRetry(m, b),
      onFatal: (e, global) => thread !== undefined && options.events(thread).onFatal(e, global),
      onShutdownRequested: () => thread !== undefined && options.events(thread).onShutdownRequested(),
    };
    thread = new WorkerStreamThread(init, this.#context.stateDir, this.#context.logger, events);
    this.#live.set(options.threadIndex, thread);
    thread.start();
    return thread;
  }

  /** Forgets a thread that failed (its counts are kept in the totals). */
  ended(thread: WorkerStreamThread): void {
    if (this.#live.get(thread.threadIndex) !== thread) return;
    this.#live.delete(thread.threadIndex);
    this.#processedByEnded += thread.processedTotal;
    this.#restoredByEnded += thread.restoredTotal;
  }

  /** Stops one thread cleanly (commit, close tasks, leave the group). */
  async stop(thread: WorkerStreamThread): Promise<void> {
    await thread.stop();
    this.ended(thread);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((t) => this.stop(t)));
  }

  get processedTotal(): number {
    let n = this.#processedByEnded;
    for (const t of this.#live.values()) n += t.processedTotal;
    return n;
  }

  get restoredTotal(): number {
    let n = this.#restoredByEnded;
    for (const t of this.#live.values()) n += t.restoredTotal;
    return n;
  }

  metrics(): KafkaMetric[] {
    return this.all().flatMap((t) => t.metrics);
  }

  /** The latest assignment's host map any worker has (every member receives the whole map). */
  hostMap(): HostMap | undefined {
    for (const t of this.#live.values()) if (t.hostMap.size > 0) return t.hostMap;
    return undefined;
  }
}
