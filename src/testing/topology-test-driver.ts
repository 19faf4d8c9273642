/*
 * TopologyTestDriver: runs a Topology without a broker, synchronously, as if every record were
 * committed right after it is processed — Kafka Streams' test-utils TopologyTestDriver.
 *
 * Model: every topic has one partition (0); every sub-topology gets one StreamTask ("<id>_0"),
 * and each global store group is run the same way (its store is readable from every task).
 * Piping a record runs this loop before returning:
 *   1. the task that reads the topic processes the record (depth-first through its nodes);
 *   2. every record a sink produced is captured per topic (readable via TestOutputTopic); if a
 *      task reads that topic too (a repartition topic, or an output read by another
 *      sub-topology), the record is fed to it and processed — repeated until nothing is pending;
 *   3. commit: every task flushes its caches (forwarding table updates, sending changelog
 *      records), which may produce more records → back to 2 until quiet.
 * Async operators (mapValuesAsync & co.) finish later: piping starts their calls, and
 * `await driver.settle()` waits for every call, forwards the results (then steps 2–3 again) and
 * processes records the operators held back, until nothing is in flight; read outputs after it.
 * Changelog records and dead-letter records are captured like any output, so
 * producedTopicNames() lists them and a test can read them.
 *
 * Stores are in memory unless config.defaultStoreType is 'leveldb' or a Materialized asks for
 * LevelDB; persistent stores live under config.stateDir, or under a temp directory the driver
 * creates and removes in close(). Lifecycle is async (create/close: stores open and flush);
 * piping, reading and advancing time are synchronous.
 */
import { checkMs } from '../streams/windows/window-checks.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValueAndTimestamp } from '../streams/state/value-and-timestamp.ts';
import { DeserializationHandlers, type DeserializationExceptionHandler } from '../streams/errors/deserialization-handler.ts';
import type { Deserializer, Serde, Serializer } from '../streams/serde/serde.ts';
import type { CollectedRecord, KeyValueStore } from '../streams/state/store-types.ts';
import { consoleLogger, type StreamsLogger } from '../streams/task/internal-context.ts';
import type { ConsumedRecord } from '../streams/task/partition-group.ts';
import { StreamTask, type OutputRecord, type TaskConfig } from '../streams/task/stream-task.ts';
import type { Topology } from '../streams/topology/topology.ts';
import { TimestampedStoreFacade } from './store-facade.ts';
import { isVersionedStore, type VersionedKeyValueStore } from '../streams/state/versioned/versioned-record.ts';
import { asVersionedTable } from '../streams/state/versioned/versioned-table-store.ts';
import { sessionStoreView, windowStoreView } from '../streams/state/window/timestamped-window-store-facade.ts';
import type { SessionStore, WindowStore } from '../streams/state/window/window-store-types.ts';
import { TestInputTopic, type InputPipe } from './test-input-topic.ts';
import type { DslStoreChoice } from '../streams/state/dsl-store-suppliers.ts';
import { TestOutputTopic, type OutputSource, type RawOutputRecord } from './test-output-topic.ts';
import type { KafkaMetric, RecordingLevel } from '../metrics/metric-registry.ts';
import { StreamsMetrics } from '../streams/metrics/streams-metrics.ts';
import type { ProcessingExceptionHandler } from '../streams/errors/processing-exception-handler.ts';
import { parseUpgradeFrom } from '../streams/serde/upgrade-from.ts';

export interface TopologyTestDriverConfig {
  /** Prefix of internal topics and changelogs; default "topology-test-driver". */
  applicationId?: string;
  defaultKeySerde?: Serde<unknown>;
  defaultValueSerde?: Serde<unknown>;
  /** Default logAndFail, as Kafka Streams. */
  deserializationHandler?: DeserializationExceptionHandler;
  /** Store type for DSL stores that do not choose one; default 'memory'. */
  defaultStoreType?: 'memory' | 'leveldb';
  /** Where DSL stores come from (KIP-954's dsl.store.suppliers.class); wins over defaultStoreType. */
  dslStoreSuppliers?: DslStoreChoice;
  /** Directory for LevelDB stores; default a temp directory removed by close(). */
  stateDir?: string;
  /** Cache bytes per store; 0 disables caching. Default 10 MiB (Kafka's default). */
  cacheMaxBytes?: number;
  /** Start of the mock wall clock; default Date.now(). */
  initialWallClockTimeMs?: number;
  logger?: StreamsLogger;
  /**
   * Opt-in idle watermark (beyond Kafka Streams; off by default): after this many ms of mock
   * wall clock without input, advanceWallClockTime moves each task's stream time forward by the
   * wall-clock time elapsed since its last record (see streams/task/idle-watermark.ts).
   */
  idleWatermarkMs?: number;
  /** Least wall-clock ms between two outer-join scans for non-joined records; default 0 (Kafka's driver too). */
  outerJoinEmitIntervalMs?: number;
  /**
   * Least wall-clock ms between two emit-on-window-close scans for closed windows; default 0, as
   * Kafka's driver forces `emit.interval.ms.kstreams.windowed.aggregation` (the runtime: 1000).
   */
  windowedAggregationEmitIntervalMs?: number;
  /**
   * Which metrics driver.metrics() records (Kafka's metrics.recording.level); default 'DEBUG',
   * so task-level and store metrics are there to assert on. Rates use the mock wall clock.
   */
  metricsRecordingLevel?: RecordingLevel;
  /** Where failed async-operator calls go unless the operator names its own; default logAndFail. */
  processingExceptionHandler?: ProcessingExceptionHandler;
  /** As KafkaStreams' `upgradeFrom` (Kafka's upgrade.from): what the topology writes and reads while upgrading. */
  upgradeFrom?: string;
}

