/*
 * The transaction coordinator (KIP-98, KIP-447; Apache Kafka's TransactionCoordinator and
 * TransactionStateManager): one TxnMetadata per transactional id, changed only under that id's
 * lock (a promise chain, so the asynchronous durable writes of one id never interleave), every
 * change written to __transaction_state (txn-log.ts) before it takes effect.
 *
 * Operations, with the checks each makes first (in order):
 *   initProducerId   timeout ≤ transaction.max.timeout.ms (INVALID_TRANSACTION_TIMEOUT 50);
 *                    new id → fresh producer id at epoch 0, state Empty;
 *                    v3+ with a producer id/epoch that is not the current (or just-bumped) one
 *                    → fenced; an open transaction is fenced and aborted first (Ongoing →
 *                    PrepareEpochFence → PrepareAbort → CompleteAbort, markers carrying the bumped
 *                    epoch); then the epoch is bumped (a fresh producer id at epoch 0 when the
 *                    epoch would overflow), state Empty.
 *   addPartitions /  producer id maps to the transactional id (INVALID_PRODUCER_ID_MAPPING 49),
 *   addOffsets       epoch is current (fenced), not completing (CONCURRENT_TRANSACTIONS 51);
 *                    partitions join the transaction, state Ongoing (start time set when it
 *                    begins). AddOffsetsToTxn adds __consumer_offsets-0.
 *   txnOffsetCommit  same id/epoch checks; the transaction must be Ongoing with offsets added
 *                    (TRANSACTION_ABORTABLE 120 from v4, INVALID_TXN_STATE 48 before); the offsets become pending (OffsetFetch does not see
 *                    them; requireStable answers UNSTABLE_OFFSET_COMMIT 88).
 *   endTxn           same checks; Ongoing → Prepare{Commit,Abort} (durable) → a marker in every
 *                    data partition of the transaction (durable) → pending offsets committed to
 *                    the offset store (commit) or dropped (abort) → Complete{Commit,Abort}.
 *                    A retry of a completed EndTxn with the same outcome succeeds; the other
 *                    outcome, or EndTxn with no transaction, is INVALID_TXN_STATE. Left in
 *                    Prepare* by a failed finish: the same outcome finishes it (NONE, or
 *                    CONCURRENT_TRANSACTIONS while it still fails), the other is INVALID_TXN_STATE.
 *   endTxnV2         EndTxn v5 (KIP-890 part 2): txn-v2.ts decides (its table); an end bumps the
 *                    epoch at Prepare*, markers carry the bumped epoch, a producer id exhausted of
 *                    epochs rotates at Complete*; the answer names the id and epoch to use next.
 *                    Produce v12 / TxnOffsetCommit v5 add partitions through addPartitions /
 *                    addOffsets with clientTransactionVersion 2 (txn-v2-produce.ts).
 * "Fenced" is PRODUCER_FENCED 90 for request versions that know it (InitProducerId v4+,
 * AddPartitionsToTxn/AddOffsetsToTxn/EndTxn v2+, TxnOffsetCommit v3+) and INVALID_PRODUCER_EPOCH
 * 47 before (kafkajs 2.2.4 does not know 90).
 *
 * Recovery (load): the last record per id is its state. Prepare{Commit,Abort} are completed
 * (markers re-written: a marker for a producer with no open transaction in a partition changes
 * nothing there, so repeating one is harmless), PrepareEpochFence continues to abort, Ongoing
 * stays open for its producer to finish or for the timeout to abort.
 * Timeouts: every `abortTimedOutIntervalMs`, an Ongoing transaction older than its timeout is
 * fenced and aborted as InitProducerId would (the producer's next request is fenced).
 * Expiration (transactional.id.expiration.ms, as Kafka's TransactionStateManager): every
 * `removeExpiredIntervalMs`, an id that is idle (Empty / CompleteCommit / CompleteAbort) and was
 * last updated `idExpirationMs` ago or more becomes Dead: a tombstone in __transaction_state, then
 * it is forgotten. Its old producer id then maps to nothing (a Produce with it gets
 * INVALID_PRODUCER_ID_MAPPING) and the next InitProducerId with the id starts afresh.
 * DeleteTopics (txn-topic-deletion.ts) is the one change made in memory before it is durable:
 * the topic's partitions leave every transaction at once, outside the locks, and the removal is
 * then written under each id's lock; a write in flight meanwhile keeps only partitions whose
 * topic is still the same topic.
 */
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { Broker, ProduceVerdict } from '../broker.ts';
import type { CoordinatorLog } from '../coordinator/offset-store.ts';
import { OFFSETS_TOPIC } from '../coordinator/offset-store.ts';
import type { GroupService } from '../coordinator/service.ts';
import type { ProducerService } from './service.ts';
import { MAX_PRODUCER_EPOCH } from './service.ts';
import { TxnPartitions } from './txn-partitions.ts';
import { decodeTxnKey, decodeTxnValue, encodeTxnKey, encodeTxnValue, type PendingOffset, type TxnMetadata, type TxnPartition } from './txn-log.ts';
import { assertTransition, isIdle, isPreparing, TxnState, type TxnStateName } from './txn-state-machine.ts';
import { TxnLocks } from './txn-locks.ts';
import { ABORTABLE_SINCE, abortableFor, verifyPartitions, verifyProduce } from './txn-verification.ts';
import { liveTopics, sameTopics, topicIdsOf } from './txn-topic-deletion.ts';
import { completeChanges, fencedEpoch, planEndTxnV2, prepareEndChanges, TransactionVersion, type TxnIdentity } from './txn-v2.ts';

