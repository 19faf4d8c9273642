/*
 * StreamTask: one sub-topology instantiated for one partition number — its processors, its
 * stores, its input buffer and its clocks. The TopologyTestDriver drives it today; the runtime
 * (stream threads) will drive the same class.
 *
 * Lifecycle (async only at the edges):
 *   initialize()  build the stores from their factories, open them (init), then init every
 *                 processor in topology order
 *   addRecords()  buffer consumed records (PartitionGroup)
 *   process()     SYNCHRONOUS: take the next record (lowest head timestamp), deserialize it
 *                 (errors → the configured deserialization handler), advance stream time, run
 *                 the sub-topology depth-first, then fire due stream-time punctuations
 *   commit()      the numbered commit procedure (docs/architecture.md), steps this class owns:
 *                   1 flush caches: dirty entries go to the flush listeners (forwarding table
 *                     updates downstream) and down the store stack
 *                   2 send changelog records: the changelogging layer hands each flushed change
 *                     to the changelog collector during step 1
 *                   3–4 (runtime) flush the producer, commit input offsets / the transaction
 *                   5 write each store's pending batch with its changelog offset (store.flush)
 *                 `flushCaches()` runs steps 1–2 synchronously; `commit()` runs 1, 2 and 5.
 *   close()       close processors, then stores
 *
 * Async operators (src/streams/async/): their calls finish in promise callbacks, but their
 * records are forwarded only here, at safe points — drained at the start of process() (before the
 * next record is taken) and at the start of flushCaches() — each in its origin record's context
 * (metadata, timestamp, raw source). While an operator is saturated, process() takes no record.
 * The runtime commits committableOffsets(): consumed positions capped at the lowest record with
 * unfinished async work (commit-gate.ts).
 *
 * Stream time is the max timestamp of processed records; it never goes back (-1 before any, or
 * the largest committed partition time of a restarted task: partition-times.ts).
 * Opt-in (config.idleWatermarkMs, beyond Kafka): after that much wall-clock time without a
 * record, maybePunctuateSystemTime() also moves stream time forward (idle-watermark.ts) and
 * tells the processors that registered for it, then fires due stream-time punctuations.
 * Records with a negative timestamp are dropped (counted), as Kafka's default handling.
 */
import { encodeCommitMetadata, ProcessorMetadata } from './commit-metadata.ts';
import { PartitionTimes, type CommittedPartition } from './partition-times.ts';
import { DEFAULT_WINDOWED_EMIT_INTERVAL_MS } from '../dsl/windowed/emit-strategy.ts';
import { threadCacheFor } from '../state/cache/thread-cache.ts';
import { join } from 'node:path';
import type { DeserializationExceptionHandler, FailedRecord } from '../errors/deserialization-handler.ts';
import { DeserializationFailedError } from '../errors/deserialization-handler.ts';
import { StreamsProcessingError } from '../errors/processing-error.ts';
import type { Cancellable, Punctuator, RecordMetadata } from '../processor/processor-context.ts';
import { PunctuationType } from '../processor/processor-context.ts';
import type { StreamRecord } from '../processor/record.ts';
import type { Serde } from '../serde/serde.ts';
import type { RecordCollector, StateStore, StoreContext } from '../state/store-types.ts';
import type { StoreBuildOptions } from '../topology/node-specs.ts';
import { Topology, type SubtopologyInfo } from '../topology/topology.ts';
import type { InternalProcessorContext, StreamsLogger } from './internal-context.ts';
import { PartitionGroup, type ConsumedRecord } from './partition-group.ts';
import { DISCARD_CHANGELOG, sourceRestoreCheck, type RestoredSourceRecord } from './source-restore-check.ts';
import { PunctuationQueue } from './punctuation-queue.ts';
import { checkIdleWatermarkMs, IdleWatermark, type StreamTimeAdvanceListener, type StreamTimeAdvanceSource } from './idle-watermark.ts';
import { buildRuntimeNodes, childrenFor, type AnyRecord, type RuntimeNode, type RuntimeProcessor, type RuntimeSource } from './runtime-nodes.ts';
import { taskIdToString, type TaskId } from './task-id.ts';
import { toLogger, type Logger } from '../../logging/logger.ts';
import type { ThreadMetrics } from '../metrics/thread-metrics.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import type { DslStoreChoice } from '../state/dsl-store-suppliers.ts';
import { AsyncWork } from '../async/async-work.ts';
import { ConsumedOffsets } from './consumed-offsets.ts';
import type { UpgradeFrom } from '../serde/upgrade-from.ts';
import { StorePositions } from './store-positions.ts';
import type { Position } from '../iq/v2/position.ts';
import { applyProcessingHandler, type ProcessingExceptionHandler, type SourceRecordBytes } from '../errors/processing-exception-handler.ts';

