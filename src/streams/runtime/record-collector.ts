/*
 * RuntimeRecordCollector: where every record the stream thread's tasks produce goes — sink and
 * dead-letter records (TaskIo.send) and changelog records (TaskIo.changelog) — on its way to the
 * producer. It is the single source of truth for "how far has each changelog partition been
 * written", which commit step 5 stores next to the data.
 *
 * Records are buffered synchronously while tasks process (the per-record path never awaits) and
 * handed to the producer in one send() per loop turn (dispatch()). The producer batches them and
 * bounds what is unacknowledged (bufferMemory): the thread checks waitForRoom() each turn.
 *
 * Changelog offsets: for each changelog topic-partition, `changelogEndOffsets()` is the offset
 * after the last acknowledged changelog record (the "next offset to restore from"). Commit:
 *   1–2  tasks flush caches → changelog records land in the buffer
 *   3    flush(): dispatch the buffer, await every outstanding send; acknowledged offsets
 *        advance the end offsets; a failed send fails the commit (the input is not committed,
 *        so the records are reprocessed: at-least-once)
 *   4    (exactly_once_v2) commitTransaction(offsets): the input offsets are sent in the
 *        producer's transaction and the transaction is committed, so output, changelog records
 *        and consumed positions become visible together or not at all.
 * Under exactly_once_v2 a transaction begins lazily, with the first records dispatched (or the
 * first offsets committed) after the previous commit, as Kafka's StreamsProducer does.
 */
import type { ConsumerGroupMetadata } from '../../client/types.ts';
import type { PortProducer as Producer, PortProducerRecord as ProducerRecord, PortRecordMetadata as RecordMetadata, TopicPartitionOffset } from './client-port.ts';
import type { CollectedRecord, RecordCollector } from '../state/store-types.ts';
import type { OutputRecord } from '../task/stream-task.ts';

/**
 * The headers of a changelog record without any (most of them): one shared frozen object, not
 * one per record — records wait in the producer until acknowledged, so each would survive
 * young-generation collections.
 */
const NO_HEADERS: Readonly<Record<string, Buffer>> = Object.freeze({});

export class RuntimeRecordCollector {
  readonly #producer: Producer;
  readonly #changelogTopics: ReadonlySet<string>;
  #buffer: ProducerRecord[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  /** Changelog topic → end offset per partition (index); no key string per acknowledged run. */
  readonly #changelogEnd = new Map<string, number[]>();
  #firstError: unknown;
  #sentTotal = 0;
  readonly #exactlyOnce: boolean;
  /** exactly_once_v2: a transaction is open (records or offsets were sent since the last commit). */
  #inTransaction = false;

  constructor(producer: Producer, changelogTopics: ReadonlySet<string>, options: { exactlyOnce?: boolean } = {}) {
    this.#producer = producer;
    this.#changelogTopics = changelogTopics;
    this.#exactlyOnce = options.exactlyOnce === true;
  }

  /** TaskIo.send: sink and dead-letter records. */
  readonly send = (r: OutputRecord): void => {
    this.#buffer.push({ topic: r.topic, partition: r.partition, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers });
  };

  /** TaskIo.changelog: the changelogging stores' collector. */
  readonly changelog: RecordCollector = {
    send: (r: CollectedRecord): void => {
      this.#buffer.push({ topic: r.topic, partition: r.partition, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers ?? NO_HEADERS });
    },
  };

  /** Records handed to the producer so far (for metrics and the demo). */
  get sentTotal(): number {
    return this.#sentTotal;
  }

  /** Hands the buffered records to the producer (not awaited; flush() awaits). */
  dispatch(): void {
    if (this.#buffer.length === 0) return;
    this.#beginTransaction();
    const batch = this.#buffer;
    this.#buffer = [];
    this.#sentTotal += batch.length;
    const p = this.#producer.send(batch).then(
      (meta) => this.#acknowledged(batch, meta),
      (e: unknown) => {
        this.#firstError ??= e;
      },
    );
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  /**
   * Undefined while the producer's send buffer has room (the common case: nothing allocated);
   * else a promise that settles when it has. The stream thread waits on it before processing
   * more, so the unacknowledged output stays within bufferMemory as a Kafka Streams thread
   * blocked in send() does, and queued records do not pile up to be promoted by the GC.
   */
  waitForRoom(): Promise<void> | undefined {
    return this.#producer.waitForRoom?.();
  }

  /** Commit step 3: every record produced so far is acknowledged, or this throws the first failure. */
  async flush(): Promise<void> {
    this.dispatch();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    await this.#producer.flush();
    if (this.#firstError !== undefined) {
      const e = this.#firstError;
      this.#firstError = undefined;
      throw new Error(`Producing the application's output failed: ${e instanceof Error ? e.message : String(e)}. Uncommitted input will be reprocessed.`, { cause: e });
    }
  }

  /**
   * Commit step 4 under exactly_once_v2: flush, send the input offsets in the transaction, commit
   * it. Nothing to do when no record and no offset was sent since the last commit. A failure
   * leaves the transaction to be aborted: the caller closes its tasks dirty (see stream-thread.ts).
   */
  async commitTransaction(offsets: readonly TopicPartitionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    await this.flush();
    if (!this.#inTransaction && offsets.length === 0) return;
    this.#beginTransaction();
    if (offsets.length > 0) await this.#producer.sendOffsetsToTransaction(offsets, group);
    await this.#producer.commitTransaction();
    this.#inTransaction = false;
  }

  #beginTransaction(): void {
    if (!this.#exactlyOnce || this.#inTransaction) return;
    this.#producer.beginTransaction();
    this.#inTransaction = true;
  }

  /** The offset after the last acknowledged record of a changelog partition, if any was written. */
  changelogEndOffset(topic: string, partition: number): number | undefined {
    return this.#changelogEnd.get(topic)?.[partition];
  }

  /** Drops records not yet handed to the producer (a task closed without committing). */
  discardBuffered(): void {
    this.#buffer = [];
  }

  /**
   * Advances the changelog end offsets past a batch's acknowledged records. A batch holds runs of
   * one changelog partition (a store's flush), so the map is read once per run, not per record.
   * Runs can be one record long (a stream-stream join alternates its window and outer stores'
   * changelogs), hence a topic map of per-partition arrays: no key string is built per run.
   */
  #acknowledged(batch: readonly ProducerRecord[], meta: readonly RecordMetadata[]): void {
    let runTopic: string | undefined;
    let runPartition = -1;
    let runNext = -1;
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const m = meta[i];
      if (m === undefined || m.offset < 0) continue;
      if (r.topic !== runTopic || m.partition !== runPartition) {
        if (runTopic !== undefined) this.#advance(runTopic, runPartition, runNext);
        if (!this.#changelogTopics.has(r.topic)) {
          runTopic = undefined;
          continue;
        }
        runTopic = r.topic;
        runPartition = m.partition;
        runNext = -1;
      }
      if (m.offset + 1 > runNext) runNext = m.offset + 1;
    }
    if (runTopic !== undefined) this.#advance(runTopic, runPartition, runNext);
  }

  #advance(topic: string, partition: number, next: number): void {
    let ends = this.#changelogEnd.get(topic);
    if (ends === undefined) this.#changelogEnd.set(topic, (ends = []));
    if ((ends[partition] ?? -1) < next) ends[partition] = next;
  }
}
