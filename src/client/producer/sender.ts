/*
 * The sender: one async loop, the only writer of Produce requests. It takes chunks from the
 * accumulator (accumulator.ts), writes one Produce per leader with one batch per partition
 * (encoded once by the codec's batch encoder, stamped first by the transaction manager), and
 * keeps at most maxInFlight requests outstanding per broker, so the broker's group commit covers
 * several with one fsync (acks=-1). Records queued meanwhile join the next chunk, so requests grow
 * when the broker is slow.
 *
 * Order (the contract: a partition's records keep their order across calls). Requests on one
 * connection are appended by the broker in the order written, so without errors order holds with
 * any number in flight. Kafka's producer with max.in.flight > 1 and retries can reorder a
 * partition when request k fails and k+1 succeeds; this one does not:
 *   - a retriable failure (connection lost, timeout, NOT_LEADER…, a broker restart) stops the
 *     loop; it waits for every request in flight to settle (recovery below);
 *   - for each partition with a failed batch, it resends that batch AND every later batch of the
 *     partition that is not final (without idempotence even acknowledged ones), in their
 *     original order, one request at a time, after a backoff (100 ms doubling to 1 s) and a
 *     metadata refresh;
 *   - so the log may hold duplicates (at-least-once, as any retrying non-idempotent producer;
 *     the idempotent one has none), but the last copy of every record is in send order, and a
 *     compacted changelog keeps the right value. The metadata reported is that of the copy last
 *     written.
 *   Retrying stops deliveryTimeoutMs (default 20 s) after recovery began; the calls holding those
 *   batches then fail with a retriable KafkaClientError. A non-retriable partition error
 *   (RECORD_TOO_LARGE, INVALID_RECORD…) fails only the calls holding that batch.
 *
 * Idempotence: a retry resends the same bytes (same stamp), so a batch the broker already
 * appended (its reply lost with the connection, a broker killed and restarted) is answered with
 * its original offset. OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID either wait for the
 * earlier batch that explains them or restart the partition's sequence under a new epoch
 * (#sequenceError); a transactional producer fails the batch instead (its transaction aborts).
 * Transactions: a chunk's new partitions are added to the open transaction before it is written.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import { ErrorCode, errorInfo } from '../../protocol/error-codes.ts';
import type { CompressionCodec } from '../../protocol/records/compression.ts';
import { buildRecordBatch } from '../../protocol/records/batch-encoder.ts';
import type { WireCluster } from '../cluster.ts';
import { KafkaClientError, toClientError } from '../errors.ts';
import type { RecordAccumulator } from './accumulator.ts';
import { ackBatch, failBatch, partitionKey, retryBatch, type Batch } from './batch.ts';
import { estimatedRecordSize } from './record-size.ts';
import type { TransactionManager } from './transaction-manager.ts';
import { isFatalProduceError, type Transactions } from './transactions.ts';
import type { VersionBounds } from './txn-protocol.ts';
import { recordBatchWritten } from './sender-metrics.ts';
import type { ProducerMetrics } from '../metrics/client-metrics.ts';

/** Record batch v2 needs Produce v3+. */
const PRODUCE_VERSIONS: VersionBounds = { minVersion: 3 };

export interface SenderOptions {
  readonly acks: -1 | 0 | 1;
  readonly compression: CompressionCodec | undefined;
  readonly maxInFlight: number;
  readonly maxRequestBytes: number;
  readonly deliveryTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** producer-metrics (client/metrics/client-metrics.ts): per batch and request, never per record. */
  readonly metrics?: ProducerMetrics | undefined;
}

const RETRY_BACKOFF_MS = 100;
const RETRY_BACKOFF_MAX_MS = 1000;

export class Sender {
  /** disconnect() was called: batches needing a retry fail instead of being retried. */
  closing = false;
  /** Partitions whose sequence broke (idempotence): re-stamped by the next recovery. */
  readonly #gaps = new Map<string, { topic: string; partition: number }>();
  readonly #inFlight = new Map<number, number>();
  readonly #settling = new Set<Promise<void>>();
  #wakeSender: (() => void) | undefined;
  #running = false;
  #needsRecovery = false;

  constructor(
    private readonly cluster: WireCluster,
    private readonly acc: RecordAccumulator,
    private readonly ids: TransactionManager,
    private readonly txns: Transactions | undefined,
    private readonly o: SenderOptions,
  ) {}

