/*
 * Size: ~650 lines, over the ~400 the codebase aims for, on purpose for now: the call queue, the
 * open batches, the per-broker in-flight counts and the recovery are one state machine whose
 * invariants (FIFO settlement, a partition's order across retries, idempotent stamps first
 * assigned in seq order) each span all four; partitioning (partitioner.ts), sequence bookkeeping
 * (transaction-manager.ts) and encoding (the codec's batch-encoder.ts) are already apart. Splitting the rest
 * into accumulator and sender is listed in docs/not-implemented.md.
 *
 * Producer (types.ts) on the project's own wire client (cluster.ts: WireCluster and
 * WireConnection over src/protocol). It replaces the kafkajs producer on the streams runtime's
 * path: no per-message objects beyond the caller's records, one record batch v2 built per
 * partition per request, and several Produce requests in flight per broker, so the broker's
 * group commit covers them with one fsync (acks=-1).
 *
 * Pipeline:
 *   send()  queues the call; the first send() of a tick wakes the sender with setImmediate, so
 *           every call of the tick (and its microtasks) is in the queue when the sender runs.
 *   sender  one async loop, the only writer of requests. It takes queued records in order into a
 *           chunk of at most maxBatchRecords records and about maxRequestBytes bytes, chooses each
 *           record's partition (partitioner.ts: explicit; else murmur2(key) % partitions as
 *           Kafka's Java client; else sticky per topic for null keys), builds one
 *           batch per partition and writes one Produce per leader, waiting while that broker
 *           already has maxInFlight requests outstanding. Records queued meanwhile join the next
 *           chunk, so requests grow when the broker is slow.
 *   replies ack each batch: record i of a batch gets baseOffset + i (acks=0: offset -1).
 *
 * Order (the contract: a partition's records keep their order across calls). Requests on one
 * connection are appended by the broker in the order written, so without errors order holds with
 * any number in flight. Kafka's producer with max.in.flight > 1 and retries can reorder a partition
 * when request k fails and k+1 succeeds; this one does not:
 *   - a retriable failure (connection lost, timeout, NOT_LEADER…, a broker restart) stops the
 *     sender; it waits for every request in flight to settle (recovery below);
 *   - for each partition with a failed batch, it resends that batch AND every later batch of the
 *     partition that is not final, even those the broker acknowledged, in their original order,
 *     one request at a time, after a backoff (100 ms doubling to 1 s) and a metadata refresh;
 *   - so the log may hold duplicates (at-least-once, as any retrying non-idempotent producer;
 *     the idempotent one below has none),
 *     but the last copy of every record is in send order, and a compacted changelog keeps the
 *     right value. The metadata reported is that of the copy written last.
 *   Retrying stops deliveryTimeoutMs (default 20 s, about kafkajs' retry budget) after recovery
 *   began; the calls holding those batches then fail with a retriable KafkaClientError.
 *   A non-retriable partition error (RECORD_TOO_LARGE, INVALID_RECORD…) fails only the calls
 *   holding that batch.
 *
 * Settlement: calls resolve (or reject) in FIFO order, each once every batch holding its records
 * is final. A batch can only be invalidated (resent) by an earlier batch of its partition failing,
 * and that batch belongs to this call or an earlier, still unsettled one — so a settled call's
 * metadata never changes. flush() waits for the last call queued before it.
 *
 * Idempotence (`idempotent: true`, acks=-1, at most 5 requests in flight per broker): every batch
 * is stamped with the producer id, epoch and the partition's next sequence when first encoded
 * (producer/transaction-manager.ts), and a retry resends the same bytes, so a batch the broker
 * already appended (its reply lost with the connection, a broker killed and restarted) is answered
 * with its original offset instead of being appended twice. The recovery then resends only the
 * unacknowledged batches of a partition (the broker orders them by sequence), and
 * OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID either wait for the earlier batch that explains
 * them or restart the partition's sequence under a new epoch (#sequenceError).
 *
 * An unknown topic is looked up as Kafka's producer does (#topic): auto-created where the broker
 * allows it, waited for up to maxBlockMs, then the call fails naming it.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import { ErrorCode, errorInfo } from '../../protocol/error-codes.ts';
import type { CompressionCodec } from '../../protocol/records/compression.ts';
import { buildRecordBatch } from '../../protocol/records/batch-encoder.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import type { ClientConfig, Producer, ProducerOptions, ProducerRecord, RecordMetadata } from '../types.ts';
import { clusterFromConfig, WireCluster, type TopicInfo } from '../cluster.ts';
import { estimatedRecordSize } from './record-size.ts';
import { Partitioner } from './partitioner.ts';
import { TransactionManager, type BatchStamp } from './transaction-manager.ts';

export interface ProducerTuning {
  /** Produce requests outstanding per broker connection. Default 5 (Kafka's default). */
  readonly maxInFlight?: number | undefined;
  /** How long a failed batch is retried before its calls fail. Default 20000 ms. */
  readonly deliveryTimeoutMs?: number | undefined;
  /** How long a send waits for an unknown topic to appear in the metadata. Default 60000 ms (Kafka's max.block.ms). */
  readonly maxBlockMs?: number | undefined;
}