/** driver.metrics(): Kafka's metrics list, plus the dropped-records sum of every task. */
export type DriverMetrics = KafkaMetric[] & { readonly droppedRecordsTotal: number };

const MAX_ROUNDS = 1_000_000;

export class TopologyTestDriver implements InputPipe, OutputSource {
  readonly applicationId: string;
  /** Where persistent stores live (config.stateDir, or the driver's own temp directory). */
  readonly stateDir: string;
  readonly #topology: Topology;
  readonly #tasks: StreamTask[] = [];
  /** The global store groups, run like tasks over the single partition (a subset of #tasks). */
  readonly #globalTasks: StreamTask[] = [];
  readonly #outputs = new Map<string, RawOutputRecord[]>();
  readonly #produced = new Set<string>();
  readonly #pending: Array<{ topic: string; record: OutputRecord }> = [];
  readonly #offsets = new Map<string, number>();
  readonly #ownedStateDir: string | undefined;
  #wallClock: number;
  #closed = false;
  readonly #metrics: StreamsMetrics;

  private constructor(topology: Topology, config: TaskConfig, ownedStateDir: string | undefined, wallClock: number, metrics: StreamsMetrics) {
    this.#topology = topology;
    this.applicationId = config.applicationId;
    this.stateDir = config.stateDir;
    this.#ownedStateDir = ownedStateDir;
    this.#wallClock = wallClock;
    this.#metrics = metrics;
    const io = {
      send: (record: OutputRecord) => this.#capture(record),
      changelog: { send: (r: CollectedRecord) => this.#capture({ ...r, headers: r.headers ?? {} }) },
      now: () => this.#wallClock,
      partitionsFor: () => 1,
      globalStore: (name: string) => this.#globalTasks.find((t) => t.store(name) !== undefined)?.store(name),
    };
    // Global store groups first: they are initialized first, so other processors can read them in init().
    for (const sub of topology.globalSubtopologies()) this.#globalTasks.push(new StreamTask(topology, sub, 0, config, io));
    this.#tasks.push(...this.#globalTasks);
    for (const sub of topology.subtopologies()) this.#tasks.push(new StreamTask(topology, sub, 0, config, io));
  }

  /** Builds the tasks and opens their stores. */
  static async create(topology: Topology, config: TopologyTestDriverConfig = {}): Promise<TopologyTestDriver> {
    const owned = config.stateDir === undefined ? mkdtempSync(join(tmpdir(), 'tributary-ttd-')) : undefined;
    const applicationId = config.applicationId ?? 'topology-test-driver';
    const logger = config.logger ?? consoleLogger;
    const clock = config.initialWallClockTimeMs ?? Date.now();
    // Metric rates and end-to-end latency run on the mock wall clock.
    let driver: TopologyTestDriver | undefined;
    const now = () => (driver === undefined ? clock : driver.wallClockTimeMs);
    const metrics = new StreamsMetrics({ clientId: applicationId, level: config.metricsRecordingLevel ?? 'DEBUG', now, logger });
    const taskConfig: TaskConfig = {
      applicationId,
      upgradeFrom: parseUpgradeFrom('TopologyTestDriver', config.upgradeFrom),
      stateDir: config.stateDir ?? owned!,
      defaultKeySerde: config.defaultKeySerde,
      defaultValueSerde: config.defaultValueSerde,
      deserializationHandler: config.deserializationHandler ?? DeserializationHandlers.logAndFail(config.logger),
      defaultStoreType: config.dslStoreSuppliers ?? config.defaultStoreType ?? 'memory',
      cacheMaxBytes: config.cacheMaxBytes ?? 10 * 1024 * 1024,
      logger,
      idleWatermarkMs: config.idleWatermarkMs,
      processingExceptionHandler: config.processingExceptionHandler,
      // As Kafka's driver: no wall-clock throttle on outer-join results unless asked for.
      outerJoinEmitIntervalMs: checkMs('TopologyTestDriver', 'outerJoinEmitIntervalMs', config.outerJoinEmitIntervalMs ?? 0, 0),
      windowedAggregationEmitIntervalMs: checkMs('TopologyTestDriver', 'windowedAggregationEmitIntervalMs', config.windowedAggregationEmitIntervalMs ?? 0, 0),
      metrics: metrics.thread(`${applicationId}-StreamThread-1`),
    };
    driver = new TopologyTestDriver(topology, taskConfig, owned, clock, metrics);
    try {
      for (const task of driver.#tasks) await task.initialize();
    } catch (e) {
      await driver.close().catch(() => {});
      throw e;
    }
    return driver;
  }

  createInputTopic<K, V>(topic: string, keySerializer: Serializer<K>, valueSerializer: Serializer<V>, options: { startTimestampMs?: number; autoAdvanceMs?: number } = {}): TestInputTopic<K, V> {
    if (!this.#tasks.some((t) => t.consumes(topic))) {
      throw new Error(`Unknown topic: ${topic}. The topology reads [${this.#inputTopics().join(', ')}].`);
    }
    return new TestInputTopic<K, V>(this, topic, keySerializer, valueSerializer, options.startTimestampMs ?? this.#wallClock, options.autoAdvanceMs ?? 0);
  }

  createOutputTopic<K, V>(topic: string, keyDeserializer: Deserializer<K>, valueDeserializer: Deserializer<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic<K, V>(this, topic, keyDeserializer, valueDeserializer);
  }

  /** @internal — used by TestInputTopic. */
  pipeRaw(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Readonly<Record<string, Buffer>>): void {
    this.#checkOpen();
    const task = this.#tasks.find((t) => t.consumes(topic));
    if (task === undefined) throw new Error(`Unknown topic: ${topic}. The topology reads [${this.#inputTopics().join(', ')}].`);
    this.#feed(task, topic, { key, value, timestamp, headers });
    this.#settle();
  }

  /** @internal — used by TestOutputTopic. */
  readOutput(topic: string): RawOutputRecord | undefined {
    return this.#outputs.get(topic)?.shift();
  }

  /** @internal — used by TestOutputTopic. */
  outputSize(topic: string): number {
    return this.#outputs.get(topic)?.length ?? 0;
  }

  /** Every topic the topology wrote to so far: outputs, repartition, changelog, dead-letter. */
  producedTopicNames(): Set<string> {
    return new Set(this.#produced);
  }

  /** Moves the mock wall clock, advances idle watermarks (when configured) and fires due wall-clock punctuations. */
  advanceWallClockTime(ms: number): void {
    this.#checkOpen();
    if (ms < 0) throw new Error(`advanceWallClockTime needs a non-negative duration, got ${ms}.`);
    this.#wallClock += ms;
    for (const task of this.#tasks) task.maybePunctuateSystemTime();
    this.#settle();
  }

  get wallClockTimeMs(): number {
    return this.#wallClock;
  }

  /**
   * A store by name, or undefined. DSL table stores are returned as plain-value views (their
   * timestamps stripped); Processor API stores are returned as they are.
   */
  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStore<K, V> | undefined {
    for (const task of this.#tasks) {
      const store = task.store(name);
      if (store === undefined) continue;
      if (isVersionedStore(store)) throw new TypeError(`Store ${name} is a versioned key-value store and should be accessed via getVersionedKeyValueStore()`);
      const factory = this.#topology.stores().get(name)?.factory as { timestamped?: boolean } | undefined;
      if (factory?.timestamped === true) return new TimestampedStoreFacade(store as KeyValueStore<K, ValueAndTimestamp<V>>, () => this.#wallClock);
      return store as KeyValueStore<K, V>;
    }
    return undefined;
  }

  /** A versioned key-value store by name (Stores.persistentVersionedKeyValueStore, or a table materialized on one), or undefined. */
  getVersionedKeyValueStore<K = unknown, V = unknown>(name: string): VersionedKeyValueStore<K, V> | undefined {
    for (const task of this.#tasks) {
      const store = task.store(name);
      if (store === undefined) continue;
      if (!isVersionedStore(store)) throw new TypeError(`Store ${name} is not a versioned key-value store; use getKeyValueStore()`);
      return (asVersionedTable<K, V>(store)?.versioned ?? store) as VersionedKeyValueStore<K, V>;
    }
    return undefined;
  }

  /**
   * A window store by name, or undefined. Stores of DSL time/sliding windowed aggregations are
   * returned as plain-value views (timestamps stripped), as Kafka's driver does.
   */
  getWindowStore<K = unknown, V = unknown>(name: string): WindowStore<K, V> | undefined {
    for (const task of this.#tasks) {
      const store = task.store(name);
      if (store === undefined) continue;
      const factory = this.#topology.stores().get(name)?.factory as { timestamped?: boolean } | undefined;
      return windowStoreView<K, V>(store, factory?.timestamped === true, () => this.#wallClock);
    }
    return undefined;
  }

  /** A session store by name, or undefined. */
  getSessionStore<K = unknown, V = unknown>(name: string): SessionStore<K, V> | undefined {
    for (const task of this.#tasks) {
      const store = task.store(name);
      if (store !== undefined) return sessionStoreView<K, V>(store);
    }
    return undefined;
  }

  /**
   * The task, processor-node and store metrics in Kafka's shape (name, group, tags, value), as
   * KafkaStreams.metrics() reports them (docs/metrics.md), e.g. dropped-records-total and
   * record-lateness-max of group stream-task-metrics. `droppedRecordsTotal` sums dropped records
   * over the tasks (null keys, bad timestamps, handled errors, late window records).
   */
  metrics(): DriverMetrics {
    const list = this.#metrics.metrics();
    return Object.assign(list, { droppedRecordsTotal: this.#tasks.reduce((n, t) => n + t.droppedRecords, 0) });
  }

  /** Commits (flushing stores), closes every task, and removes the temp state directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let first: unknown;
    for (const task of this.#tasks) {
      try {
        await task.commit();
      } catch (e) {
        first ??= e;
      }
    }
    for (const task of this.#tasks) {
      try {
        await task.close();
      } catch (e) {
        first ??= e;
      }
    }
    if (this.#ownedStateDir !== undefined) rmSync(this.#ownedStateDir, { recursive: true, force: true });
    if (first !== undefined) throw first;
  }

  #inputTopics(): string[] {
    return this.#tasks.flatMap((t) => t.sourceTopics());
  }

  #capture(record: OutputRecord): void {
    const raw: RawOutputRecord = { key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers };
    this.#produced.add(record.topic);
    let list = this.#outputs.get(record.topic);
    if (list === undefined) {
      list = [];
      this.#outputs.set(record.topic, list);
    }
    list.push(raw);
    if (this.#tasks.some((t) => t.consumes(record.topic))) this.#pending.push({ topic: record.topic, record });
  }

  #feed(task: StreamTask, topic: string, r: { key: Buffer | null; value: Buffer | null; timestamp: number; headers: Readonly<Record<string, Buffer>> }): void {
    const offset = this.#offsets.get(topic) ?? 0;
    this.#offsets.set(topic, offset + 1);
    const consumed: ConsumedRecord = { topic, partition: 0, offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers };
    task.addRecords([consumed]);
    task.processAll();
  }

  /**
   * Waits for every async operator call to finish and processes what follows from it (outputs,
   * internal topics, records the operators held back), until no task has async work in flight.
   * A failed call goes to the processing exception handler; under logAndFail this rejects.
   */
  async settle(): Promise<void> {
    this.#checkOpen();
    for (;;) {
      let busy = false;
      for (const task of this.#tasks) {
        if (task.asyncInFlight === 0 && task.numBuffered() === 0) continue;
        busy = true;
        await task.settleAsync(Number.POSITIVE_INFINITY);
        task.processAll();
      }
      if (!busy) return;
      this.#settle();
    }
  }

  /** Per input partition of every task, what a commit would write now (async work caps it). */
  committableOffsets(): Array<{ topic: string; partition: number; offset: number }> {
    return this.#tasks.flatMap((t) => t.committableOffsets());
  }

  /** Steps 2–3 of the file comment: drain internal records, commit, until nothing moves. */
  #settle(): void {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      while (this.#pending.length > 0) {
        const { topic, record } = this.#pending.shift()!;
        const task = this.#tasks.find((t) => t.consumes(topic))!;
        this.#feed(task, topic, record);
      }
      for (const task of this.#tasks) task.flushCaches();
      if (this.#pending.length === 0) return;
    }
    throw new Error(`The topology did not settle after ${MAX_ROUNDS} rounds; does a sub-topology write to a topic it reads?`);
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('This TopologyTestDriver is closed.');
  }
}
