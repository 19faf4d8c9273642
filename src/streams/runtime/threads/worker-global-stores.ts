/*
 * A worker stream thread's replica of the instance's global stores (GlobalKTable,
 * Topology.addGlobalStore).
 *
 * Why a replica: Kafka Streams has one global thread per instance whose stores every stream
 * thread reads in place. A worker_threads Worker cannot read the main thread's objects, and a
 * stream task reads its global stores synchronously in the middle of processing a record (a
 * GlobalKTable join looks the key up per record), so a message round trip per lookup is not an
 * option. Each worker therefore keeps its own copy, fed by its own group-less consumer through
 * the same GlobalStreamThread code the main thread runs, and its stream thread starts only once
 * that copy is bootstrapped — Kafka's start order (global stores complete before any task
 * processes), per thread.
 *
 * Layout: `<stateDir>/<applicationId>/global-<threadIndex>/` holds the replica's persistent
 * stores and its `.checkpoint`, apart from the main thread's `global/`: two LevelDB handles on one
 * directory would fail, and each replica's checkpoint says how far that replica got. A thread
 * index is live in at most one worker at a time, so a replaced or re-added thread with the same
 * index reopens the directory and reads only what its topics gained since its checkpoint.
 *
 * Cost: memory (in-memory global stores) or disk (persistent ones) × live stream threads, one more
 * consumer connection per worker, and each worker reads the global topics itself.
 *
 * Failure: a global processing error is the global thread's failure (Kafka cannot replace it), so
 * it is reported as `onFatal` for KafkaStreams to handle as the main global thread's.
 */
import type { StateStore } from '../../state/store-types.ts';
import type { StreamsLogger } from '../../task/internal-context.ts';
import type { TaskConfig } from '../../task/stream-task.ts';
import type { Topology } from '../../topology/topology.ts';
import type { RuntimeDeps } from '../client-port.ts';
import { GlobalStateManager } from '../global/global-state-manager.ts';
import { GlobalStreamThread } from '../global/global-stream-thread.ts';
import type { StreamsConfig } from '../streams-config.ts';

/** The directory (under the application directory) of worker `threadIndex`'s global replica. */
export function globalReplicaDirName(threadIndex: number): string {
  return `global-${threadIndex}`;
}

export interface WorkerGlobalEvents {
  /** The replica is complete: the stream thread may start. Called at once without global stores. */
  onReady(): void;
  onRetry(error: Error, backoffMs: number): void;
  onFatal(error: Error): void;
}

export class WorkerGlobalStores {
  readonly #manager: GlobalStateManager | undefined;
  readonly #thread: GlobalStreamThread | undefined;
  readonly #events: WorkerGlobalEvents;

  constructor(topology: Topology, config: StreamsConfig, taskConfig: TaskConfig, deps: RuntimeDeps, appDir: string, threadIndex: number, logger: StreamsLogger, events: WorkerGlobalEvents) {
    this.#events = events;
    if (topology.globalSubtopologies().length === 0) return;
    const globalDeps = deps.global?.();
    if (globalDeps === undefined) throw new Error('The runtime clients have no global() clients, which a topology with global stores needs.');
    this.#manager = new GlobalStateManager(topology, taskConfig, appDir, globalReplicaDirName(threadIndex));
    this.#thread = new GlobalStreamThread(config, globalDeps, this.#manager, logger, { onBootstrapped: () => events.onReady(), onRetry: events.onRetry, onFatal: events.onFatal });
  }

  /** A global store of this replica, once bootstrapped (stream tasks' getStateStore falls back here). */
  store(name: string): StateStore | undefined {
    return this.#thread?.bootstrapped === true ? this.#manager?.store(name) : undefined;
  }

  /** Global records this replica read while bootstrapping. */
  get bootstrapRecords(): number {
    return this.#thread?.bootstrapRecords ?? 0;
  }

  start(): void {
    if (this.#thread === undefined) this.#events.onReady();
    else this.#thread.start();
  }

  /** Ends the replica's loop, then flushes, checkpoints and closes its stores. */
  async stop(): Promise<void> {
    await this.#thread?.stop();
  }
}
