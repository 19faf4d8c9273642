/*
 * The transactional producer's conversation with its transaction coordinator (KIP-98, KIP-447):
 * InitProducerId with the transactional id, AddPartitionsToTxn before a partition's first batch
 * of a transaction, AddOffsetsToTxn + TxnOffsetCommit for sendOffsetsToTransaction, EndTxn.
 * The producer (producer.ts) owns the records; this class owns the transaction's state and
 * decides which errors end it.
 *
 * States (Java's TransactionManager.State, without the internal INITIALIZING):
 *   uninitialized ──init──▶ ready ──begin──▶ inTransaction ──end(commit|abort)──▶ ready
 *   inTransaction ──a batch or call failed──▶ abortableError ──end(abort)──▶ ready
 *   any ──fenced / not authorized / invalid state──▶ fatalError (the producer must be closed)
 *
 * Errors:
 *   retried          CONCURRENT_TRANSACTIONS, COORDINATOR_LOAD_IN_PROGRESS (backoff), and
 *                    NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / a lost connection (the
 *                    coordinator is looked up again), until maxBlockMs has passed;
 *   fatal            PRODUCER_FENCED, INVALID_PRODUCER_EPOCH (a newer producer with the same
 *                    transactional id exists: a zombie), TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
 *                    INVALID_TXN_STATE, UNSUPPORTED_FOR_MESSAGE_FORMAT;
 *   abortable        anything else, including a batch of the transaction that failed,
 *                    UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID from
 *                    TxnOffsetCommit (the consumer was rebalanced out: Java's CommitFailedException),
 *                    and TRANSACTION_ABORTABLE 120 (KIP-890: the broker's verification found the
 *                    partition or offsets outside an ongoing transaction — e.g. the transaction was
 *                    aborted on the broker). The versions that may carry 120 (Produce v11,
 *                    TxnOffsetCommit v4, EndTxn v4, InitProducerId v5, AddOffsetsToTxn v4) are
 *                    negotiated like any other; AddPartitionsToTxn stays at v3, the client form
 *                    (v4+ is broker-to-broker). Below those versions the broker answers
 *                    INVALID_TXN_STATE, which is fatal here (Java's client treats it so in its
 *                    coordinator responses).
 * After an abort that followed a failed batch, the next transaction starts under a bumped epoch
 * (InitProducerId with the current id and epoch, KIP-360), so sequences restart at 0.
 *
 * Offsets first. A transaction can end on the broker without this producer asking (an EndTxn
 * abort sent by someone else with this producer's id and epoch). The coordinator then lets the
 * producer's next AddPartitionsToTxn or AddOffsetsToTxn begin a NEW transaction (Kafka's
 * coordinator does the same: before KIP-890 part 2 nothing tells the two apart). If the records
 * of the old one were all acknowledged before the abort, the producer's commit — AddOffsetsToTxn,
 * TxnOffsetCommit, EndTxn — would then succeed and commit the consumed offsets of records whose
 * output was aborted. So each transaction adds its offsets partition at its START: before its
 * first AddPartitionsToTxn, AddOffsetsToTxn for the group of the last sendOffsetsToTransaction
 * (initially `offsetsGroupId`). Any abort after that leaves the offsets partition outside the
 * open transaction, and TxnOffsetCommit's verification (KIP-890) refuses the commit with
 * TRANSACTION_ABORTABLE; an abort after TxnOffsetCommit makes EndTxn(commit) INVALID_TXN_STATE.
 * Java's producer sends AddOffsetsToTxn at sendOffsetsToTransaction instead; the request count is
 * the same, and a transaction that commits no offsets only carries an empty offsets partition.
 *
 * Transactions v2 (KIP-890 part 2; txn-protocol.ts decides per InitProducerId): no
 * AddPartitionsToTxn / AddOffsetsToTxn (Produce v12 and TxnOffsetCommit v5 add them on the broker;
 * the partitions are still tracked here, to know whether EndTxn is needed), and every EndTxn v5
 * answers the next producer id and epoch, which the producer adopts (sequences restart at 0), so
 * no InitProducerId is needed after an abort. "Offsets first" below is a part-1 measure: under v2
 * a transaction ended behind the producer's back bumps the epoch, so its next request is fenced.
 */