  /** Starts the loop, or wakes it if it waits for an in-flight slot. */
  wake(): void {
    if (this.#running) {
      const w = this.#wakeSender;
      this.#wakeSender = undefined;
      w?.();
      return;
    }
    this.#running = true;
    void this.#run()
      .catch((e: unknown) => {
        const err = toClientError(e, "the producer's sender");
        this.txns?.batchFailed(err);
        this.#needsRecovery = false;
        this.acc.failEverything(err);
      })
      .finally(() => {
        this.#running = false;
        // Work that arrived while the loop was finishing.
        if (this.acc.hasTakeable() || this.#needsRecovery) this.wake();
      });
  }

  async #run(): Promise<void> {
    for (;;) {
      if (this.#needsRecovery) {
        await this.#recover();
        continue;
      }
      const chunk = await this.acc.takeChunk();
      if (chunk === undefined) return;
      if (this.txns !== undefined && !(await this.#addToTransaction(chunk))) continue;
      for (const [leader, batches] of this.#byLeader(chunk)) {
        await this.#slot(leader);
        if (this.#needsRecovery) {
          // Not written: the recovery resends them after the failed ones, in seq order.
          for (const b of batches) this.#retry(b, undefined);
          continue;
        }
        await this.#write(leader, batches, false);
      }
    }
  }

  /** Adds the chunk's partitions to the open transaction; on failure its batches fail (false). */
  async #addToTransaction(chunk: readonly Batch[]): Promise<boolean> {
    try {
      await this.txns!.addPartitions(chunk);
      return true;
    } catch (e) {
      const err = toClientError(e, 'adding partitions to the transaction');
      for (const b of chunk) this.#fail(b, err);
      this.acc.settle();
      return false;
    }
  }

  /** Produce versions: record batch v2 (v3+); a transactional producer's depend on its protocol (txn-protocol.ts). */
  #produceVersions(): VersionBounds {
    return this.txns?.protocol.produce ?? PRODUCE_VERSIONS;
  }