export interface TaskConfig {
  readonly applicationId: string;
  /** Config `upgradeFrom` (serde/upgrade-from.ts); undefined when not upgrading. */
  readonly upgradeFrom?: UpgradeFrom | undefined;
  readonly stateDir: string;
  readonly defaultKeySerde: Serde<unknown> | undefined;
  readonly defaultValueSerde: Serde<unknown> | undefined;
  readonly deserializationHandler: DeserializationExceptionHandler;
  /** Where DSL stores come from (config dslStoreSuppliers; the name predates KIP-954). */
  readonly defaultStoreType: DslStoreChoice;
  readonly cacheMaxBytes: number;
  readonly logger: StreamsLogger;
  /** Opt-in idle watermark (beyond Kafka, see idle-watermark.ts); undefined = off. */
  readonly idleWatermarkMs?: number | undefined;
  /**
   * Kafka's internal `emit.interval.ms.kstreams.outer.join.spurious.results.fix`: least wall-clock
   * ms between two scans for non-joined records of a stream-stream left/outer join (default
   * 1000; the TopologyTestDriver uses 0, as Kafka's).
   */
  readonly outerJoinEmitIntervalMs?: number | undefined;
  /**
   * Kafka's internal `emit.interval.ms.kstreams.windowed.aggregation`: least wall-clock ms between
   * two emit-on-window-close scans (default 1000; the TopologyTestDriver uses 0, as Kafka's).
   */
  readonly windowedAggregationEmitIntervalMs?: number | undefined;
  /** The sensors of the thread running the tasks (src/streams/metrics); undefined = none. */
  readonly metrics?: ThreadMetrics | undefined;
  /** The instance's global stores (the runtime's global thread keeps them), readable by every processor. */
  readonly globalStores?: ((name: string) => StateStore | undefined) | undefined;
  /** Where failed async-operator calls go unless the operator names its own; default logAndFail. */
  readonly processingExceptionHandler?: ProcessingExceptionHandler | undefined;
  /** Kafka's internal `__iq.consistency.offset.vector.enabled__`: IQv2 positions in changelog headers (task/store-positions.ts). */
  readonly iqConsistencyOffsetVectorEnabled?: boolean | undefined;
}

