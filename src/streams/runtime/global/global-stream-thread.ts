/*
 * GlobalStreamThread: keeps the instance's global stores (GlobalKTable, Topology.addGlobalStore)
 * equal to their topics — Kafka Streams' GlobalStreamThread. It reads EVERY partition of every
 * global topic with a group-less consumer (each instance holds the whole table), and its source
 * topics are the stores' only changelog.
 *
 * Phases (one connected session; a client error ends it and the next one starts after a backoff
 * that doubles up to retryBackoffMaxMs, the stores staying open in between):
 *   1 connect the admin and the consumer
 *   2 partitions of each global topic (a topic that does not exist yet is waited for, as the
 *     stream thread waits for its input topics)
 *   3 first session only: open the stores; start offsets = the checkpoint, when it lies inside
 *     each partition's [log start, log end]; otherwise (topic recreated, records deleted), or when
 *     the checkpoint file is damaged, wipe the global stores and start from the beginning. Later
 *     sessions resume from the positions in memory.
 *   4 assign every partition at its start offset (none: the log start)
 *   5 bootstrap (first session only): read and apply until every partition's position reaches
 *     the end offset listed at the start of this phase; checkpoint; `onBootstrapped` — the
 *     application's stream thread starts only now, so no task ever sees a partial global table
 *   6 keep current: poll, apply, checkpoint every commitIntervalMs, until stop()
 * stop(): the loop ends, the stores are flushed and checkpointed, then closed.
 *
 * Errors: processing errors (a processor throws, logAndFail) are fatal → onFatal; the global
 * thread cannot be replaced (KafkaStreams shuts the instance down, as Kafka does).
 */
import type { AssignedPartition, TopicDescription, TopicPartition, TopicPartitionOffset } from '../../../client/types.ts';
import type { PortBatch } from '../client-port.ts';
import type { StreamsConfig } from '../streams-config.ts';
import { isFatal } from '../stream-thread.ts';
import { runSessionsWithRetries, WakeableSleep } from '../session-retry.ts';
import { checkpointKey } from './global-checkpoint.ts';
import type { GlobalPartitionRange, GlobalStateManager } from './global-state-manager.ts';
import type { StreamsLogger } from '../../task/internal-context.ts';

/** What the global thread calls on the admin client. */
export interface GlobalAdminPort {
  connect(): Promise<void>;
  describeTopics(topics: readonly string[]): Promise<readonly TopicDescription[]>;
  listOffsets(tps: readonly TopicPartition[], spec: 'earliest' | 'latest', options?: { isolation?: 'read_committed' }): Promise<readonly TopicPartitionOffset[]>;
  disconnect(): Promise<void>;
}

/** What the global thread calls on its group-less consumer. */
export interface GlobalConsumerPort {
  connect(): Promise<void>;
  assign(tps: readonly AssignedPartition[]): Promise<void>;
  poll(maxRecords: number, timeoutMs: number): Promise<readonly PortBatch[]>;
  /** The next offset poll() returns for the partition (past control records and gaps). */
  position(tp: TopicPartition): number | undefined;
  disconnect(): Promise<void>;
}

export interface GlobalDeps {
  admin(): GlobalAdminPort;
  consumer(): GlobalConsumerPort;
}

export interface GlobalThreadEvents {
  /** Every global store is caught up with the end its topic had when bootstrapping began. */
  onBootstrapped(): void;
  onFatal(error: Error): void;
  onRetry(error: Error, backoffMs: number): void;
}

const DISCONNECT_TIMEOUT_MS = 5000;

export class GlobalStreamThread {
  readonly #config: StreamsConfig;
  readonly #deps: GlobalDeps;
  readonly #manager: GlobalStateManager;
  readonly #logger: StreamsLogger;
  readonly #events: GlobalThreadEvents;
  #bootstrapped = false;
  #bootstrapRecords = 0;
  #stopping = false;
  #loop: Promise<void> | undefined;
  readonly #sleeper = new WakeableSleep();

  constructor(config: StreamsConfig, deps: GlobalDeps, manager: GlobalStateManager, logger: StreamsLogger, events: GlobalThreadEvents) {
    this.#config = config;
    this.#deps = deps;
    this.#manager = manager;
    this.#logger = logger;
    this.#events = events;
  }

  get bootstrapped(): boolean {
    return this.#bootstrapped;
  }

  /** Global topic records applied while bootstrapping (from the checkpoint to the end): the restore cost. */
  get bootstrapRecords(): number {
    return this.#bootstrapRecords;
  }

  start(): void {
    this.#loop ??= this.#runWithRetries();
  }

