/*
 * KafkaProducer: the Producer of types.ts on the project's own wire client (cluster.ts over
 * src/protocol). It replaces the kafkajs producer on the streams runtime's path: no per-message
 * objects beyond the caller's records, one record batch v2 built per partition per request, and
 * several Produce requests in flight per broker, so the broker's group commit covers them with
 * one fsync (acks=-1).
 *
 * Pieces (Kafka's Java producer has the same split):
 *   accumulator.ts          the queue of send() calls, cut into one batch per partition per chunk,
 *                           and the FIFO settlement of calls
 *   partitioner.ts          explicit, murmur2(key) % partitions as Java, or sticky for null keys
 *   sender.ts               the one loop that writes Produce requests: in-flight limits per broker,
 *                           retries that never reorder a partition, idempotent recovery
 *   transaction-manager.ts  producer id, epoch and per-partition sequences (idempotence)
 *   transactions.ts         the transaction state machine and its coordinator calls
 *   batch.ts                the call and batch records and their state transitions
 * This file holds the public API: options, connect, send (queued; the first send() of a tick
 * wakes the sender with setImmediate, so every call of the tick and its microtasks go out
 * together), flush, the transaction calls and disconnect.
 *
 * Idempotence (`idempotent: true`, acks=-1, at most 5 requests in flight per broker): every batch
 * is stamped with the producer id, epoch and the partition's next sequence when first encoded, and
 * a retry resends the same bytes, so retries after a lost connection or a broker kill -9 produce no
 * duplicates (sender.ts, transaction-manager.ts).
 *
 * Transactions (`transactionalId`; transactions.ts owns the state and the coordinator calls): the
 * sender adds a chunk's new partitions to the open transaction (AddPartitionsToTxn) before it
 * writes them, batches carry the transactional bit, and every failed batch makes the transaction
 * abortable instead of restarting a sequence (the coordinator owns the epoch). commit flushes
 * first; abort waits for the records in flight (they are then aborted with the rest).
 *
 * Send buffer (`bufferMemory`, Kafka's buffer.memory, default 32 MiB): records wait in the
 * accumulator while the unacknowledged ones fill it, for at most maxBlockMs (buffer-budget.ts);
 * waitForRoom() lets a caller stop producing meanwhile.
 *
 * An unknown topic is looked up as Kafka's producer does (#topic): auto-created where the broker
 * allows it, waited for up to maxBlockMs, then the call fails naming it.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import type { ClientConfig, ConsumerGroupMetadata, Producer, ProducerOptions, ProducerRecord, RecordMetadata, TopicPartitionOffset } from '../types.ts';
import { clusterFromConfig, WireCluster, type TopicInfo } from '../cluster.ts';
import { RecordAccumulator } from './accumulator.ts';
import { BufferBudget } from './buffer-budget.ts';
import { parseBufferOptions } from './buffer-options.ts';
import { Sender } from './sender.ts';
import { TransactionManager } from './transaction-manager.ts';
import { Transactions } from './transactions.ts';
import { ProducerMetrics } from '../metrics/client-metrics.ts';
import type { KafkaMetric } from '../../metrics/metric-registry.ts';

export interface ProducerTuning {
  /** Produce requests outstanding per broker connection. Default 5 (Kafka's default). */
  readonly maxInFlight?: number | undefined;
  /** How long a failed batch is retried before its calls fail. Default 20000 ms. */
  readonly deliveryTimeoutMs?: number | undefined;
  /** How long a send waits for an unknown topic to appear in the metadata. Default 60000 ms (Kafka's max.block.ms). */
  readonly maxBlockMs?: number | undefined;
}

const TOPIC_BACKOFF_MS = 100;
const TOPIC_BACKOFF_MAX_MS = 1000;