/** A record a sink (or a dead-letter handler) produces; partition undefined = default partitioner. */
export interface OutputRecord {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

export interface TaskIo {
  /** Where sinks and dead-letter records go. */
  send(record: OutputRecord): void;
  /** Where changelogging stores send their changes. */
  readonly changelog: RecordCollector;
  /** Wall-clock time in ms (the driver's mock clock, or Date.now). */
  now(): number;
  /** Partition count of an output topic, for custom partitioners; undefined if unknown. */
  partitionsFor?(topic: string): number | undefined;
  /** Global stores, readable by every processor without being connected. */
  globalStore?(name: string): StateStore | undefined;
}

export class StreamTask {
  readonly id: TaskId;
  readonly idString: string;
  readonly #topology: Topology;
  readonly #sub: SubtopologyInfo;
  readonly #config: TaskConfig;
  readonly #io: TaskIo;
  /** The configured logger with this task's id on every line. */
  readonly #logger: Logger;
  readonly #metrics: TaskMetrics | undefined;
  /** Wall-clock ms for end-to-end latency (see #readClock). */
  #e2eNow = 0;
  readonly #nodes = new Map<string, RuntimeNode>();
  readonly #sourcesByTopic = new Map<string, RuntimeSource>();
  readonly #patternSources: RuntimeSource[] = [];
  readonly #stores = new Map<string, StateStore>();
  readonly #buffer = new PartitionGroup();
  readonly #streamPunctuations = new PunctuationQueue();
  readonly #wallPunctuations = new PunctuationQueue();
  #streamTime = -1;
  /** Task-wide idle watermark (config.idleWatermarkMs) and who hears its advances, in topology order. */
  readonly #idle: IdleWatermark | undefined;
  readonly #advanceListeners: Array<{ node: string; listener: StreamTimeAdvanceListener }> = [];
  #currentTimestamp = -1;
  /** Headers of the record the current node processes (record caches keep them per entry). */
  #currentHeaders: Readonly<Record<string, Buffer>> = {};
  #currentMetadata: RecordMetadata | undefined;
  #currentNode: string | undefined;
  /** Raw bytes of the source record being processed (async operators' dead letters). */
  #currentSource: SourceRecordBytes | undefined;
  /** This task's async operators and their commit gate. */
  readonly #async: AsyncWork;
  #dropped = 0;
  /** Per input partition, the offset after the last record taken from it (runtime commits these). */
  readonly #consumedOffsets = new ConsumedOffsets();
  /** Named values processors keep across restarts, committed with the offsets (commit-metadata.ts). */
  readonly #processorMetadata = new ProcessorMetadata();
  /** Per input partition, its partition time, committed with its offset (partition-times.ts). */
  readonly #partitionTimes = new PartitionTimes();
  #initialized = false;
  #closed = false;
  /** Where this task's stores live; default stateDir/applicationId/taskId (global stores: …/global). */
  readonly #storeDir: string;
  /** Each store's IQv2 position (store-positions.ts). */
  readonly #positions: StorePositions;