export interface TxnCoordinatorOptions {
  maxTimeoutMs: number;
  abortTimedOutIntervalMs: number;
  idExpirationMs: number;
  /** Finalized transaction.version (txn-v2.ts); absent = 0. */
  version?: number;
}

/** First request version of each API that may carry PRODUCER_FENCED. */
export const FENCED_SINCE = { initProducerId: 4, addPartitions: 2, addOffsets: 2, endTxn: 2, txnOffsetCommit: 3 } as const;

export function fencedCode(version: number, since: number): number {
  return version >= since ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
}

export interface TxnProducer {
  producerId: bigint;
  producerEpoch: number;
}

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();
  private readonly byProducerId = new Map<bigint, string>();
  private readonly locks = new TxnLocks();
  /** Ids with a write() between its append and its in-memory update (forgetTopic must revisit them). */
  private readonly writing = new Set<string>();
  readonly loadProblems: string[] = [];

  constructor(
    private readonly broker: Broker,
    private readonly log: CoordinatorLog,
    readonly partitions: TxnPartitions,
    private readonly producers: ProducerService,
    private readonly groups: GroupService,
    readonly options: TxnCoordinatorOptions,
  ) {}

  /** Loads __transaction_state and finishes what a crash interrupted (see Recovery above). */
  async load(): Promise<void> {
    await this.log.replay((r) => {
      try {
        const id = decodeTxnKey(r.key);
        if (r.value === null) this.txns.delete(id);
        else this.txns.set(id, decodeTxnValue(id, r.value));
      } catch (err) {
        this.loadProblems.push(`__transaction_state: skipped an undecodable record: ${(err as Error).message}`);
      }
    });
    for (const m of this.txns.values()) {
      this.byProducerId.set(m.producerId, m.transactionalId);
      this.producers.allocator.observe(m.producerId);
    }
    for (const m of [...this.txns.values()]) {
      // A topic deleted just before a crash, its removal from the transaction not yet durable.
      const live = liveTopics(this.broker.topics, m.partitions);
      if (live.length !== m.partitions.length) await this.locks.run(m.transactionalId, () => this.write({ ...m, partitions: live }));
    }
    for (const m of [...this.txns.values()]) {
      if (isPreparing(m.state)) await this.locks.run(m.transactionalId, () => this.finish(m.transactionalId));
    }
  }

  /** Every transaction's metadata (ListTransactions, DescribeTransactions, the CLI). */
  all(): readonly TxnMetadata[] {
    return [...this.txns.values()];
  }

  get(transactionalId: string): TxnMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  private async write(next: TxnMetadata): Promise<void> {
    const prev = this.txns.get(next.transactionalId);
    if (prev !== undefined && prev.state !== next.state) assertTransition(next.transactionalId, prev.state, next.state);
    next.lastUpdateTimestamp = this.broker.clock.now();
    this.writing.add(next.transactionalId);
    try {
      for (;;) {
        const topicIds = topicIdsOf(this.broker.topics, next.partitions);
        await this.log.append([{ key: encodeTxnKey(next.transactionalId), value: encodeTxnValue(next) }]);
        // A DeleteTopics ran during the append: persist the record without its partitions too.
        const kept = sameTopics(this.broker.topics, next.partitions, topicIds);
        if (kept.length === next.partitions.length) break;
        next = { ...next, partitions: kept };
      }
    } finally {
      this.writing.delete(next.transactionalId);
    }
    this.txns.set(next.transactionalId, next);
    this.byProducerId.set(next.producerId, next.transactionalId);
  }

  private transition(m: TxnMetadata, state: TxnStateName, changes: Partial<TxnMetadata> = {}): Promise<void> {
    return this.write({ ...m, ...changes, state });
  }

  initProducerId(transactionalId: string, timeoutMs: number, given: TxnProducer | null, version: number): Promise<{ errorCode: number } & TxnProducer> {
    const fail = (errorCode: number) => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (timeoutMs <= 0 || timeoutMs > this.options.maxTimeoutMs) return Promise.resolve(fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
    return this.locks.run(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      const now = this.broker.clock.now();
      if (m === undefined) {
        const producerId = this.producers.allocator.allocate();
        await this.write({
          transactionalId, producerId, lastProducerId: -1n, producerEpoch: 0, lastProducerEpoch: -1, timeoutMs,
          state: TxnState.Empty, partitions: [], pendingOffsets: [], txnStartTimestamp: -1, lastUpdateTimestamp: now,
        });
        return { errorCode: 0, producerId, producerEpoch: 0 };
      }
      if (given !== null && given.producerId >= 0n) {
        const current = given.producerId === m.producerId && given.producerEpoch === m.producerEpoch;
        const retried = given.producerId === m.lastProducerId || (given.producerId === m.producerId && given.producerEpoch === m.lastProducerEpoch);
        if (!current && !retried) return fail(fencedCode(version, FENCED_SINCE.initProducerId));
      }
      if (m.state === TxnState.Ongoing) await this.fenceAndAbort(transactionalId);
      else if (isPreparing(m.state)) await this.finish(transactionalId);
      const cur = this.txns.get(transactionalId)!;
      const overflow = cur.producerEpoch + 1 >= MAX_PRODUCER_EPOCH;
      const producerId = overflow ? this.producers.allocator.allocate() : cur.producerId;
      const producerEpoch = overflow ? 0 : cur.producerEpoch + 1;
      await this.write({
        ...cur,
        producerId, producerEpoch, timeoutMs,
        lastProducerId: overflow ? cur.producerId : -1n,
        lastProducerEpoch: cur.producerEpoch,
        state: TxnState.Empty, partitions: [], pendingOffsets: [], txnStartTimestamp: -1,
      });
      return { errorCode: 0, producerId, producerEpoch };
    });
  }

  /** The checks every in-transaction request makes; returns an error code or the metadata. */
  private check(transactionalId: string, p: TxnProducer, fenced: number): number | TxnMetadata {
    const m = this.txns.get(transactionalId);
    if (m === undefined || m.producerId !== p.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (p.producerEpoch !== m.producerEpoch) return fenced;
    if (isPreparing(m.state)) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (m.state === TxnState.Dead) return ErrorCode.INVALID_TXN_STATE;
    return m;
  }

  /** AddPartitionsToTxn: one code per requested partition. */
  addPartitions(transactionalId: string, p: TxnProducer, parts: TxnPartition[], version: number, tv: number = TransactionVersion.TV0): Promise<Map<TxnPartition, number>> {
    return this.locks.run(transactionalId, async () => {
      const codes = new Map<TxnPartition, number>();
      const all = (code: number) => {
        for (const tp of parts) codes.set(tp, code);
        return codes;
      };
      const m = this.check(transactionalId, p, fencedCode(version, FENCED_SINCE.addPartitions));
      if (typeof m === 'number') return all(m);
      const unknown = parts.filter((tp) => this.broker.partitions.get(tp.topic, tp.partition) === undefined);
      if (unknown.length > 0) {
        all(ErrorCode.OPERATION_NOT_ATTEMPTED);
        for (const tp of unknown) codes.set(tp, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return codes;
      }
      await this.join(m, parts, tv);
      return all(ErrorCode.NONE);
    });
  }

  /** AddOffsetsToTxn: the group's offsets partition joins the transaction. */
  addOffsets(transactionalId: string, p: TxnProducer, version: number, tv: number = TransactionVersion.TV0): Promise<number> {
    return this.locks.run(transactionalId, async () => {
      const m = this.check(transactionalId, p, fencedCode(version, FENCED_SINCE.addOffsets));
      if (typeof m === 'number') return m;
      await this.join(m, [{ topic: OFFSETS_TOPIC, partition: 0 }], tv);
      return ErrorCode.NONE;
    });
  }

  private async join(m: TxnMetadata, parts: TxnPartition[], tv: number): Promise<void> {
    const starting = isIdle(m.state);
    const current = starting ? [] : m.partitions;
    const have = new Set(current.map((tp) => `${tp.topic}\u0000${tp.partition}`));
    const added = parts.filter((tp, i) => !have.has(`${tp.topic}\u0000${tp.partition}`) && parts.findIndex((o) => o.topic === tp.topic && o.partition === tp.partition) === i);
    if (added.length === 0 && !starting) return;
    await this.transition(m, TxnState.Ongoing, {
      partitions: [...current, ...added],
      pendingOffsets: starting ? [] : m.pendingOffsets,
      txnStartTimestamp: starting ? this.broker.clock.now() : m.txnStartTimestamp,
      clientTransactionVersion: tv,
    });
  }

  /** TxnOffsetCommit: the offsets become pending in the transaction. One code for every partition. */
  txnOffsetCommit(transactionalId: string, group: string, p: TxnProducer, offsets: Omit<PendingOffset, 'group'>[], version: number): Promise<number> {
    return this.locks.run(transactionalId, async () => {
      const m = this.check(transactionalId, p, fencedCode(version, FENCED_SINCE.txnOffsetCommit));
      if (typeof m === 'number') return m;
      const offsetsAdded = m.partitions.some((tp) => tp.topic === OFFSETS_TOPIC);
      // KIP-890: TRANSACTION_ABORTABLE from v4 (the group coordinator's verification of the offsets partition).
      if (m.state !== TxnState.Ongoing || !offsetsAdded) return abortableFor(ErrorCode.TRANSACTION_ABORTABLE, version, ABORTABLE_SINCE.txnOffsetCommit);
      const key = (o: { group: string; topic: string; partition: number }) => `${o.group}\u0000${o.topic}\u0000${o.partition}`;
      const incoming = offsets.map((o) => ({ ...o, group }));
      const replaced = new Set(incoming.map(key));
      await this.write({ ...m, pendingOffsets: [...m.pendingOffsets.filter((o) => !replaced.has(key(o))), ...incoming] });
      return ErrorCode.NONE;
    });
  }

  endTxn(transactionalId: string, p: TxnProducer, commit: boolean, version: number): Promise<number> {
    return this.locks.run(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      // A retry of an EndTxn that completed (possibly in a coordinator that then crashed).
      if (m !== undefined && m.producerId === p.producerId && m.producerEpoch === p.producerEpoch) {
        if (m.state === TxnState.CompleteCommit) return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        if (m.state === TxnState.CompleteAbort) return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) return this.endPrepared(m, commit);
      }
      const c = this.check(transactionalId, p, fencedCode(version, FENCED_SINCE.endTxn));
      if (typeof c === 'number') return c;
      if (c.state !== TxnState.Ongoing) return ErrorCode.INVALID_TXN_STATE;
      await this.transition(c, commit ? TxnState.PrepareCommit : TxnState.PrepareAbort);
      await this.finish(transactionalId);
      return ErrorCode.NONE;
    });
  }

  /** EndTxn v5 (txn-v2.ts): the error, or NONE with the producer id and epoch to use next. */
  endTxnV2(transactionalId: string, p: TxnProducer, commit: boolean): Promise<{ errorCode: number } & TxnIdentity> {
    return this.locks.run(transactionalId, async () => {
      const plan = planEndTxnV2(this.txns.get(transactionalId), p, commit);
      if (plan.kind === 'answer') return { errorCode: plan.errorCode, producerId: plan.producerId, producerEpoch: plan.producerEpoch };
      const m = plan.metadata;
      const idle = m.state !== TxnState.Ongoing;
      await this.transition(m, plan.commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, {
        ...prepareEndChanges(m, () => this.producers.allocator.allocate()),
        ...(idle ? { partitions: [], pendingOffsets: [] } : {}),
      });
      await this.finish(transactionalId);
      const done = this.txns.get(transactionalId)!;
      return { errorCode: ErrorCode.NONE, producerId: done.producerId, producerEpoch: done.producerEpoch };
    });
  }

  /**
   * EndTxn meeting Prepare{Commit,Abort} under the lock: an earlier finish() failed (a marker or
   * a __transaction_state write threw), since a finish that runs holds the lock to the end. As
   * Kafka's handleEndTransaction: the other outcome is INVALID_TXN_STATE; the same outcome is
   * CONCURRENT_TRANSACTIONS while the markers are not written — Kafka's marker channel retries
   * them by itself, here the retried EndTxn writes them again and answers NONE once they are.
   */
  private async endPrepared(m: TxnMetadata, commit: boolean): Promise<number> {
    if ((m.state === TxnState.PrepareCommit) !== commit) return ErrorCode.INVALID_TXN_STATE;
    try {
      await this.finish(m.transactionalId);
      return ErrorCode.NONE;
    } catch (err) {
      this.broker.logger.warn(`transaction ${m.transactionalId}: completing ${m.state} failed again: ${(err as Error).message}`);
      return ErrorCode.CONCURRENT_TRANSACTIONS;
    }
  }

  /** Ongoing → PrepareEpochFence (epoch bumped) → PrepareAbort → CompleteAbort. Caller holds the lock. */
  private async fenceAndAbort(transactionalId: string): Promise<void> {
    const m = this.txns.get(transactionalId)!;
    if (m.state !== TxnState.Ongoing) return;
    const producerEpoch = fencedEpoch(m, this.options.version ?? TransactionVersion.TV0);
    await this.transition(m, TxnState.PrepareEpochFence, { producerEpoch, lastProducerEpoch: m.producerEpoch });
    await this.finish(transactionalId);
  }

  /**
   * Completes a preparing transaction: markers into every data partition (durable), then the
   * pending offsets (commit only), then Complete{Commit,Abort}. Caller holds the lock.
   */
  private async finish(transactionalId: string): Promise<void> {
    let m = this.txns.get(transactionalId)!;
    if (m.state === TxnState.PrepareEpochFence) {
      await this.transition(m, TxnState.PrepareAbort);
      m = this.txns.get(transactionalId)!;
    }
    const commit = m.state === TxnState.PrepareCommit;
    const waits: Promise<void>[] = [];
    for (const tp of m.partitions) {
      if (tp.topic === OFFSETS_TOPIC) continue;
      const written = this.partitions.writeMarker(tp.topic, tp.partition, m.producerId, m.producerEpoch, commit);
      if (written !== null) waits.push(written.log.waitDurable(written.offset));
    }
    await Promise.all(waits);
    if (commit) {
      const byGroup = new Map<string, PendingOffset[]>();
      for (const o of m.pendingOffsets) {
        let list = byGroup.get(o.group);
        if (list === undefined) byGroup.set(o.group, (list = []));
        list.push(o);
      }
      for (const [group, entries] of byGroup) await this.groups.offsets.commit(group, entries);
    }
    await this.transition(m, commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, { pendingOffsets: [], partitions: [], ...completeChanges(m) });
  }

  /**
   * DeleteTopics, called in the synchronous step that removes the topic (txn-topic-deletion.ts):
   * the topic's partitions leave every transaction in memory now, so no marker is ever written
   * into a topic re-created under the same name (the new topic holds none of the transaction's
   * data; producing to it needs AddPartitionsToTxn again). Resolves once the removal is durable.
   */
  forgetTopic(topic: string): Promise<void> {
    const others = (parts: readonly TxnPartition[]) => parts.filter((tp) => tp.topic !== topic);
    const touched: string[] = [];
    for (const m of this.txns.values()) {
      const kept = others(m.partitions);
      if (kept.length === m.partitions.length && !this.writing.has(m.transactionalId)) continue;
      this.txns.set(m.transactionalId, { ...m, partitions: kept });
      touched.push(m.transactionalId);
    }
    const persist = (id: string) =>
      this.locks.run(id, async () => {
        const cur = this.txns.get(id);
        if (cur !== undefined) await this.write({ ...cur, partitions: others(cur.partitions) });
      });
    return Promise.all(touched.map(persist)).then(() => undefined);
  }

  /** Aborts (fencing the producer) every Ongoing transaction older than its timeout. */
  async abortTimedOut(): Promise<void> {
    const now = this.broker.clock.now();
    for (const m of [...this.txns.values()]) {
      if (m.state !== TxnState.Ongoing || now - m.txnStartTimestamp <= m.timeoutMs) continue;
      await this.locks.run(m.transactionalId, async () => {
        const cur = this.txns.get(m.transactionalId);
        if (cur === undefined || cur.state !== TxnState.Ongoing || now - cur.txnStartTimestamp <= cur.timeoutMs) return;
        this.broker.logger.info(`aborting transaction ${m.transactionalId}: open for more than ${cur.timeoutMs} ms`);
        await this.fenceAndAbort(m.transactionalId);
      });
    }
  }

  /** Forgets every idle transactional id not updated for idExpirationMs (see Expiration above). */
  async expireIds(): Promise<void> {
    const expired = (m: TxnMetadata | undefined, now: number): m is TxnMetadata => m !== undefined && isIdle(m.state) && now - m.lastUpdateTimestamp >= this.options.idExpirationMs;
    for (const m of [...this.txns.values()]) {
      if (!expired(m, this.broker.clock.now())) continue;
      await this.locks.run(m.transactionalId, async () => {
        const cur = this.txns.get(m.transactionalId);
        if (!expired(cur, this.broker.clock.now())) return;
        assertTransition(cur.transactionalId, cur.state, TxnState.Dead);
        await this.log.append([{ key: encodeTxnKey(cur.transactionalId), value: null }]);
        this.txns.delete(cur.transactionalId);
        if (this.byProducerId.get(cur.producerId) === cur.transactionalId) this.byProducerId.delete(cur.producerId);
        this.broker.logger.info(`transactional id ${cur.transactionalId} expired: unused for ${this.options.idExpirationMs} ms`);
      });
    }
  }

  /** Whether a transaction holds a pending (uncommitted) offset for this group and partition. */
  hasPendingOffset(group: string, topic: string, partition: number): boolean {
    for (const m of this.txns.values()) {
      if (m.pendingOffsets.some((o) => o.group === group && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  /** Produce check for a transactional batch (txn-verification.ts has the rules). */
  checkProduce(topic: string, partition: number, producerId: bigint, producerEpoch: number): ProduceVerdict {
    const id = this.byProducerId.get(producerId);
    return verifyProduce(id === undefined ? undefined : this.txns.get(id), topic, partition, producerId, producerEpoch);
  }

  /** AddPartitionsToTxn v4+ with VerifyOnly: one code per partition, nothing changes. */
  verifyPartitions(transactionalId: string, p: TxnProducer, parts: TxnPartition[]): Map<TxnPartition, number> {
    return verifyPartitions(this.txns.get(transactionalId), p, parts);
  }

  /** Waits for every transactional id's pending work (close). */
  drain(): Promise<void> {
    return this.locks.drain();
  }
}