interface Call {
  readonly records: readonly ProducerRecord[];
  readonly meta: RecordMetadata[];
  /** Records already placed into batches (or rejected). */
  taken: number;
  /** Partition of each record, chosen when the call is first taken by the sender. */
  partitions: Int32Array | undefined;
  /** Batch memberships not final yet. */
  outstanding: number;
  settled: boolean;
  error: KafkaClientError | undefined;
  resolve(meta: readonly RecordMetadata[]): void;
  reject(e: unknown): void;
}

type BatchState = 'inflight' | 'acked' | 'retry' | 'failed';

interface Batch {
  readonly seq: number;
  readonly topic: string;
  readonly partition: number;
  readonly records: ProducerRecord[];
  readonly owners: Call[];
  readonly indexes: number[];
  /** Distinct owners, in order (a call counts once per batch). */
  readonly distinct: Call[];
  bytes: Buffer | undefined;
  /** Producer id, epoch and base sequence, given when the batch is first encoded (idempotence). */
  stamp: BatchStamp | undefined;
  state: BatchState;
  lastError: unknown;
}

const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_MAX_MS = 1000;

export class KafkaProducer implements Producer {
  readonly #cluster: WireCluster;
  readonly #acks: -1 | 0 | 1;
  readonly #compression: CompressionCodec | undefined;
  readonly #maxBatchRecords: number;
  readonly #maxRequestBytes: number;
  readonly #maxInFlight: number;
  readonly #deliveryTimeoutMs: number;
  readonly #maxBlockMs: number;
  readonly #requestTimeoutMs: number;
  readonly #txn: TransactionManager;
  readonly #ownsCluster: boolean;
  /** Partitions whose sequence broke (idempotence): re-stamped by the next recovery. */
  readonly #gaps = new Map<string, { topic: string; partition: number }>();
  readonly #partitioner = new Partitioner();
  /** Calls not yet settled, FIFO; `#head` indexes the oldest. The first `#cursor` are fully taken. */
  #calls: Call[] = [];
  #head = 0;
  #cursor = 0;
  /** Batches written whose calls are not all settled, in write (seq) order. */
  #open: Batch[] = [];
  #seq = 0;
  readonly #inFlight = new Map<number, number>();
  readonly #settling = new Set<Promise<void>>();
  #wakeSender: (() => void) | undefined;
  #scheduled = false;
  #running = false;
  #needsRecovery = false;
  #lastDone: Promise<void> = Promise.resolve();
  #connected = false;
  /** disconnect() was called: batches needing a retry fail instead of being retried. */
  #closing = false;

