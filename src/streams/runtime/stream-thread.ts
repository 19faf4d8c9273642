/*
 * StreamThread: one processing loop of an instance (thread 1 on the main thread, more on workers: threads/).
 * It owns the clients (producer, group consumer, restore consumer, admin) and the TaskManager.
 *
 * Main loop (one turn; never awaits per record):
 *   1 poll: up to pollMs for records of the assigned partitions → TaskManager.addRecords
 *   2 process: up to maxRecordsPerIteration records, synchronously, round-robin over tasks
 *   3 dispatch: hand the records produced in 2 to the producer (not awaited)
 *   4 punctuate: wall-clock punctuators (stream-time ones fire inside process())
 *   5 commit every commitIntervalMs (TaskManager.commit: the numbered procedure)
 *   6 yield to the event loop when a full batch was processed (timers, heartbeats, I/O); when
 *     nothing moved but async operators have calls in flight, wait for one to finish (≤ pollMs);
 *     while the producer's send buffer is full (bufferMemory), wait for room instead
 * Async operators' backpressure: a saturated task takes no input (StreamTask.process), and while
 * a full batch is buffered the loop polls for no records (poll(0, 0) still runs rebalances); the
 * consumer then stops fetching at its own buffer limit.
 *
 * Rebalances (the client calls these hooks; the loop and the hooks never overlap — every piece of
 * work on tasks runs through #exclusive):
 *   beforeRevoke(partitions)  commit all tasks (flush + offsets), then close the revoked ones:
 *                             their state is on disk and in the changelog before they move
 *                             (eager: every partition, and the tasks close in onAssigned unless
 *                             given back; cooperative: only the moving ones, closed right here,
 *                             after SyncGroup and before the member rejoins to release them — so
 *                             under exactly_once_v2 their transaction commits first)
 *   onAssigned(assignment)    decode the assignment (active/standby tasks, host map), create and
 *                             restore the new tasks (state REBALANCING while restoring), RUNNING
 * Cooperative (KIP-429, the default): tasks that stay keep processing through the rebalance;
 * periodic commits pause while the member's JoinGroup is out (the generation is changing).
 *
 * Faults: an error from the clients (broker down, connection lost) stops the loop; the thread
 * closes its tasks WITHOUT committing (uncommitted input is reprocessed), reports REBALANCING and
 * reconnects after a backoff that doubles up to retryBackoffMaxMs — never a tight crash loop.
 *
 * exactly_once_v2 (Kafka Streams' EOS v2, KIP-447): the thread's producer is transactional, with
 * the transactional id "<applicationId>-<processId>-<threadIndex>" (Kafka's ActiveTaskCreator uses
 * "<applicationId>-<processId>-<threadIdx>"; the process id is persisted in the state directory,
 * so a restarted instance fences its predecessor's open transaction at once). A commit is "flush,
 * send the input offsets in the transaction (with the group generation, which fences zombies),
 * commit the transaction" (record-collector.ts). Any failure of that — a fenced producer, a
 * generation that moved on, a failed send — ends the session like a client error: the tasks are
 * closed dirty (uncommitted store writes are dropped, see leveldb-key-value-store.ts), the
 * transaction is aborted by the coordinator when the next producer with the same id starts, and
 * the tasks are revived from their stores' committed changelog offsets, restoring
 * read_committed. A store's on-disk state only ever moves at step 5, after its transaction
 * committed, so it is never ahead of the committed changelog and needs no wipe.
 * Clients retry a lost connection silently while idle, so after a session timeout without records
 * the loop probes the cluster (one ListOffsets, bounded by the session timeout) to notice.
 * An error from processing (a processor threw, logAndFail) is fatal for the thread and goes to
 * KafkaStreams' uncaught-exception handler.
 */
import { withWarmTaskDirectories } from './task-checkpoint.ts';
import { resizeThreadCache, threadCacheBudget } from '../state/cache/thread-cache.ts';
import { DeserializationFailedError } from '../errors/deserialization-handler.ts';
import { StreamsProcessingError } from '../errors/processing-error.ts';
import type { TaskConfig } from '../task/stream-task.ts';
import type { Topology } from '../topology/topology.ts';
import { TopologyError } from '../topology/topology.ts';
import { AssignorError } from './assignor/assignor-error.ts';
import { ChangelogRestorer, DEFAULT_RESTORE_CHUNKING } from './changelog-restorer.ts';
import { isUnrecoverable } from '../../client/errors.ts';
import type { PortAdmin, PortAssignment, PortGroupConsumer, RuntimeDeps, TopicPartition } from './client-port.ts';
import { RuntimeRecordCollector } from './record-collector.ts';
import { runSessionsWithRetries, WakeableSleep } from './session-retry.ts';
import type { StateDirectory } from './state-directory.ts';
import type { StreamsConfig } from './streams-config.ts';
import { OffsetCommitFailedError, TaskManager, type CommitSink } from './task-manager.ts';
import { performance } from 'node:perf_hooks';

