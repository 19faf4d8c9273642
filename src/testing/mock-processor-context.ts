/*
 * MockProcessorContext: a processor context for unit-testing one processor outside a topology,
 * as Kafka Streams' `org.apache.kafka.streams.processor.api.MockProcessorContext` (in
 * streams-test-utils). The test sets the record metadata and clocks, calls `init(context)` and
 * `process(record)` itself, then reads what was forwarded, scheduled and dropped.
 *
 * It also carries what the runtime adds for the DSL's own operators (a logger and the task's
 * dropped-records counter), so a DSL processor (a table join, an aggregation) can be driven
 * directly, as Kafka's tests drive `KTableKTableInnerJoin.get()`. Dropped records are counted in
 * the task metric `dropped-records-total` (group stream-task-metrics), which `metrics()` lists
 * with the tags a task would have, and each drop is logged (warn) with its reason and kept in
 * `logMessages()`.
 *
 * Invariants: forwards are kept in call order until resetForwards(); scheduling never fires a
 * punctuator by itself (the test calls `scheduledPunctuators()[i].punctuator(t)`), as in Kafka.
 */
import type { KafkaMetric } from '../metrics/metric-registry.ts';
import type { Cancellable, ProcessorContext, Punctuator, PunctuationType, RecordMetadata } from '../streams/processor/processor-context.ts';
import type { StreamRecord } from '../streams/processor/record.ts';
import type { StateStore } from '../streams/state/store-types.ts';
import { StreamsMetrics } from '../streams/metrics/streams-metrics.ts';
import { TaskMetrics } from '../streams/metrics/task-metrics.ts';
import type { InternalProcessorContext, StreamsLogger } from '../streams/task/internal-context.ts';

export interface MockProcessorContextConfig {
  readonly applicationId?: string;
  /** "<subtopology>_<partition>"; default "0_0" as Kafka's mock. */
  readonly taskId?: string;
  readonly nodeName?: string;
  /** Where drop warnings also go (they are always kept in logMessages()); default: nowhere. */
  readonly logger?: StreamsLogger;
}

/** One forward() call: the record and the child it was addressed to (undefined: all children). */
export interface CapturedForward<K, V> {
  readonly record: StreamRecord<K, V>;
  readonly childName: string | undefined;
}

/** One schedule() call; `cancelled` turns true when the returned Cancellable is cancelled. */
export interface CapturedPunctuator {
  readonly intervalMs: number;
  readonly type: PunctuationType;
  readonly punctuator: Punctuator;
  readonly cancelled: boolean;
}

export class MockProcessorContext<KOut = never, VOut = never> implements InternalProcessorContext<KOut, VOut> {
  readonly applicationId: string;
  readonly taskId: string;
  readonly nodeName: string;
  readonly logger: StreamsLogger;
  readonly outerJoinEmitIntervalMs = 0;
  readonly windowedAggregationEmitIntervalMs = 0;
  readonly #metrics: StreamsMetrics;
  readonly #task: TaskMetrics;
  readonly #stores = new Map<string, StateStore>();
  readonly #forwards: CapturedForward<KOut, VOut>[] = [];
  readonly #punctuators: { intervalMs: number; type: PunctuationType; punctuator: Punctuator; cancelled: boolean }[] = [];
  readonly #messages: string[] = [];
  readonly #processorMetadata = new Map<string, number>();
  #metadata: RecordMetadata | undefined;
  #streamTime = -1;
  #systemTime = 0;

  constructor(config: MockProcessorContextConfig = {}) {
    this.applicationId = config.applicationId ?? 'dummy-application-id';
    this.taskId = config.taskId ?? '0_0';
    this.nodeName = config.nodeName ?? 'mock-node';
    const sink = config.logger;
    const messages = this.#messages;
    this.logger = {
      warn(message: string) {
        messages.push(message);
        sink?.warn(message);
      },
      error(message: string) {
        messages.push(message);
        sink?.error(message);
      },
    };
    this.#metrics = new StreamsMetrics({ clientId: this.applicationId, logger: this.logger });
    this.#task = new TaskMetrics(this.#metrics.registry.scope({ 'thread-id': 'mock-thread', 'task-id': this.taskId }));
  }

  /** The metadata recordMetadata() answers until changed; Kafka's setRecordMetadata(topic, partition, offset). */
  setRecordMetadata(topic: string, partition: number, offset: number): void {
    this.#metadata = { topic, partition, offset };
  }

  setCurrentStreamTimeMs(ms: number): void {
    this.#streamTime = ms;
  }

  setCurrentSystemTimeMs(ms: number): void {
    this.#systemTime = ms;
  }

  /** Makes `store` available to getStateStore(store.name); the test opens it itself. */
  addStateStore(store: StateStore): void {
    this.#stores.set(store.name, store);
  }

  forward(record: StreamRecord<KOut, VOut>, childName?: string): void {
    this.#forwards.push({ record, childName });
  }

  getStateStore<S extends StateStore = StateStore>(name: string): S {
    const store = this.#stores.get(name);
    if (store === undefined) throw new Error(`MockProcessorContext has no state store "${name}"; add it with addStateStore() (added: [${[...this.#stores.keys()].join(', ')}]).`);
    return store as S;
  }

  schedule(intervalMs: number, type: PunctuationType, callback: Punctuator): Cancellable {
    const entry = { intervalMs, type, punctuator: callback, cancelled: false };
    this.#punctuators.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  currentStreamTimeMs(): number {
    return this.#streamTime;
  }

  currentSystemTimeMs(): number {
    return this.#systemTime;
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.#metadata;
  }

  recordDropped(reason: string): void {
    this.#task.dropped.add();
    this.logger.warn(reason);
  }

  processorMetadataForKey(key: string): number | undefined {
    return this.#processorMetadata.get(key);
  }

  addProcessorMetadataKeyValue(key: string, value: number): void {
    this.#processorMetadata.set(key, value);
  }

  /** Everything forwarded (to `childName` only, when given) since the last resetForwards(). */
  forwarded(childName?: string): CapturedForward<KOut, VOut>[] {
    return childName === undefined ? [...this.#forwards] : this.#forwards.filter((f) => f.childName === childName);
  }

  resetForwards(): void {
    this.#forwards.length = 0;
  }

  scheduledPunctuators(): readonly CapturedPunctuator[] {
    return [...this.#punctuators];
  }

  /** The warn/error lines the processor logged through this context, oldest first. */
  logMessages(): readonly string[] {
    return [...this.#messages];
  }

  /** The task metrics in Kafka's shape, e.g. dropped-records-total of group stream-task-metrics. */
  metrics(): KafkaMetric[] {
    return this.#metrics.metrics();
  }
}