  /** `source`: a ClientConfig (the producer owns its connections), or a cluster shared with its owner (who closes it). */
  constructor(source: ClientConfig | WireCluster, options: ProducerOptions = {}, tuning: ProducerTuning = {}) {
    const idempotent = options.idempotent === true;
    if (idempotent && options.acks !== undefined && options.acks !== -1) {
      throw new KafkaClientError(`producer options: acks must be -1 (all) with idempotent: true, got ${options.acks}`, { retriable: false });
    }
    this.#ownsCluster = !(source instanceof WireCluster);
    this.#cluster = source instanceof WireCluster ? source : clusterFromConfig(source);
    this.#requestTimeoutMs = this.#cluster.requestTimeoutMs;
    this.#txn = new TransactionManager(this.#cluster, { idempotent });
    this.#acks = options.acks ?? -1;
    this.#compression = options.compression === 'gzip' ? 1 : undefined;
    this.#maxBatchRecords = Math.max(1, options.maxBatchRecords ?? 2000);
    this.#maxRequestBytes = Math.max(1, options.maxRequestBytes ?? 900 * 1024);
    // The broker deduplicates against a partition's last five batches only (see transaction-manager.ts).
    this.#maxInFlight = Math.min(idempotent ? 5 : Infinity, Math.max(1, tuning.maxInFlight ?? 5));
    this.#deliveryTimeoutMs = tuning.deliveryTimeoutMs ?? 20_000;
    this.#maxBlockMs = tuning.maxBlockMs ?? options.maxBlockMs ?? 60_000;
  }

  async connect(): Promise<void> {
    try {
      await this.#cluster.any();
      await this.#txn.init();
      this.#connected = true;
      this.#closing = false;
    } catch (e) {
      throw toClientError(e, 'connecting the producer');
    }
  }