const DISCONNECT_TIMEOUT_MS = 5000;
const COMMIT_WARNING_INTERVAL_MS = 5000;

/** `p`, or a rejection after `ms` saying `what` timed out. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (no answer within ${ms} ms)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** "host:port" → what it owns, from the latest assignment. */
export type HostMap = NonNullable<PortAssignment['hostMap']>;

export interface ThreadEvents {
  /** Rebalancing / restoring / reconnecting (false) vs processing (true). */
  onRunning(running: boolean): void;
  /** A fatal processing error: the thread stopped. */
  onFatal(error: Error): void;
  /** A retriable client error; the thread retries after `backoffMs`. */
  onRetry(error: Error, backoffMs: number): void;
  /** The group leader answered SHUTDOWN_REQUESTED (KIP-671): this instance must stop (its tasks are closed). */
  onShutdownRequested?(): void;
}

/** Errors that retrying cannot fix: they end the thread. */
export function isFatal(e: unknown): boolean {
  if (e instanceof StreamsProcessingError || e instanceof DeserializationFailedError || e instanceof TopologyError || isUnrecoverable(e)) return true;
  // The record collector wraps a failed send (commit step 3): an output topic missing after
  // maxBlockMs is as unrecoverable wrapped as bare.
  if (e instanceof Error && isUnrecoverable(e.cause)) return true;
  return (e as { fatal?: unknown }).fatal === true;
}

export class StreamThread {
  readonly #topology: Topology;
  readonly #config: StreamsConfig;
  readonly #taskConfig: TaskConfig;
  readonly #deps: RuntimeDeps;
  readonly #stateDir: StateDirectory;
  readonly #events: ThreadEvents;
  #tasks: TaskManager | undefined;
  #restorer: ChangelogRestorer | undefined;
  #hostMap: HostMap = new Map();
  #lock: Promise<unknown> = Promise.resolve();
  #stopping = false;
  #loop: Promise<void> | undefined;
  readonly #sleeper = new WakeableSleep();
  #lastCommit = Date.now();
  #lastCommitWarning = 0;
  #processed = 0;
  /** AssignorError code sent in the subscription: SHUTDOWN_REQUESTED after requestApplicationShutdown(). */
  #errorCode: number = AssignorError.NONE;

  /** `threadIndex`: Kafka's thread index (1..N), in the transactional id and the static member id. */
  constructor(topology: Topology, config: StreamsConfig, taskConfig: TaskConfig, deps: RuntimeDeps, stateDir: StateDirectory, events: ThreadEvents, readonly threadIndex: number = 1) {
    this.#topology = topology;
    this.#config = config;
    this.#taskConfig = taskConfig;
    this.#deps = deps;
    this.#stateDir = stateDir;
    this.#events = events;
  }

  get processedTotal(): number {
    return this.#processed;
  }

  get restoredTotal(): number {
    return this.#restorer?.restoredRecords ?? 0;
  }

  get taskManager(): TaskManager | undefined {
    return this.#tasks;
  }

  get hostMap(): HostMap {
    return this.#hostMap;
  }

  start(): void {
    this.#loop ??= this.#runWithRetries();
  }

  /**
   * Kafka's StreamThread.resizeCache: the thread's record cache gets `maxBytes`, applied between
   * two iterations of the loop (shrinking evicts, and evicting a dirty entry forwards it).
   */
  resizeCache(maxBytes: number): Promise<void> {
    return this.#exclusive(async () => resizeThreadCache(this.#taskConfig, maxBytes));
  }