export class KafkaProducer implements Producer {
  readonly #cluster: WireCluster;
  readonly #ownsCluster: boolean;
  readonly #maxBlockMs: number;
  readonly #txn: TransactionManager;
  /** Set for a transactional producer. */
  readonly #txns: Transactions | undefined;
  readonly #acc: RecordAccumulator;
  readonly #buffer: BufferBudget;
  readonly #sender: Sender;
  readonly #metrics: ProducerMetrics;
  #scheduled = false;
  #connected = false;

  /** `source`: a ClientConfig (the producer owns its connections), or a cluster shared with its owner (who closes it). */
  constructor(source: ClientConfig | WireCluster, options: ProducerOptions = {}, tuning: ProducerTuning = {}) {
    const transactionalId = options.transactionalId;
    if (transactionalId !== undefined && (typeof transactionalId !== 'string' || transactionalId === '')) {
      throw new KafkaClientError('producer options: transactionalId must be a non-empty string', { retriable: false });
    }
    const idempotent = options.idempotent === true || transactionalId !== undefined;
    if (idempotent && options.acks !== undefined && options.acks !== -1) {
      throw new KafkaClientError(`producer options: acks must be -1 (all) with ${transactionalId !== undefined ? 'transactionalId' : 'idempotent: true'}, got ${options.acks}`, { retriable: false });
    }
    this.#ownsCluster = !(source instanceof WireCluster);
    this.#cluster = source instanceof WireCluster ? source : clusterFromConfig(source);
    const buffer = parseBufferOptions({ bufferMemory: options.bufferMemory, maxBlockMs: tuning.maxBlockMs ?? options.maxBlockMs });
    this.#maxBlockMs = buffer.maxBlockMs;
    this.#txn = new TransactionManager(this.#cluster, { idempotent });
    this.#txns = transactionalId === undefined ? undefined : new Transactions(this.#cluster, this.#txn, transactionalId, options.transactionTimeoutMs ?? 60_000, this.#maxBlockMs, options.offsetsGroupId);
    const maxRequestBytes = Math.max(1, options.maxRequestBytes ?? 900 * 1024);
    this.#acc = new RecordAccumulator(
      { maxBatchRecords: Math.max(1, options.maxBatchRecords ?? 2000), maxRequestBytes },
      { cached: (name) => this.#cluster.topics.get(name), lookup: (name) => this.#topic(name), refresh: (name) => this.#cluster.topic(name, { refresh: true, allowAutoCreate: false }) },
      { budget: (this.#buffer = new BufferBudget(buffer.bufferMemory)), maxBlockMs: buffer.maxBlockMs, wake: () => this.#schedule() },
    );
    this.#metrics = new ProducerMetrics(source instanceof WireCluster ? undefined : source.metrics, source instanceof WireCluster ? 'tributary' : source.clientId);
    this.#metrics.bufferGauges(this.#buffer);
    this.#sender = new Sender(this.#cluster, this.#acc, this.#txn, this.#txns, {
      metrics: this.#metrics,
      acks: options.acks ?? -1,
      compression: options.compression === 'gzip' ? 1 : undefined,
      // The broker deduplicates against a partition's last five batches only (see transaction-manager.ts).
      maxInFlight: Math.min(idempotent ? 5 : Infinity, Math.max(1, tuning.maxInFlight ?? 5)),
      maxRequestBytes,
      deliveryTimeoutMs: tuning.deliveryTimeoutMs ?? 20_000,
      requestTimeoutMs: this.#cluster.requestTimeoutMs,
    });
  }