  constructor(topology: Topology, subtopology: SubtopologyInfo, partition: number, config: TaskConfig, io: TaskIo, options: { storeDir?: string } = {}) {
    this.id = { subtopology: subtopology.id, partition };
    this.idString = taskIdToString(this.id);
    this.#topology = topology;
    this.#sub = subtopology;
    this.#config = config;
    this.#io = io;
    this.#logger = toLogger(config.logger).child({ task: this.idString });
    this.#metrics = config.metrics?.task(this.idString);
    this.#storeDir = options.storeDir ?? join(config.stateDir, config.applicationId, this.idString);
    this.#positions = new StorePositions(this.#storeDir, config.iqConsistencyOffsetVectorEnabled === true, this.#logger, () => this.#currentMetadata);
    const idleMs = checkIdleWatermarkMs('idleWatermarkMs', config.idleWatermarkMs);
    this.#idle = idleMs === undefined ? undefined : new IdleWatermark(idleMs);
    this.#async = new AsyncWork({
      taskId: this.idString,
      processingHandler: config.processingExceptionHandler,
      current: () => ({ metadata: this.#currentMetadata, source: this.#currentSource }),
      emit: (origin, nodeName, timestamp, fn) => {
        const [meta, source, ts, node] = [this.#currentMetadata, this.#currentSource, this.#currentTimestamp, this.#currentNode];
        this.#currentMetadata = origin.metadata;
        this.#currentSource = origin.source;
        this.#currentTimestamp = timestamp;
        this.#currentNode = nodeName;
        try {
          this.#run(nodeName, fn);
        } finally {
          [this.#currentMetadata, this.#currentSource, this.#currentTimestamp, this.#currentNode] = [meta, source, ts, node];
        }
      },
      sendDeadLetter: (r) => this.#io.send({ topic: r.topic, partition: undefined, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }),
      recordDropped: (nodeName, reason) => this.#recordDropped(`${nodeName}: ${reason}`),
    });
  }

  get streamTime(): number {
    return this.#streamTime;
  }

  get droppedRecords(): number {
    return this.#dropped;
  }

  get subtopology(): SubtopologyInfo {
    return this.#sub;
  }

  /** Resolved input topics (internal ones prefixed with the application id). */
  sourceTopics(): string[] {
    return [...this.#sourcesByTopic.keys()];
  }

  /** True when a record from `topic` would enter this task (exact topic or pattern match). */
  consumes(topic: string): boolean {
    return this.#sourceFor(topic) !== undefined;
  }

  store(name: string): StateStore | undefined {
    return this.#stores.get(name);
  }

  /** task/source-restore-check.ts: whether a record restored from source topic `topic` may enter a store. */
  restoredRecordCheck(topic: string): (r: RestoredSourceRecord) => boolean {
    const source = this.#sourceFor(topic);
    if (source === undefined) throw new Error(`Task ${this.idString} has no source for topic "${topic}".`);
    return sourceRestoreCheck(this.idString, source, topic, this.id.partition, this.#config.deserializationHandler);
  }

  /** The IQv2 position of this task's store `name` (a snapshot; copy() before changing it). */
  storePosition(name: string): Position | undefined {
    return this.#positions.positionOf(name);
  }

  /** Store positions: the restore hook of consistency headers and the commit-step-5 checkpoint. */
  get positions(): StorePositions {
    return this.#positions;
  }

  stores(): ReadonlyMap<string, StateStore> {
    return this.#stores;
  }

  async initialize(): Promise<void> {
    if (this.#initialized) return;
    const appId = this.#config.applicationId;
    const buildOptions: StoreBuildOptions = {
      defaultStoreType: this.#config.defaultStoreType,
      cacheMaxBytes: this.#config.cacheMaxBytes,
      // One record cache per stream thread: every task of the thread shares the config object.
      threadCache: threadCacheFor(this.#config, this.#config.cacheMaxBytes),
      defaultKeySerde: this.#config.defaultKeySerde,
      defaultValueSerde: this.#config.defaultValueSerde,
      applicationId: appId,
      upgradeFrom: this.#config.upgradeFrom,
    };
    // Stores first: processors look them up in init().
    for (const name of this.#sub.stores) {
      const spec = this.#topology.stores().get(name)!;
      const store = spec.factory.build(buildOptions);
      const sourceChangelog = this.#sub.sourceChangelogTopics.get(name);
      const changelog = this.#sub.changelogTopics.has(name) ? Topology.changelogTopic(appId, name) : sourceChangelog;
      const { position, changelogHeaders } = await this.#positions.open(name, store.persistent);
      const ctx: StoreContext = {
        position,
        changelogHeaders,
        applicationId: appId,
        taskId: this.idString,
        partition: this.id.partition,
        stateDir: this.#storeDir,
        changelogTopic: changelog,
        // A store whose changelog is its source topic writes nothing (reuse.ktable.source.topics).
        collector: sourceChangelog === undefined ? this.#io.changelog : DISCARD_CHANGELOG,
        currentTimestamp: () => this.#currentTimestamp,
        currentHeaders: () => this.#currentHeaders,
        streamTime: () => this.#streamTime,
        metrics: this.#metrics?.storeSink(() => store.persistent) ?? { record: () => {}, latency: false },
      };
      await store.init(ctx);
      this.#stores.set(name, store);
    }
    this.#buildNodes();
    for (const name of this.#sub.nodes) {
      const node = this.#nodes.get(name)!;
      if (node.kind === 'processor' && node.processor.init) {
        const context = this.#contextFor(node);
        this.#run(node.name, () => node.processor.init!(context));
      }
    }
    this.#initialized = true;
  }

  #buildNodes(): void {
    const built = buildRuntimeNodes(this.#topology, this.#sub, this.#config);
    for (const [name, node] of built.nodes) this.#nodes.set(name, node);
    for (const [topic, source] of built.sourcesByTopic) this.#sourcesByTopic.set(topic, source);
    this.#patternSources.push(...built.patternSources);
  }

  #sourceFor(topic: string): RuntimeSource | undefined {
    return this.#sourcesByTopic.get(topic) ?? this.#patternSources.find((s) => s.spec.pattern!.test(topic));
  }

  addRecords(records: Iterable<ConsumedRecord>): void {
    this.#buffer.add(records);
    this.#readClock();
  }

  /**
   * The wall-clock time end-to-end latency is measured against, read once per batch of records,
   * per cache flush and per wall-clock punctuation check rather than per record (Kafka Streams
   * reads it once per poll loop too): a clock read per sink record cost ~5% of a count topology.
   */
  #readClock(): void {
    if (this.#metrics !== undefined) this.#e2eNow = this.#metrics.now();
  }

  numBuffered(): number {
    return this.#buffer.numBuffered();
  }

  /**
   * Per input partition, the offset after the last record taken for processing (what the runtime
   * commits at commit step 4: the consumer's "next offset to read"). Partitions not read yet are absent.
   */
  consumedOffsets(): Array<{ topic: string; partition: number; offset: number }> {
    return this.#consumedOffsets.list();
  }

  /**
   * Per input partition, what a commit may write: consumedOffsets() capped at the lowest record
   * whose async work is unfinished, each with the commit metadata string (commit-metadata.ts) for
   * commit step 4.
   */
  committableOffsets(): Array<{ topic: string; partition: number; offset: number; metadata: string }> {
    return this.#async.committable(this.consumedOffsets()).map((o) => ({ ...o, metadata: encodeCommitMetadata(this.#partitionTimes.get(o.topic, o.partition), this.#processorMetadata) }));
  }

  /** Records taken by async operators and not yet emitted. */
  get asyncInFlight(): number {
    return this.#async.inFlight;
  }

  /** Forwards the async results that may leave now (a safe point); returns how many records left. */
  drainAsync(): number {
    this.#checkOpen();
    return this.#async.drain();
  }

  /** Drains until no async work is unfinished (true) or `deadlineMs` passed (false; default: the operators' worst case). */
  settleAsync(deadlineMs: number = this.#async.worstCaseMs): Promise<boolean> {
    this.#checkOpen();
    return this.#async.settle(deadlineMs);
  }

  /** Resolves when an async call finishes, or after `timeoutMs`. */
  asyncProgress(timeoutMs: number): Promise<void> {
    return this.#async.progress(timeoutMs);
  }

  /**
   * Takes in the metadata committed with this task's input offsets (before processing starts):
   * processor metadata, and partition times, from which stream time starts (partition-times.ts).
   */
  restoreCommitMetadata(committed: Iterable<CommittedPartition>): void {
    const start = this.#partitionTimes.restore(committed, this.#processorMetadata, (why) => this.#logger.warn(why));
    if (start > this.#streamTime) this.#streamTime = start;
  }

  /** Processes the next buffered record, if any; returns whether one was taken. */
  process(): boolean {
    this.#checkOpen();
    if (this.#async.hasNodes) {
      this.#async.drain();
      // Backpressure: a saturated async operator takes no more input until records leave it.
      if (this.#async.saturated) return false;
    }
    const raw = this.#buffer.next();
    if (raw === undefined) return false;
    this.#consumedOffsets.advance(raw.topic, raw.partition, raw.offset);
    const source = this.#sourceFor(raw.topic);
    if (source === undefined) {
      throw new Error(`Task ${this.idString} received a record from topic "${raw.topic}", which none of its sources reads (${this.sourceTopics().join(', ')}).`);
    }
    this.#currentMetadata = { topic: raw.topic, partition: raw.partition, offset: raw.offset };
    this.#currentSource = raw;
    try {
      let key: unknown;
      let value: unknown;
      try {
        key = raw.key === null ? null : source.keyDeserializer.deserialize(raw.topic, raw.key);
        value = raw.value === null ? null : source.valueDeserializer.deserialize(raw.topic, raw.value);
      } catch (e) {
        this.#handleDeserializationError(source, raw, e instanceof Error ? e : new Error(String(e)));
        return true;
      }
      const timestamp = source.timestampExtractor
        ? source.timestampExtractor({ key, value, timestamp: raw.timestamp, topic: raw.topic }, this.#streamTime)
        : raw.timestamp;
      if (!(timestamp >= 0)) {
        this.#recordDropped(`Skipping record with invalid timestamp ${timestamp}. topic=[${raw.topic}] partition=[${raw.partition}] offset=[${raw.offset}]`);
        return true;
      }
      this.#metrics?.processed?.add();
      this.#metrics?.lateness?.record(timestamp < this.#streamTime ? this.#streamTime - timestamp : 0);
      if (timestamp > this.#streamTime) this.#streamTime = timestamp;
      this.#partitionTimes.observe(raw.topic, raw.partition, timestamp);
      this.#idle?.recordActivity(this.#io.now(), this.#streamTime);
      this.#currentTimestamp = timestamp;
      const record: AnyRecord = { key, value, timestamp, headers: raw.headers };
      for (const child of source.children) this.#processNode(child, record);
    } finally {
      this.#currentNode = undefined;
    }
    this.#currentMetadata = undefined;
    this.#currentSource = undefined;
    this.maybePunctuateStreamTime();
    return true;
  }

  /** Processes every buffered record. */
  processAll(): number {
    let n = 0;
    while (this.process()) n++;
    return n;
  }

  #handleDeserializationError(source: RuntimeSource, raw: ConsumedRecord, error: Error): void {
    const failed: FailedRecord = {
      taskId: this.idString,
      sourceNodeName: source.name,
      topic: raw.topic,
      partition: raw.partition,
      offset: raw.offset,
      timestamp: raw.timestamp,
      key: raw.key,
      value: raw.value,
      headers: raw.headers,
    };
    const response = this.#config.deserializationHandler.handle(failed, error);
    if (response.action === 'fail') throw new DeserializationFailedError(failed, error);
    for (const dlq of response.deadLetterRecords ?? []) {
      this.#io.send({ topic: dlq.topic, partition: undefined, key: dlq.key, value: dlq.value, timestamp: dlq.timestamp, headers: dlq.headers });
    }
    this.#dropped++;
    this.#metrics?.dropped.add();
  }

  #recordDropped(reason: string): void {
    this.#dropped++;
    this.#metrics?.dropped.add();
    this.#logger.warn(`[task ${this.idString}] ${reason}`);
  }

  #processNode(node: RuntimeNode, record: AnyRecord): void {
    const previous = this.#currentNode;
    const previousHeaders = this.#currentHeaders;
    this.#currentNode = node.name;
    this.#currentHeaders = record.headers;
    try {
      if (node.kind === 'processor') {
        // Not through #run: a closure per node and record was the task loop's largest allocation.
        try {
          node.processor.process(record);
        } catch (e) {
          this.#failed(node.name, e, true);
        }
      } else if (node.kind === 'sink') {
        this.#run(node.name, () => this.#sink(node, record));
      } else {
        for (const child of node.children) this.#processNode(child, record);
      }
    } finally {
      this.#currentNode = previous;
      this.#currentHeaders = previousHeaders;
    }
  }

  #sink(node: Extract<RuntimeNode, { kind: 'sink' }>, record: AnyRecord): void {
    const meta = this.#currentMetadata;
    const topic = node.topic ?? node.extractor!(record.key, record.value, { topic: meta?.topic, partition: meta?.partition, offset: meta?.offset });
    const key = record.key === null || record.key === undefined ? null : node.keySerializer.serialize(topic, record.key);
    const value = record.value === null || record.value === undefined ? null : node.valueSerializer.serialize(topic, record.value);
    let partition: number | undefined;
    if (node.partitioner !== undefined) {
      const n = this.#io.partitionsFor?.(topic);
      if (n !== undefined) partition = node.partitioner(topic, record.key, record.value, n);
    }
    this.#io.send({ topic, partition, key, value, timestamp: record.timestamp, headers: record.headers });
    if (this.#metrics !== undefined) this.#metrics.e2e(node.name).record(this.#e2eNow - record.timestamp);
  }

  /**
   * Runs user code, wrapping what it throws with the task, node and record origin (once). With
   * `handled` (a processor's process() or a punctuator) and a processing exception handler configured, the
   * handler decides first (KIP-1033): skip the record — the caller goes on with its other
   * children — or fail. Errors already wrapped by a node further down are never handled twice.
   */
  #run(nodeName: string, fn: () => void, handled = false): void {
    try {
      fn();
    } catch (e) {
      this.#failed(nodeName, e, handled);
    }
  }

  /** #run's error path (see there): returns when the handler skips the record, else throws. */
  #failed(nodeName: string, e: unknown, handled: boolean): void {
    if (e instanceof StreamsProcessingError || e instanceof DeserializationFailedError) throw e;
    const m = this.#currentMetadata;
    const context = { taskId: this.idString, nodeName, topic: m?.topic, partition: m?.partition, offset: m?.offset };
    const handler = this.#config.processingExceptionHandler;
    if (handled && handler !== undefined && applyProcessingHandler(handler, { ...context, source: this.#currentSource }, e instanceof Error ? e : new Error(String(e)), this.#async.hooks, 'processing failed')) return;
    throw new StreamsProcessingError(context, e);
  }

  #contextFor(node: RuntimeProcessor): InternalProcessorContext<unknown, unknown> & StreamTimeAdvanceSource {
    const task = this;
    return {
      registerStreamTimeAdvanceListener(listener: StreamTimeAdvanceListener): void {
        task.#advanceListeners.push({ node: node.name, listener });
      },
      applicationId: this.#config.applicationId,
      upgradeFrom: this.#config.upgradeFrom,
      taskId: this.idString,
      nodeName: node.name,
      logger: this.#logger,
      asyncWork: this.#async,
      forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
        for (const child of childrenFor(node, childName)) task.#processNode(child, record);
      },
      getStateStore<S extends StateStore>(name: string): S {
        if (!node.stores.has(name)) {
          const global = task.#io.globalStore?.(name) ?? task.#config.globalStores?.(name);
          if (global !== undefined) return global as S;
          throw new Error(`Processor "${node.name}" has no access to state store "${name}"; connect it with addStateStore/connectProcessorAndStateStores (connected: [${[...node.stores].join(', ')}]).`);
        }
        return task.#stores.get(name) as S;
      },
      schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable {
        if (type === PunctuationType.STREAM_TIME) {
          // Aligned to 0: fires as soon as stream time is known, then on multiples of the interval.
          return task.#streamPunctuations.schedule(node.name, intervalMs, callback, 0);
        }
        return task.#wallPunctuations.schedule(node.name, intervalMs, callback, task.#io.now() + intervalMs);
      },
      currentStreamTimeMs: () => task.#streamTime,
      currentSystemTimeMs: () => task.#io.now(),
      recordMetadata: () => task.#currentMetadata,
      recordDropped(reason: string): void {
        task.#recordDropped(`${node.name}: ${reason}`);
      },
      outerJoinEmitIntervalMs: this.#config.outerJoinEmitIntervalMs ?? 1000,
      windowedAggregationEmitIntervalMs: this.#config.windowedAggregationEmitIntervalMs ?? DEFAULT_WINDOWED_EMIT_INTERVAL_MS,
      processorMetadataForKey: (key) => task.#processorMetadata.get(key),
      addProcessorMetadataKeyValue: (key, value) => task.#processorMetadata.put(key, value),
    };
  }

  #punctuate(queue: PunctuationQueue, now: number): boolean {
    return queue.fire(now, (nodeName, call) => {
      const prevTs = this.#currentTimestamp;
      this.#currentTimestamp = now;
      this.#currentNode = nodeName;
      try {
        this.#run(nodeName, call, true); // a throwing punctuator goes to the handler too (KIP-1033)
      } finally {
        this.#currentNode = undefined;
        this.#currentTimestamp = prevTs;
      }
    });
  }

  maybePunctuateStreamTime(): boolean {
    if (this.#streamTime < 0 || this.#streamPunctuations.size === 0) return false;
    return this.#punctuate(this.#streamPunctuations, this.#streamTime);
  }

  /** Fires due wall-clock punctuations, after moving the idle watermark (when configured). */
  maybePunctuateSystemTime(): boolean {
    this.#readClock();
    const advanced = this.maybeAdvanceIdleWatermark();
    if (this.#wallPunctuations.size === 0) return advanced;
    return this.#punctuate(this.#wallPunctuations, this.#io.now()) || advanced;
  }

  /**
   * The task-wide idle watermark (idle-watermark.ts): when the inputs were idle for
   * idleWatermarkMs of wall clock, stream time moves forward; registered processors hear the new
   * time (in topology order, each in its own node context, so they can forward), then due
   * stream-time punctuations fire. Returns whether stream time moved. No-op when off.
   */
  maybeAdvanceIdleWatermark(): boolean {
    if (this.#idle === undefined || !this.#initialized || this.#closed) return false;
    const watermark = this.#idle.advance(this.#io.now(), this.#streamTime);
    if (watermark === undefined) return false;
    this.#streamTime = watermark;
    for (const { node, listener } of this.#advanceListeners) {
      const prevTs = this.#currentTimestamp;
      this.#currentTimestamp = watermark;
      this.#currentNode = node;
      try {
        this.#run(node, () => listener(watermark));
      } finally {
        this.#currentNode = undefined;
        this.#currentTimestamp = prevTs;
      }
    }
    this.maybePunctuateStreamTime();
    return true;
  }

  /** Commit steps 1–2, synchronously: flush caches (forwarding) and send changelog records. */
  flushCaches(): void {
    this.#checkOpen();
    this.#readClock();
    this.#async.drain();
    for (const [name, store] of this.#stores) {
      const s = store as StateStore & { flushCache?: () => void };
      if (typeof s.flushCache === 'function') this.#positions.flushing(name, () => this.#run(name, () => s.flushCache!()));
    }
  }

  /** Commit steps 1, 2 and 5 (see the file comment). */
  async commit(): Promise<void> {
    this.flushCaches();
    for (const store of this.#stores.values()) await store.flush();
    await this.#positions.checkpoint();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Unfinished async work is dropped: its records stay uncommitted and are read again.
    this.#async.abandon();
    this.#metrics?.close();
    let firstError: unknown;
    for (const node of this.#nodes.values()) {
      if (node.kind === 'processor' && node.processor.close) {
        try {
          node.processor.close();
        } catch (e) {
          firstError ??= e;
        }
      }
    }
    for (const store of this.#stores.values()) {
      try {
        if (store.isOpen()) await store.close();
      } catch (e) {
        firstError ??= e;
      }
    }
    this.#buffer.clear();
    if (firstError !== undefined) throw firstError;
  }

  #checkOpen(): void {
    if (!this.#initialized) throw new Error(`Task ${this.idString} is not initialized; await initialize() first.`);
    if (this.#closed) throw new Error(`Task ${this.idString} is closed.`);
  }
}