  send(records: readonly ProducerRecord[]): Promise<readonly RecordMetadata[]> {
    if (!this.#connected) return Promise.reject(new KafkaClientError('send failed: the producer is not connected; call connect() first', { retriable: false }));
    if (records.length === 0) return Promise.resolve([]);
    const done = new Promise<readonly RecordMetadata[]>((resolve, reject) => {
      this.#calls.push({ records, meta: new Array<RecordMetadata>(records.length), taken: 0, partitions: undefined, outstanding: 0, settled: false, error: undefined, resolve, reject });
    });
    this.#lastDone = done.then(() => undefined, () => undefined);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#wake();
      });
    }
    return done;
  }

  flush(): Promise<void> {
    return this.#lastDone;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    this.#closing = true;
    await this.flush();
    if (this.#ownsCluster) this.#cluster.close();
  }

  // ------------------------------------------------------------------------------------------
  // Sender

  #wake(): void {
    if (this.#running) {
      const w = this.#wakeSender;
      this.#wakeSender = undefined;
      w?.();
      return;
    }
    this.#running = true;
    void this.#run().catch((e: unknown) => this.#failEverything(e)).finally(() => {
      this.#running = false;
      // Work that arrived while the loop was finishing.
      if (this.#cursor < this.#calls.length || this.#needsRecovery) this.#wake();
    });
  }

  async #run(): Promise<void> {
    for (;;) {
      if (this.#needsRecovery) {
        await this.#recover();
        continue;
      }
      const chunk = await this.#takeChunk();
      if (chunk === undefined) return;
      for (const [leader, batches] of this.#byLeader(chunk)) {
        await this.#slot(leader);
        if (this.#needsRecovery) {
          // Not written: the recovery resends them after the failed ones, in seq order.
          for (const b of batches) this.#markRetry(b, undefined);
          continue;
        }
        await this.#write(leader, batches, false);
      }
    }
  }

  /**
   * Last resort for a bug or an input the checks above missed (the sender threw): every unsettled
   * call fails with that error instead of hanging, and the producer starts afresh.
   */
  #failEverything(e: unknown): void {
    const err = toClientError(e, 'the producer\'s sender');
    for (let i = this.#head; i < this.#calls.length; i++) {
      const call = this.#calls[i]!;
      call.error ??= err;
      call.taken = call.records.length;
      call.outstanding = 0;
    }
    this.#cursor = this.#calls.length;
    this.#open = [];
    this.#needsRecovery = false;
    this.#settle();
  }

  /** Next records in order, as batches (one per partition); undefined when nothing is queued. */
  async #takeChunk(): Promise<Batch[] | undefined> {
    // Batches of this chunk by topic, indexed by partition; `last` short-cuts runs of records
    // bound for the same partition (the common case: a task writes to its own partition).
    const byTopic = new Map<string, Batch[]>();
    const chunk: Batch[] = [];
    let last: Batch | undefined;
    let count = 0;
    let bytes = 0;
    while (this.#cursor < this.#calls.length) {
      const call = this.#calls[this.#cursor]!;
      if (call.partitions === undefined && !(await this.#partitionCall(call))) {
        call.taken = call.records.length;
        this.#cursor++;
        this.#settle();
        continue;
      }
      const parts = call.partitions!;
      const records = call.records;
      while (call.taken < records.length) {
        const r = records[call.taken]!;
        const size = estimatedRecordSize(r);
        if (count > 0 && (count >= this.#maxBatchRecords || bytes + size > this.#maxRequestBytes)) return chunk;
        const p = parts[call.taken]!;
        let b = last;
        if (b === undefined || b.partition !== p || b.topic !== r.topic) {
          let list = byTopic.get(r.topic);
          if (list === undefined) byTopic.set(r.topic, (list = []));
          b = list[p];
          if (b === undefined) {
            b = { seq: this.#seq++, topic: r.topic, partition: p, records: [], owners: [], indexes: [], distinct: [], bytes: undefined, stamp: undefined, state: 'inflight', lastError: undefined };
            list[p] = b;
            chunk.push(b);
            this.#open.push(b);
          }
          last = b;
        }
        b.records.push(r);
        b.owners.push(call);
        b.indexes.push(call.taken);
        if (b.distinct[b.distinct.length - 1] !== call) {
          b.distinct.push(call);
          call.outstanding++;
        }
        call.taken++;
        count++;
        bytes += size;
      }
      this.#cursor++;
    }
    return chunk.length === 0 ? undefined : chunk;
  }

  /** Chooses every record's partition; false (and the call failed) when that is impossible. */
  async #partitionCall(call: Call): Promise<boolean> {
    const parts = new Int32Array(call.records.length);
    for (let i = 0; i < call.records.length; i++) {
      const r = call.records[i]!;
      let info = this.#cluster.topics.get(r.topic);
      if (info === undefined) {
        try {
          info = await this.#topic(r.topic);
        } catch (e) {
          call.error = toClientError(e, `sending ${call.records.length} records to ${r.topic}`);
          return false;
        }
      }
      const n = info.partitions.length;
      if ((r.key !== null && !Buffer.isBuffer(r.key)) || (r.value !== null && !Buffer.isBuffer(r.value))) {
        call.error = new KafkaClientError(`sending to ${r.topic} failed: record ${i} has a key or value that is neither a Buffer nor null; serialize it first`, { retriable: false });
        return false;
      }
      if (r.partition !== undefined) {
        if (!Number.isInteger(r.partition) || r.partition < 0 || r.partition >= n) {
          call.error = new KafkaClientError(`sending to ${r.topic}-${r.partition} failed: the topic has partitions 0-${n - 1}; pick one of those or leave partition unset`, { retriable: false });
          return false;
        }
      }
      parts[i] = this.#partitioner.partition(r, n, r.key === null && r.partition === undefined ? estimatedRecordSize(r) : 0);
    }
    call.partitions = parts;
    return true;
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
        await sleep(Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** attempt, Math.max(1, this.#maxBlockMs - waited)));
      }
    }
  }

  #byLeader(batches: readonly Batch[]): Map<number, Batch[]> {
    const out = new Map<number, Batch[]>();
    for (const b of batches) {
      let leader = -1;
      try {
        leader = this.#cluster.leaderOf(b.topic, b.partition);
      } catch {
        // Unknown in the cache (topic recreated?): the write fails and the recovery refreshes it.
      }
      let list = out.get(leader);
      if (list === undefined) out.set(leader, (list = []));
      list.push(b);
    }
    return out;
  }

  /** Waits until the leader's connection has fewer than maxInFlight requests outstanding. */
  async #slot(leader: number): Promise<void> {
    while ((this.#inFlight.get(leader) ?? 0) >= this.#maxInFlight) {
      await new Promise<void>((resolve) => (this.#wakeSender = resolve));
    }
  }

  /**
   * Writes one Produce to `leader` with `batches` (one per partition). Not awaited past the write
   * unless `awaitReply` (recovery sends one request at a time).
   */
  async #write(leader: number, batches: readonly Batch[], awaitReply: boolean): Promise<void> {
    for (const b of batches) b.state = 'inflight';
    let reply: Promise<void>;
    try {
      if (leader < 0) throw new KafkaClientError(`no leader known for ${batches.map((b) => `${b.topic}-${b.partition}`).join(', ')}`, { retriable: true });
      const conn = await this.#cluster.connectionTo(leader);
      const byTopic = new Map<string, { index: number; records: Buffer }[]>();
      for (const b of batches) {
        if (b.bytes === undefined) {
          // First encoding (or the first after a re-stamp) takes the partition's next sequence:
          // batches of a partition are first encoded in seq order (see #run and #recover).
          const stamp = (b.stamp ??= this.#txn.stamp(b.topic, b.partition, b.records.length));
          b.bytes = buildRecordBatch(b.records, { compression: this.#compression, producerId: stamp.producerId, producerEpoch: stamp.epoch, baseSequence: stamp.baseSequence });
        }
        let list = byTopic.get(b.topic);
        if (list === undefined) byTopic.set(b.topic, (list = []));
        list.push({ index: b.partition, records: b.bytes });
      }
      const request = {
        transactionalId: null,
        acks: this.#acks,
        timeoutMs: this.#requestTimeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
      };
      if (this.#acks === 0) {
        await conn.request(ApiKeys.Produce, request, { minVersion: 3, expectResponse: false });
        for (const b of batches) this.#ack(b, -1);
        this.#settle();
        return;
      }
      reply = conn.request(ApiKeys.Produce, request, { minVersion: 3, timeoutMs: this.#requestTimeoutMs + 5000 }).then(
        ({ body }) => {
          const byKey = new Map<string, Batch>(batches.map((b) => [b.topic + '\u0000' + b.partition, b]));
          for (const t of body.responses) {
            for (const p of t.partitionResponses) {
              const b = byKey.get(t.name + '\u0000' + p.index);
              if (b === undefined) continue;
              byKey.delete(t.name + '\u0000' + p.index);
              if (p.errorCode === 0 || (p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER && this.#txn.idempotent)) this.#ack(b, Number(p.baseOffset));
              else if (this.#txn.idempotent && (p.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || p.errorCode === ErrorCode.UNKNOWN_PRODUCER_ID)) {
                this.#sequenceError(b, p.errorCode);
              } else {
                const info = errorInfo(p.errorCode);
                const err = new KafkaClientError(`producing to ${b.topic}-${b.partition} failed: ${info.name} (Kafka error ${p.errorCode})${p.errorMessage ? `: ${p.errorMessage}` : ''}`, {
                  retriable: info.retriable,
                  kafkaType: info.name,
                });
                if (info.retriable) this.#markRetry(b, err);
                else this.#fail(b, err);
              }
            }
          }
          for (const b of byKey.values()) this.#markRetry(b, new KafkaClientError(`producing to ${b.topic}-${b.partition} failed: the broker's reply did not mention the partition`, { retriable: true }));
        },
        (e: unknown) => this.#failedRequest(batches, e),
      );
    } catch (e) {
      this.#failedRequest(batches, e);
      this.#settle();
      return;
    }
    this.#inFlight.set(leader, (this.#inFlight.get(leader) ?? 0) + 1);
    const settled = reply.finally(() => {
      this.#inFlight.set(leader, (this.#inFlight.get(leader) ?? 1) - 1);
      this.#settling.delete(settled);
      this.#settle();
      const w = this.#wakeSender;
      this.#wakeSender = undefined;
      w?.();
      if (this.#needsRecovery && !this.#running) this.#wake();
    });
    this.#settling.add(settled);
    if (awaitReply) await settled;
  }

  #failedRequest(batches: readonly Batch[], e: unknown): void {
    const retriable = (e as { retriable?: boolean } | null)?.retriable !== false;
    for (const b of batches) {
      const err = toClientError(e, `producing to ${b.topic}-${b.partition}`);
      if (retriable) this.#markRetry(b, err);
      else this.#fail(b, err);
    }
  }

  /**
   * OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID (idempotence). If an earlier batch of the
   * partition is still unacknowledged, this one was refused only because that one is missing: it
   * is retried as it is once the earlier one is in. Otherwise the records before it are not in the
   * log (the broker lost them, or they were given up): the partition's sequence restarts under a
   * new epoch before the retry (Java's TransactionManager.canRetry makes the same distinction).
   */
  #sequenceError(b: Batch, errorCode: number): void {
    const info = errorInfo(errorCode);
    const explained = this.#open.some((o) => o.seq < b.seq && o.partition === b.partition && o.topic === b.topic && (o.state === 'inflight' || o.state === 'retry'));
    if (!explained) this.#gaps.set(b.topic + '\u0000' + b.partition, { topic: b.topic, partition: b.partition });
    this.#markRetry(b, new KafkaClientError(`producing to ${b.topic}-${b.partition} failed: ${info.name} (Kafka error ${errorCode})`, { retriable: true, kafkaType: info.name }));
  }

  /** Re-stamps every unacknowledged batch of the partitions whose sequence broke (nothing is in flight). */
  async #restampGaps(): Promise<void> {
    for (const [key, { topic, partition }] of this.#gaps) {
      await this.#txn.restart(topic, partition);
      for (const b of this.#open) {
        if (b.topic + '\u0000' + b.partition !== key || b.state === 'acked' || b.state === 'failed') continue;
        b.stamp = undefined;
        b.bytes = undefined;
      }
    }
    this.#gaps.clear();
  }

  #ack(b: Batch, baseOffset: number): void {
    if (b.state !== 'inflight') return;
    b.state = 'acked';
    b.bytes = undefined;
    for (let i = 0; i < b.records.length; i++) {
      b.owners[i]!.meta[b.indexes[i]!] = { topic: b.topic, partition: b.partition, offset: baseOffset < 0 || this.#acks === 0 ? -1 : baseOffset + i };
    }
    for (const c of b.distinct) c.outstanding--;
  }

  #fail(b: Batch, err: KafkaClientError): void {
    if (b.state === 'failed') return;
    if (b.state !== 'acked') for (const c of b.distinct) c.outstanding--;
    b.state = 'failed';
    b.bytes = undefined;
    for (const c of b.distinct) c.error ??= err;
  }

  #markRetry(b: Batch, err: unknown): void {
    if (b.state === 'failed') return;
    if (b.state === 'acked') for (const c of b.distinct) c.outstanding++;
    b.state = 'retry';
    if (err !== undefined) b.lastError = err;
    this.#needsRecovery = true;
  }

  /**
   * Recovery: once nothing is in flight, resends (in seq order, one request at a time) every
   * batch in retry and every later batch of its partition, until all are acknowledged or
   * deliveryTimeoutMs has passed (or the producer is disconnecting).
   */
  async #recover(): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      while (this.#settling.size > 0) await Promise.all([...this.#settling]);
      await this.#restampGaps();
      const resend = this.#resendList();
      if (resend.length === 0) break;
      if (this.#closing || Date.now() - started >= this.#deliveryTimeoutMs) {
        const cause = resend.find((b) => b.lastError !== undefined)?.lastError;
        const why = cause instanceof Error ? cause.message : 'no reply';
        for (const b of resend) {
          const what = this.#closing ? 'the producer was disconnected while retrying' : `gave up after retrying for ${Date.now() - started} ms`;
          this.#fail(b, new KafkaClientError(`producing ${b.records.length} records to ${b.topic}-${b.partition} failed: ${what}: ${why}`, { retriable: true, cause }));
        }
        break;
      }
      await sleep(Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** attempt));
      try {
        for (const t of new Set(resend.map((b) => b.topic))) await this.#cluster.topic(t, { refresh: true, allowAutoCreate: false });
      } catch (e) {
        for (const b of resend) b.lastError = e;
        continue;
      }
      let rest = resend;
      while (rest.length > 0) {
        // At most one batch per partition per request (a partition's next one waits its turn).
        const seen = new Set<string>();
        const now: Batch[] = [];
        const later: Batch[] = [];
        let bytes = 0;
        for (const b of rest) {
          const key = b.topic + '\u0000' + b.partition;
          const size = b.records.reduce((n, r) => n + estimatedRecordSize(r), 0);
          if (seen.has(key) || (now.length > 0 && bytes + size > this.#maxRequestBytes)) later.push(b);
          else {
            now.push(b);
            bytes += size;
          }
          seen.add(key);
        }
        for (const [leader, batches] of this.#byLeader(now)) await this.#write(leader, batches, true);
        if (resend.some((b) => b.state === 'retry')) break;
        rest = later;
      }
    }
    this.#needsRecovery = false;
    this.#settle();
  }

  /** Batches in retry plus every later not-final batch of their partitions, in seq order. */
  #resendList(): Batch[] {
    const from = new Map<string, number>();
    for (const b of this.#open) {
      const key = b.topic + '\u0000' + b.partition;
      if (b.state === 'retry' && !from.has(key)) from.set(key, b.seq);
    }
    if (from.size === 0) return [];
    const out: Batch[] = [];
    for (const b of this.#open) {
      const start = from.get(b.topic + '\u0000' + b.partition);
      if (start === undefined || b.seq < start || b.state === 'failed') continue;
      if (b.state === 'acked') {
        // Idempotence: an acknowledged batch is in the log and the broker orders the rest by
        // sequence, so only the unacknowledged ones are resent.
        if (this.#txn.idempotent) continue;
        this.#markRetry(b, undefined);
      }
      out.push(b);
    }
    return out;
  }

  /** Resolves or rejects the oldest calls whose batches are all final. */
  #settle(): void {
    while (this.#head < this.#cursor) {
      const call = this.#calls[this.#head]!;
      if (call.taken < call.records.length || call.outstanding > 0) break;
      this.#head++;
      call.settled = true;
      if (call.error !== undefined) call.reject(call.error);
      else call.resolve(call.meta);
    }
    if (this.#head >= 1024 || this.#head === this.#calls.length) {
      this.#calls = this.#calls.slice(this.#head);
      this.#cursor -= this.#head;
      this.#head = 0;
    }
    // Batches whose calls are all settled are final: they can no longer be resent.
    let drop = 0;
    while (drop < this.#open.length) {
      const b = this.#open[drop]!;
      if (b.state === 'inflight' || b.state === 'retry' || !b.distinct.every((c) => c.settled)) break;
      drop++;
    }
    if (drop > 0) this.#open = this.#open.slice(drop);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