import { ApiKeys } from '../../protocol/api-keys.ts';
import { ErrorCode, errorInfo } from '../../protocol/error-codes.ts';
import type { WireCluster } from '../cluster.ts';
import type { WireConnection, Reply } from '../connection.ts';
import type { ApiTypes, ImplementedApiKey } from '../../protocol/messages/index.ts';
import type { Encodable } from '../../protocol/schema.ts';
import { coordinatorOf } from '../coordinator.ts';
import { KafkaClientError } from '../errors.ts';
import type { ConsumerGroupMetadata, TopicPartition, TopicPartitionOffset } from '../types.ts';
import type { TransactionManager } from './transaction-manager.ts';
import { TXN_PROTOCOL_V1, txnProtocolOf, type TxnProtocol, type VersionBounds } from './txn-protocol.ts';

export type TransactionState = 'uninitialized' | 'ready' | 'inTransaction' | 'abortableError' | 'fatalError';

const FATAL = new Set<number>([
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.INVALID_TXN_STATE,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
]);
const FIND_AGAIN = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);
const RETRY = new Set<number>([ErrorCode.CONCURRENT_TRANSACTIONS, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ...FIND_AGAIN]);
/** CONCURRENT_TRANSACTIONS usually clears within milliseconds (the previous EndTxn's markers). */
const BACKOFF_MIN_MS = 20;
const BACKOFF_MAX_MS = 500;

/** Whether an error means this producer was fenced by a newer one with the same transactional id. */
export function isProducerFenced(e: unknown): boolean {
  const t = (e as { kafkaType?: string } | null)?.kafkaType;
  return t === 'PRODUCER_FENCED' || t === 'INVALID_PRODUCER_EPOCH';
}

/** Produce errors that fence the producer rather than fail one batch. */
export function isFatalProduceError(code: number): boolean {
  return FATAL.has(code);
}

export class Transactions {
  #state: TransactionState = 'uninitialized';
  #error: KafkaClientError | undefined;
  #bumpEpoch = false;
  /** Partitions added to the open transaction ("topic\0partition"). */
  readonly #added = new Set<string>();
  /** Groups whose offsets partition joined the open transaction (AddOffsetsToTxn). */
  readonly #offsetGroups = new Set<string>();
  /** The group whose offsets partition each transaction adds at its start ("Offsets first" above). */
  #startGroup: string | undefined;
  #coordinator: WireConnection | undefined;
  #protocol: TxnProtocol = TXN_PROTOCOL_V1;

  constructor(
    private readonly cluster: WireCluster,
    private readonly ids: TransactionManager,
    readonly transactionalId: string,
    private readonly timeoutMs: number,
    private readonly maxBlockMs: number,
    offsetsGroupId?: string,
  ) {
    this.#startGroup = offsetsGroupId;
  }

  get state(): TransactionState {
    return this.#state;
  }

  /** The transaction protocol in use (txn-protocol.ts): v1 until initialized. */
  get protocol(): TxnProtocol {
    return this.#protocol;
  }

  /** InitProducerId with the transactional id: fences older producers and completes their transaction. */
  async init(): Promise<void> {
    if (this.#state === 'fatalError') throw this.#error!;
    const bump = this.#state !== 'uninitialized' && this.ids.producerId >= 0n;
    const body = await this.#call(ApiKeys.InitProducerId, 'initializing transactions', {
      transactionalId: this.transactionalId,
      transactionTimeoutMs: this.timeoutMs,
      producerId: bump ? this.ids.producerId : -1n,
      producerEpoch: bump ? this.ids.epoch : -1,
    }, (b) => b.errorCode);
    this.ids.adopt(body.producerId, body.producerEpoch);
    if (this.#coordinator !== undefined) this.#protocol = txnProtocolOf(this.#coordinator);
    this.#bumpEpoch = false;
    this.#state = 'ready';
  }