  async connect(): Promise<void> {
    try {
      await this.#cluster.any();
      if (this.#txns !== undefined) {
        if (this.#txns.state === 'uninitialized') await this.#txns.init();
      } else await this.#txn.init();
      this.#connected = true;
      this.#sender.closing = false;
    } catch (e) {
      throw toClientError(e, 'connecting the producer');
    }
  }

  send(records: readonly ProducerRecord[]): Promise<readonly RecordMetadata[]> {
    if (!this.#connected) return Promise.reject(new KafkaClientError('send failed: the producer is not connected; call connect() first', { retriable: false }));
    if (records.length === 0) return Promise.resolve([]);
    if (this.#txns !== undefined) {
      try {
        this.#txns.checkSend();
      } catch (e) {
        return Promise.reject(e);
      }
    }
    const done = this.#acc.append(records);
    this.#schedule();
    return done;
  }

  /**
   * Undefined while the send buffer has room for every record sent so far (nothing allocated);
   * otherwise a promise that settles (never rejects) once no send() waits for room any more —
   * how a caller that must not outrun the broker blocks as Kafka's send() does at buffer.memory.
   */
  waitForRoom(): Promise<void> | undefined {
    return this.#acc.waitForRoom();
  }

  /** The send buffer's size and the bytes of unacknowledged records it holds now. */
  get bufferBytes(): { readonly total: number; readonly used: number } {
    return { total: this.#buffer.total, used: this.#buffer.used };
  }

  /** Wakes the sender once per tick: every call of the tick and its microtasks go out together. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#sender.wake();
    });
  }

  flush(): Promise<void> {
    return this.#acc.lastDone;
  }

  beginTransaction(): void {
    this.#transactions('beginTransaction()').begin();
  }

  async sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    await this.#transactions('sendOffsetsToTransaction()').sendOffsets(offsets, group);
  }

  async commitTransaction(): Promise<void> {
    const txns = this.#transactions('commitTransaction()');
    await this.flush();
    await txns.end(true);
  }

  async abortTransaction(): Promise<void> {
    const txns = this.#transactions('abortTransaction()');
    await this.flush();
    await txns.end(false);
  }

  #transactions(call: string): Transactions {
    if (this.#txns === undefined) throw new KafkaClientError(`${call} needs a transactional producer: create it with a transactionalId`, { retriable: false, kafkaType: 'INVALID_TXN_STATE' });
    if (!this.#connected) throw new KafkaClientError(`${call} failed: the producer is not connected; call connect() first`, { retriable: false });
    return this.#txns;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    this.#sender.closing = true;
    await this.flush();
    this.#metrics.close();
    if (this.#ownsCluster) this.#cluster.close();
  }

  /** This producer's producer-metrics (Kafka's names; docs/metrics.md), as of now. */
  metrics(): KafkaMetric[] {
    return this.#metrics.metrics();
  }

  /**
   * Cached topic metadata, else looked up as Kafka's producer does: Metadata asks the broker to
   * create the topic (allowAutoTopicCreation, honoured only by a broker with auto-creation on) and
   * is repeated with backoff while the topic stays unknown or leaderless, for at most maxBlockMs
   * (Kafka's max.block.ms). Then the call fails, not retriable, typed UNKNOWN_TOPIC_OR_PARTITION
   * and naming the topic: the caller must create it (a streams app stops instead of looping).
   */
  async #topic(name: string): Promise<TopicInfo> {
    const cached = this.#cluster.topics.get(name);
    if (cached !== undefined) return cached;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#cluster.topic(name, { allowAutoCreate: true });
      } catch (e) {
        const err = e as { retriable?: boolean; code?: number; message?: string };
        if (err.retriable === false && err.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw toClientError(e, `looking up topic "${name}"`);
        const waited = Date.now() - started;
        if (waited >= this.#maxBlockMs) {
          throw new KafkaClientError(`topic "${name}" is not in the cluster's metadata after ${waited} ms (${err.message ?? String(e)}); create it, or enable the broker's topic auto-creation`, {
            retriable: false,
            cause: e,
            kafkaType: 'UNKNOWN_TOPIC_OR_PARTITION',
          });
        }
        await sleep(Math.min(TOPIC_BACKOFF_MAX_MS, TOPIC_BACKOFF_MS * 2 ** attempt, Math.max(1, this.#maxBlockMs - waited)));
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