  /** Ends the loop, then flushes, checkpoints and closes the global stores. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#sleeper.wake();
    await this.#loop;
    if (this.#manager.isOpen) {
      try {
        await this.#manager.checkpoint();
      } finally {
        await this.#manager.close();
      }
    }
  }

  #runWithRetries(): Promise<void> {
    return runSessionsWithRetries(this.#config, () => this.#stopping, (onConnected) => this.#session(onConnected), isFatal, this.#sleeper, this.#events);
  }

  async #session(onConnected: () => void): Promise<void> {
    const admin = this.#deps.admin();
    const consumer = this.#deps.consumer();
    try {
      // 1
      await admin.connect();
      await consumer.connect();
      // 2
      const partitions = await this.#partitions(admin);
      // 3
      const start = await this.#startOffsets(admin, partitions);
      // 4
      await consumer.assign(partitions.map((tp) => ({ ...tp, offset: start.get(checkpointKey(tp.topic, tp.partition)) })));
      onConnected();
      // 5
      if (!this.#bootstrapped) {
        // The consumer reads committed records only, so its position stops at the last stable
        // offset: bootstrapping to the high watermark would wait out any open transaction.
        const ends = await admin.listOffsets(partitions, 'latest', { isolation: 'read_committed' });
        const before = this.#manager.appliedRecords;
        await this.#bootstrap(consumer, ends);
        this.#bootstrapRecords += this.#manager.appliedRecords - before;
        if (this.#stopping) return;
        await this.#manager.checkpoint();
        this.#bootstrapped = true;
        this.#events.onBootstrapped();
      }
      // 6
      let lastCheckpoint = Date.now();
      while (!this.#stopping) {
        await this.#pollOnce(consumer, partitions, this.#config.pollMs);
        if (Date.now() - lastCheckpoint >= this.#config.commitIntervalMs) {
          await this.#manager.checkpoint();
          lastCheckpoint = Date.now();
        }
      }
    } finally {
      const bounded = (p: Promise<void>) => Promise.race([p.catch(() => {}), new Promise<void>((r) => setTimeout(r, DISCONNECT_TIMEOUT_MS).unref())]);
      await Promise.all([bounded(consumer.disconnect()), bounded(admin.disconnect())]);
    }
  }

  async #partitions(admin: GlobalAdminPort): Promise<TopicPartition[]> {
    const topics = this.#manager.topics();
    const described = new Map((await admin.describeTopics(topics)).map((d) => [d.topic, d.partitions]));
    const missing = topics.filter((t) => !described.has(t));
    if (missing.length > 0) throw new Error(`global topic(s) ${missing.join(', ')} do not exist yet; the global stores wait for them`);
    return topics.flatMap((topic) => Array.from({ length: described.get(topic)! }, (_, partition) => ({ topic, partition })));
  }

  /** Phase 3: open the stores (first session), validate the checkpoint, pick start offsets. */
  async #startOffsets(admin: GlobalAdminPort, partitions: readonly TopicPartition[]): Promise<Map<string, number | undefined>> {
    if (this.#manager.isOpen) {
      return new Map(partitions.map((tp) => [checkpointKey(tp.topic, tp.partition), this.#manager.position(tp.topic, tp.partition)]));
    }
    const [earliest, latest] = await Promise.all([admin.listOffsets(partitions, 'earliest'), admin.listOffsets(partitions, 'latest')]);
    const ranges: GlobalPartitionRange[] = partitions.map((tp, i) => ({ ...tp, earliest: earliest[i]!.offset, latest: latest[i]!.offset }));
    await this.#manager.open();
    const plan = this.#manager.startOffsets(ranges);
    if (plan.problem === undefined && plan.outOfRange.length === 0) return plan.offsets;
    // The stores cannot say how far they got (damaged checkpoint), or got further than a log that
    // no longer exists: keys the topics no longer hold could linger, so start from empty.
    const why = plan.problem ?? `the checkpoint does not match the topics any more (${plan.outOfRange.join('; ')})`;
    this.#logger.warn(`[global] ${why}; wiping the global stores and reading their topics from the start`);
    await this.#manager.wipe();
    await this.#manager.open();
    return new Map(partitions.map((tp) => [checkpointKey(tp.topic, tp.partition), undefined]));
  }

  /** Phase 5: apply until every partition's position reaches its end offset. */
  async #bootstrap(consumer: GlobalConsumerPort, ends: readonly TopicPartitionOffset[]): Promise<void> {
    const behind = () => ends.filter((e) => (consumer.position(e) ?? -1) < e.offset);
    let pending = behind();
    while (pending.length > 0 && !this.#stopping) {
      await this.#pollOnce(consumer, pending, this.#config.pollMs);
      pending = behind();
    }
  }

  /** One poll: apply what came, then note positions (they move past non-data records too). */
  async #pollOnce(consumer: GlobalConsumerPort, partitions: readonly TopicPartition[], timeoutMs: number): Promise<void> {
    const batches = await consumer.poll(this.#config.maxRecordsPerIteration, timeoutMs);
    for (const b of batches) this.#manager.apply(b.topic, b.partition, b.records);
    for (const tp of partitions) {
      const at = consumer.position(tp);
      if (at !== undefined) this.#manager.advanceTo(tp.topic, tp.partition, at);
    }
    if (batches.length > 0) await new Promise<void>((r) => setImmediate(r));
  }
}