  #byLeader(batches: readonly Batch[]): Map<number, Batch[]> {
    const out = new Map<number, Batch[]>();
    for (const b of batches) {
      let leader = -1;
      try {
        leader = this.cluster.leaderOf(b.topic, b.partition);
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
    while ((this.#inFlight.get(leader) ?? 0) >= this.o.maxInFlight) {
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
      const conn = await this.cluster.connectionTo(leader);
      const byTopic = new Map<string, { index: number; records: Buffer }[]>();
      for (const b of batches) {
        if (b.bytes === undefined) {
          // First encoding (or the first after a re-stamp) takes the partition's next sequence:
          // batches of a partition are first encoded in seq order (see #run and #recover).
          const stamp = (b.stamp ??= this.ids.stamp(b.topic, b.partition, b.records.length));
          b.bytes = buildRecordBatch(b.records, { compression: this.o.compression, producerId: stamp.producerId, producerEpoch: stamp.epoch, baseSequence: stamp.baseSequence, transactional: this.txns !== undefined });
        }
        let list = byTopic.get(b.topic);
        if (list === undefined) byTopic.set(b.topic, (list = []));
        list.push({ index: b.partition, records: b.bytes });
      }
      const started = recordBatchWritten(this.o.metrics, batches, this.o.compression);
      const request = {
        transactionalId: this.txns?.transactionalId ?? null,
        acks: this.o.acks,
        timeoutMs: this.o.requestTimeoutMs,
        topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })),
      };
      if (this.o.acks === 0) {
        await conn.request(ApiKeys.Produce, request, { ...this.#produceVersions(), expectResponse: false });
        this.o.metrics?.requestUnacknowledged();
        for (const b of batches) ackBatch(b, -1);
        this.acc.settle();
        return;
      }
      reply = conn.request(ApiKeys.Produce, request, { ...this.#produceVersions(), timeoutMs: this.o.requestTimeoutMs + 5000 }).then(
        ({ body }) => {
          if (started !== undefined) this.o.metrics?.requestDone(performance.now() - started);
          const byKey = new Map<string, Batch>(batches.map((b) => [partitionKey(b), b]));
          for (const t of body.responses) {
            for (const p of t.partitionResponses) {
              const key = t.name + '\u0000' + p.index;
              const b = byKey.get(key);
              if (b === undefined) continue;
              byKey.delete(key);
              this.#answer(b, p.errorCode, Number(p.baseOffset), p.errorMessage);
            }
          }
          for (const b of byKey.values()) this.#retry(b, new KafkaClientError(`producing to ${b.topic}-${b.partition} failed: the broker's reply did not mention the partition`, { retriable: true }));
        },
        (e: unknown) => this.#failedRequest(batches, e),
      );
    } catch (e) {
      this.#failedRequest(batches, e);
      this.acc.settle();
      return;
    }
    this.#inFlight.set(leader, (this.#inFlight.get(leader) ?? 0) + 1);
    const settled = reply.finally(() => {
      this.#inFlight.set(leader, (this.#inFlight.get(leader) ?? 1) - 1);
      this.#settling.delete(settled);
      this.acc.settle();
      const w = this.#wakeSender;
      this.#wakeSender = undefined;
      w?.();
      if (this.#needsRecovery && !this.#running) this.wake();
    });
    this.#settling.add(settled);
    if (awaitReply) await settled;
  }

  /** One partition's answer in a Produce reply. */
  #answer(b: Batch, errorCode: number, baseOffset: number, errorMessage: string | null | undefined): void {
    const idempotent = this.ids.idempotent;
    if (errorCode === 0 || (errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER && idempotent)) return ackBatch(b, baseOffset);
    if (idempotent && (errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER || errorCode === ErrorCode.UNKNOWN_PRODUCER_ID)) return this.#sequenceError(b, errorCode);
    const info = errorInfo(errorCode);
    const err = new KafkaClientError(`producing to ${b.topic}-${b.partition} failed: ${info.name} (Kafka error ${errorCode})${errorMessage ? `: ${errorMessage}` : ''}`, {
      retriable: info.retriable,
      kafkaType: info.name,
    });
    if (info.retriable && !isFatalProduceError(errorCode)) this.#retry(b, err);
    else this.#fail(b, err);
  }

  #failedRequest(batches: readonly Batch[], e: unknown): void {
    const retriable = (e as { retriable?: boolean } | null)?.retriable !== false;
    for (const b of batches) {
      const err = toClientError(e, `producing to ${b.topic}-${b.partition}`);
      if (retriable) this.#retry(b, err);
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
    const explained = this.acc.open.some((o) => o.seq < b.seq && o.partition === b.partition && o.topic === b.topic && (o.state === 'inflight' || o.state === 'retry'));
    const err = new KafkaClientError(`producing to ${b.topic}-${b.partition} failed: ${info.name} (Kafka error ${errorCode})`, { retriable: true, kafkaType: info.name });
    // A transactional producer cannot restart a sequence itself: the transaction aborts instead.
    if (!explained && this.txns !== undefined) return this.#fail(b, err);
    if (!explained) this.#gaps.set(partitionKey(b), { topic: b.topic, partition: b.partition });
    this.#retry(b, err);
  }

  /** Re-stamps every unacknowledged batch of the partitions whose sequence broke (nothing is in flight). */
  async #restampGaps(): Promise<void> {
    for (const [key, { topic, partition }] of this.#gaps) {
      await this.ids.restart(topic, partition);
      for (const b of this.acc.open) {
        if (partitionKey(b) !== key || b.state === 'acked' || b.state === 'failed') continue;
        b.stamp = undefined;
        b.bytes = undefined;
      }
    }
    this.#gaps.clear();
  }

  #fail(b: Batch, err: KafkaClientError): void {
    this.o.metrics?.recordsFailed(b.records.length);
    if (failBatch(b, err)) this.txns?.batchFailed(err);
  }

  #retry(b: Batch, err: unknown): void {
    if (retryBatch(b, err)) this.#needsRecovery = true;
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
      const resend = this.acc.resendList(this.ids.idempotent, (b) => this.#retry(b, undefined));
      if (resend.length === 0) break;
      if (this.closing || Date.now() - started >= this.o.deliveryTimeoutMs) {
        const cause = resend.find((b) => b.lastError !== undefined)?.lastError;
        const why = cause instanceof Error ? cause.message : 'no reply';
        for (const b of resend) {
          const what = this.closing ? 'the producer was disconnected while retrying' : `gave up after retrying for ${Date.now() - started} ms`;
          this.#fail(b, new KafkaClientError(`producing ${b.records.length} records to ${b.topic}-${b.partition} failed: ${what}: ${why}`, { retriable: true, cause }));
        }
        break;
      }
      await sleep(Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_MS * 2 ** attempt));
      try {
        for (const t of new Set(resend.map((b) => b.topic))) await this.cluster.topic(t, { refresh: true, allowAutoCreate: false });
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
          const key = partitionKey(b);
          const size = b.records.reduce((n, r) => n + estimatedRecordSize(r), 0);
          if (seen.has(key) || (now.length > 0 && bytes + size > this.o.maxRequestBytes)) later.push(b);
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
    this.acc.settle();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