  /** This thread's record cache budget (0: caching off). */
  get cacheMaxBytes(): number {
    return threadCacheBudget(this.#taskConfig, this.#taskConfig.cacheMaxBytes);
  }

  /** SHUTDOWN_APPLICATION: join the group asking the leader to stop every instance (call before start()). */
  requestApplicationShutdown(): void {
    this.#errorCode = AssignorError.SHUTDOWN_REQUESTED;
  }

  /** Stops the loop: commits and closes tasks (clean), leaves the group, disconnects. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#sleeper.wake();
    await this.#loop;
  }

  #runWithRetries(): Promise<void> {
    return runSessionsWithRetries(this.#config, () => this.#stopping, (onConnected) => this.#session(onConnected), isFatal, this.#sleeper, this.#events);
  }

  /** One connected session: connect, join, loop until stopped or a client error. */
  async #session(onConnected: () => void): Promise<void> {
    const admin = this.#deps.admin();
    const exactlyOnce = this.#config.processingGuarantee === 'exactly_once_v2';
    const producer = this.#deps.producer(exactlyOnce ? { transactionalId: `${this.#config.applicationId}-${this.#stateDir.processId()}-${this.threadIndex}`, offsetsGroupId: this.#config.applicationId } : {});
    const restoreConsumer = this.#deps.assignedConsumer();
    let consumer: PortGroupConsumer | undefined;
    let clean = false;
    try {
      await admin.connect();
      await this.#deps.ensureInternalTopics();
      await producer.connect();
      await restoreConsumer.connect();
      const collector = new RuntimeRecordCollector(producer, this.#changelogTopicSet(), { exactlyOnce });
      this.#restorer = new ChangelogRestorer(admin, restoreConsumer, this.#taskConfig.logger, DEFAULT_RESTORE_CHUNKING, this.#taskConfig.metrics?.restore);
      const tasks = new TaskManager(this.#topology, this.#taskConfig, collector, this.#restorer, this.#stateDir);
      this.#tasks = tasks;
      this.#taskConfig.metrics?.setPositions(() => tasks.activeTasks().flatMap((t) => t.consumedOffsets()));
      const sink: CommitSink = exactlyOnce
        ? { exactlyOnce, commitOffsets: (offsets) => collector.commitTransaction(offsets, consumer!.groupMetadata()), purge: (offsets) => admin.deleteRecords(offsets) }
        : { commitOffsets: (offsets) => consumer!.commitOffsets(offsets), purge: (offsets) => admin.deleteRecords(offsets) };
      const group = consumer = this.#deps.groupConsumer({
        groupId: this.#config.applicationId,
        topics: tasks.sourceTopics(),
        sessionTimeoutMs: this.#config.sessionTimeoutMs,
        heartbeatIntervalMs: this.#config.heartbeatIntervalMs,
        rebalanceTimeoutMs: this.#config.rebalanceTimeoutMs,
        // Kafka Streams' StreamThread: <group.instance.id>-<thread index>.
        groupInstanceId: this.#config.groupInstanceId === undefined ? undefined : `${this.#config.groupInstanceId}-${this.threadIndex}`,
        subscriptionInfo: () => ({ activeTasks: tasks.activeTaskIds(), standbyTasks: tasks.standbyTaskIds(), taskOffsets: withWarmTaskDirectories(tasks.changelogOffsets(), this.#stateDir), errorCode: this.#errorCode }),
        beforeRevoke: (partitions) => this.#exclusive(() => this.#onRevoke(tasks, sink, partitions)),
        onAssigned: (assignment) => this.#exclusive(() => this.#onAssigned(tasks, assignment)),
      });
      if (group.committed !== undefined) tasks.readCommittedWith((tps) => group.committed!(tps));
      await group.connect();
      onConnected();
      await this.#mainLoop(tasks, group, sink, collector, admin);
      // Stopping: commit what was processed, then close.
      await this.#exclusive(async () => {
        if (tasks.activeTasks().length > 0) {
          await tasks.settleAsync();
          await tasks.commit(sink);
        }
        await tasks.closeAll();
      });
      clean = true;
    } finally {
      if (!clean) await this.#tasks?.closeAll().catch(() => {});
      this.#tasks = undefined;
      // Disconnecting from a broker that is gone can wait on client retries: bound it.
      const bounded = (p: Promise<void>) => withTimeout(p.catch(() => {}), DISCONNECT_TIMEOUT_MS, 'disconnect').catch(() => {});
      await bounded(consumer?.disconnect() ?? Promise.resolve());
      await Promise.all([bounded(restoreConsumer.disconnect()), bounded(producer.disconnect()), bounded(admin.disconnect())]);
    }
  }

  async #mainLoop(tasks: TaskManager, consumer: PortGroupConsumer, sink: CommitSink, collector: RuntimeRecordCollector, admin: PortAdmin): Promise<void> {
    const max = this.#config.maxRecordsPerIteration;
    const metrics = this.#taskConfig.metrics;
    let lastSign = Date.now();
    while (!this.#stopping) {
      // 1 poll (shorter when records are still buffered)
      const polledAt = performance.now();
      const buffered = tasks.numBuffered();
      const inFlight = tasks.asyncInFlight();
      const batches = await consumer.poll(buffered >= max && inFlight > 0 ? 0 : max, buffered > 0 || inFlight > 0 ? 0 : this.#config.pollMs);
      metrics?.polled(performance.now() - polledAt, batches);
      if (batches.length > 0) lastSign = Date.now();
      else if (Date.now() - lastSign >= this.#config.sessionTimeoutMs) {
        // Idle for a session timeout: the client may be retrying a lost broker silently. Probe it,
        // so a broker that went away ends the session (REBALANCING, reconnect with backoff).
        await this.#probe(tasks, admin);
        lastSign = Date.now();
      }
      let idle = false;
      await this.#exclusive(async () => {
        for (const b of batches) tasks.addRecords(b.topic, b.partition, b.records);
        // 2 process
        const processAt = performance.now();
        const n = tasks.process(max);
        idle = n === 0;
        this.#processed += n;
        metrics?.process.recordMany(n, performance.now() - processAt);
        // 3 dispatch
        collector.dispatch();
        // 4 punctuate
        const punctuateAt = performance.now();
        if (tasks.punctuate() > 0) metrics?.punctuate.record(performance.now() - punctuateAt);
        collector.dispatch();
        // 5 commit
        if (Date.now() - this.#lastCommit >= this.#config.commitIntervalMs && consumer.rebalanceInProgress?.() !== true) {
          const commitAt = performance.now();
          await this.#commit(tasks, sink);
          metrics?.commit.record(performance.now() - commitAt);
          this.#lastCommit = Date.now();
        }
      });
      // 6 let timers and I/O run (or wait for an async call when that is all there is to do);
      //   while the producer's send buffer is full, wait for room first (record-collector.ts)
      const room = collector.waitForRoom();
      if (room !== undefined) await room;
      else if (idle && tasks.asyncInFlight() > 0) await tasks.asyncProgress(this.#config.pollMs);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Asks the cluster for the end offset of one input partition, within a session timeout. */
  async #probe(tasks: TaskManager, admin: PortAdmin): Promise<void> {
    const topic = tasks.sourceTopics()[0];
    if (topic === undefined) return;
    await withTimeout(admin.listOffsets([{ topic, partition: 0 }], 'latest'), this.#config.sessionTimeoutMs, `the cluster did not answer a ListOffsets for ${topic}-0`);
  }

  async #onRevoke(tasks: TaskManager, sink: CommitSink, partitions: readonly TopicPartition[]): Promise<void> {
    this.#events.onRunning(false);
    // Process what is buffered first: the next owner (maybe us) resumes from the committed offset.
    let n: number;
    do {
      n = tasks.process(this.#config.maxRecordsPerIteration);
      this.#processed += n;
    } while (n > 0);
    tasks.punctuate();
    // Async work in flight completes (or is dropped after its worst case, and stays uncommitted).
    await tasks.settleAsync();
    await this.#commit(tasks, sink);
    this.#lastCommit = Date.now();
    if (this.#config.rebalanceProtocol === 'cooperative') await tasks.closeTasksOf(partitions);
  }

  async #onAssigned(tasks: TaskManager, assignment: PortAssignment): Promise<void> {
    if (assignment.errorCode === AssignorError.SHUTDOWN_REQUESTED) {
      // Tasks were committed in beforeRevoke; close them and let the instance stop.
      await tasks.reconcile([], []);
      this.#events.onShutdownRequested?.();
      return;
    }
    this.#events.onRunning(false);
    const active = new Set<string>(assignment.activeTasks ?? []);
    for (const { topic, partition } of assignment.partitions) {
      const id = tasks.taskIdFor(topic, partition);
      if (id !== undefined) active.add(`${id.subtopology}_${id.partition}`);
    }
    this.#hostMap = assignment.hostMap ?? new Map();
    this.#taskConfig.metrics?.forgetPartitions();
    tasks.resetCommitted();
    await tasks.reconcile([...active], assignment.standbyTasks ?? []);
    this.#lastCommit = Date.now();
    this.#events.onRunning(true);
  }

  /** Commits; a failed offset commit (a rebalance under way) is logged, not a session failure. */
  async #commit(tasks: TaskManager, sink: CommitSink): Promise<void> {
    try {
      await tasks.commit(sink);
    } catch (e) {
      if (!(e instanceof OffsetCommitFailedError)) throw e;
      // One warning per interval while commits keep failing (the loop retries every commitIntervalMs).
      if (Date.now() - this.#lastCommitWarning >= COMMIT_WARNING_INTERVAL_MS) {
        this.#lastCommitWarning = Date.now();
        this.#taskConfig.logger.warn(`[streams ${this.#config.applicationId}] ${e.message}`);
      }
    }
  }

  #changelogTopicSet(): Set<string> {
    const set = new Set<string>();
    for (const sub of this.#topology.subtopologies()) {
      for (const store of sub.changelogTopics.keys()) set.add(`${this.#config.applicationId}-${store}-changelog`);
    }
    return set;
  }

  /** Runs `fn` after every earlier exclusive section finished (loop turns and rebalance hooks). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn);
    this.#lock = run.catch(() => {});
    return run;
  }
}
