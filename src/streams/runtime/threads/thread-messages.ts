/*
 * The messages between KafkaStreams (main thread) and a worker stream thread. Everything crosses
 * by structured clone, so only data travels: the topology is rebuilt in the worker from its module
 * (topology-module.ts), and the config's code fields (serdes, handlers, logger) stay behind.
 *
 * Protocol of one worker (numbered phases):
 *   1 spawn      main creates the Worker with a WorkerInit as workerData
 *   2 run        worker → main: 'running' / 'retry' / 'log' as the thread's state moves, and 'stats'
 *                (counters, tasks, host map, metrics) every STATS_INTERVAL_MS and on every change
 *                of its tasks; main → worker: 'query' (answered by 'query-result'), 'resize-cache'
 *                (answered by 'cache-resized' once the thread applied it between two iterations)
 *   3a stop      main → worker 'stop': the thread commits, closes its tasks, leaves the group,
 *                sends a last 'stats' and 'stopped'; main then terminates the Worker
 *   3b fail      worker → main 'fatal' after the thread closed its tasks without committing;
 *                main asks its uncaught-exception handler (REPLACE_THREAD starts a new Worker
 *                with the same thread index) and terminates this one
 *   3c crash     the Worker exits without 'stopped' or 'fatal' (process.exit, OOM in the
 *                worker): main treats it as 3b with an error naming the exit code
 *   3d global    worker → main 'global-fatal': the worker's replica of the global stores failed
 *                (worker-global-stores.ts); main handles it as a failure of the global thread
 */
import type { SyncQueryEnd } from './sync-query-channel.ts';
import type { KafkaMetric } from '../../../metrics/metric-registry.ts';
import type { TopicPartition } from '../client-port.ts';
import type { StreamsConfig } from '../streams-config.ts';

/** How often a worker reports its counters and metrics. */
export const STATS_INTERVAL_MS = 250;

/** StreamsConfig without its code fields (they come from the topology module in the worker). */
export type CloneableStreamsConfig = Omit<StreamsConfig, 'defaultKeySerde' | 'defaultValueSerde' | 'deserializationHandler' | 'logger'>;

export interface WorkerInit {
  readonly moduleHref: string;
  readonly config: CloneableStreamsConfig;
  readonly bootstrapServers: readonly string[];
  readonly processId: string;
  /** Kafka's thread index: 2..N for workers (1 is the main thread's). */
  readonly threadIndex: number;
  readonly clientId: string;
  readonly threadName: string;
  /** This thread's share of cacheMaxBytes. */
  readonly cacheMaxBytes: number;
  /** SHUTDOWN_APPLICATION: join asking every instance to stop (KIP-671). */
  readonly requestShutdown: boolean;
  /** The worker's end of the synchronous IQv2 query channel (sync-query-channel.ts), transferred at spawn. */
  readonly syncQuery?: SyncQueryEnd | undefined;
  /** The client supplier module (client-supplier.ts) the worker builds its clients with; absent: the built-in clients. */
  readonly clientSupplierHref?: string | undefined;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
}

export type HostMapEntries = Array<[string, { active: TopicPartition[]; standby: TopicPartition[] }]>;

export interface WorkerStats {
  readonly processed: number;
  readonly restored: number;
  readonly active: string[];
  readonly standby: string[];
  readonly hostMap: HostMapEntries;
  readonly metrics: KafkaMetric[];
}

export type ToWorker =
  | { readonly type: 'stop' }
  | { readonly type: 'query'; readonly id: number; readonly store: string; readonly kind: string; readonly method: string; readonly args: unknown[] }
  /** Kafka's resizeThreadCache after a thread was added or removed: answered by 'cache-resized'. */
  | { readonly type: 'resize-cache'; readonly maxBytes: number };

export type QueryOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SerializedError };

export type FromWorker =
  | { readonly type: 'running'; readonly running: boolean }
  | { readonly type: 'retry'; readonly message: string; readonly backoffMs: number }
  | { readonly type: 'fatal'; readonly error: SerializedError }
  | { readonly type: 'shutdown-requested' }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly type: 'stats'; readonly stats: WorkerStats }
  | ({ readonly type: 'query-result'; readonly id: number } & QueryOutcome)
  | { readonly type: 'stopped' }
  /** The worker's replica of the global stores failed (worker-global-stores.ts): the global thread's failure, not this stream thread's. */
  | { readonly type: 'global-fatal'; readonly error: SerializedError }
  /** The thread's record cache now has this budget (after 'resize-cache'). */
  | { readonly type: 'cache-resized'; readonly maxBytes: number };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/** An Error in this thread standing for one thrown in another (name, message and stack kept). */
export function deserializeError(s: SerializedError): Error {
  const e = new Error(s.message);
  e.name = s.name;
  if (s.stack !== undefined) e.stack = s.stack;
  return e;
}