  begin(): void {
    if (this.#state !== 'ready') throw this.#stateError('beginTransaction()');
    this.#state = 'inTransaction';
  }

  /** Throws unless records may be sent now (in a transaction without a failure). */
  checkSend(): void {
    if (this.#state === 'inTransaction') return;
    throw this.#state === 'abortableError' || this.#state === 'fatalError' ? this.#error! : this.#stateError('send()');
  }

  /** Adds the partitions not yet in the open transaction (before their first batch is written). */
  async addPartitions(tps: Iterable<TopicPartition>): Promise<void> {
    const fresh = new Map<string, number[]>();
    for (const { topic, partition } of tps) {
      const key = topic + '\u0000' + partition;
      if (this.#added.has(key)) continue;
      let list = fresh.get(topic);
      if (list === undefined) fresh.set(topic, (list = []));
      if (!list.includes(partition)) list.push(partition);
    }
    if (fresh.size === 0) return;
    this.checkSend();
    if (this.#protocol.v2) {
      // Produce v12 adds them on the broker.
      for (const [topic, ps] of fresh) for (const p of ps) this.#added.add(topic + '\u0000' + p);
      return;
    }
    const what = `adding ${[...fresh].map(([t, ps]) => `${t}-[${ps.join(',')}]`).join(' ')} to the transaction`;
    await this.#guard((async () => {
      if (this.#added.size === 0 && this.#offsetGroups.size === 0 && this.#startGroup !== undefined) await this.#addOffsets(this.#startGroup);
      await this.#call(ApiKeys.AddPartitionsToTxn, what, {
        v3AndBelowTransactionalId: this.transactionalId,
        v3AndBelowProducerId: this.ids.producerId,
        v3AndBelowProducerEpoch: this.ids.epoch,
        v3AndBelowTopics: [...fresh].map(([name, partitions]) => ({ name, partitions })),
      }, (b) => firstError(b.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode))), { maxVersion: 3 });
    })());
    for (const [topic, ps] of fresh) for (const p of ps) this.#added.add(topic + '\u0000' + p);
  }

  /** AddOffsetsToTxn, then TxnOffsetCommit at the group's coordinator (KIP-447 fields from v3). */
  async sendOffsets(offsets: readonly TopicPartitionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    this.checkSend();
    if (offsets.length === 0) return;
    const ids = { transactionalId: this.transactionalId, producerId: this.ids.producerId, producerEpoch: this.ids.epoch };
    this.#startGroup = group.groupId;
    await this.#guard((async () => {
      // Under v2, TxnOffsetCommit v5 adds the group's offsets partition on the broker, so from
      // here on EndTxn is needed.
      if (this.#protocol.v2) this.#offsetGroups.add(group.groupId);
      else await this.#addOffsets(group.groupId);
      const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
      for (const o of offsets) {
        let list = byTopic.get(o.topic);
        if (list === undefined) byTopic.set(o.topic, (list = []));
        list.push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' });
      }
      await this.#call(ApiKeys.TxnOffsetCommit, `committing group "${group.groupId}"'s offsets in the transaction`, {
        ...ids,
        groupId: group.groupId,
        generationId: group.generationId,
        memberId: group.memberId,
        groupInstanceId: group.groupInstanceId,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      }, (b) => firstError(b.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))), { group: group.groupId, ...this.#protocol.txnOffsetCommit });
    })());
  }

  /**
   * EndTxn (commit or abort). A transaction that added nothing ends locally, as Java's does.
   * Commit is refused in abortableError (the caller must abort); abort after a failed batch also
   * bumps the epoch (see the header).
   */
  async end(commit: boolean): Promise<void> {
    if (this.#state === 'fatalError') throw this.#error!;
    if (commit && this.#state === 'abortableError') throw this.#error!;
    if (this.#state !== 'inTransaction' && this.#state !== 'abortableError') throw this.#stateError(commit ? 'commitTransaction()' : 'abortTransaction()');
    let bumped = false;
    if (this.#added.size > 0 || this.#offsetGroups.size > 0) {
      try {
        const body = await this.#call(ApiKeys.EndTxn, commit ? 'committing the transaction' : 'aborting the transaction', {
          transactionalId: this.transactionalId,
          producerId: this.ids.producerId,
          producerEpoch: this.ids.epoch,
          committed: commit,
        }, (b) => b.errorCode, this.#protocol.endTxn);
        // v5: the epoch was bumped (a new producer id once exhausted); v4 and below answer -1.
        if (this.#protocol.v2 && body.producerId >= 0n) {
          this.ids.adopt(body.producerId, body.producerEpoch);
          bumped = true;
        }
      } catch (e) {
        this.#failWith(e);
        throw this.#error!;
      }
    }
    this.#added.clear();
    this.#offsetGroups.clear();
    this.#error = undefined;
    this.#state = 'ready';
    if (!commit && this.#bumpEpoch && !bumped) await this.init();
    this.#bumpEpoch = false;
  }

  /** AddOffsetsToTxn: the group's offsets partition joins the open transaction (once per group). */
  async #addOffsets(groupId: string): Promise<void> {
    if (this.#offsetGroups.has(groupId)) return;
    const request = { transactionalId: this.transactionalId, producerId: this.ids.producerId, producerEpoch: this.ids.epoch, groupId };
    await this.#call(ApiKeys.AddOffsetsToTxn, `adding group "${groupId}"'s offsets to the transaction`, request, (b) => b.errorCode);
    this.#offsetGroups.add(groupId);
  }

  /** A batch of the open transaction failed with `e`: the transaction can only be aborted now. */
  batchFailed(e: KafkaClientError): void {
    this.#bumpEpoch = true;
    this.#failWith(e);
  }

  #failWith(e: unknown): void {
    const err = e instanceof KafkaClientError ? e : new KafkaClientError(`transaction ${this.transactionalId} failed: ${(e as Error).message}`, { cause: e });
    if (this.#state === 'fatalError') return;
    const fatal = err.kafkaType !== undefined && FATAL.has(ErrorCode[err.kafkaType as keyof typeof ErrorCode] ?? -1);
    if (fatal) this.#state = 'fatalError';
    else if (this.#state === 'inTransaction') this.#state = 'abortableError';
    else if (this.#state !== 'abortableError') return;
    this.#error = err;
  }

  /** Runs a call of the open transaction; a failure makes the transaction abortable (or fatal). */
  async #guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      this.#failWith(e);
      throw this.#error ?? e;
    }
  }

  #stateError(call: string): KafkaClientError {
    return new KafkaClientError(`${call} is not allowed while the transactional producer "${this.transactionalId}" is ${this.#state}`, { retriable: false, kafkaType: 'INVALID_TXN_STATE' });
  }

  /**
   * One request to the transaction coordinator (or to `group`'s coordinator), retried as the
   * header says; `errorOf` picks the error code that decides (0 = success).
   */
  async #call<K extends ImplementedApiKey, B = Reply<K>['body']>(
    key: K,
    what: string,
    request: Encodable<ApiTypes[K]['request']>,
    errorOf: (body: B) => number,
    opts: VersionBounds & { group?: string } = {},
  ): Promise<B> {
    const started = Date.now();
    let groupConn: WireConnection | undefined;
    for (let attempt = 0; ; attempt++) {
      let code: number;
      let cause: unknown;
      let body: B | undefined;
      try {
        let conn: WireConnection;
        if (opts.group !== undefined) conn = groupConn ??= await coordinatorOf(this.cluster, opts.group, 'group');
        else conn = this.#coordinator ??= await coordinatorOf(this.cluster, this.transactionalId, 'transaction');
        const reply = await conn.request(key, request, { ...(opts.minVersion === undefined ? {} : { minVersion: opts.minVersion }), ...(opts.maxVersion === undefined ? {} : { maxVersion: opts.maxVersion }) });
        body = reply.body as B;
        code = errorOf(body);
        if (code === 0) return body;
      } catch (e) {
        if ((e as { retriable?: boolean }).retriable === false) throw e;
        code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
        cause = e;
      }
      const info = errorInfo(code);
      if (FIND_AGAIN.has(code)) {
        this.#coordinator = undefined;
        groupConn = undefined;
      }
      const waited = Date.now() - started;
      if (!RETRY.has(code) || waited >= this.maxBlockMs) {
        const detail = cause instanceof Error ? `: ${cause.message}` : '';
        throw new KafkaClientError(`${what} for transactional id "${this.transactionalId}" failed: ${info.name} (Kafka error ${code})${detail}${waited >= this.maxBlockMs && RETRY.has(code) ? ` after retrying for ${waited} ms` : ''}`, {
          retriable: false,
          kafkaType: info.name,
          cause,
        });
      }
      await new Promise((r) => setTimeout(r, Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt)));
    }
  }
}

function firstError(codes: readonly number[]): number {
  return codes.find((c) => c !== 0) ?? 0;
}
