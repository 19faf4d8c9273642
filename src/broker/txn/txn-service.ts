/*
 * The transaction service: what the broker starts for transactions (service-registry.ts) and what
 * the transaction handlers reach through `ctx.broker.service(TRANSACTIONS)`.
 *
 * Start, numbered (after the producer and group services, which it uses):
 *   1. make sure __transaction_state exists (1 partition, cleanup.policy=compact);
 *   2. take every partition's open transactions restored by the producer service (from snapshots
 *      and the log tail, partition-state-loader.ts), and from now on write a producer-state
 *      snapshot at each segment roll (partition-snapshot.ts); close writes one per partition too;
 *      bound the log cleaner by each partition's LSO (it never cleans an open transaction);
 *   3. push the produce hook: a transactional batch must belong to an open transaction that has
 *      the partition (else 47/48/49, nothing written); an appended one opens the producer's
 *      transaction in that partition (the LSO stops there);
 *   4. wait for __consumer_offsets to load (committing a recovered transaction writes offsets),
 *      then load __transaction_state and complete interrupted commits/aborts — before the broker
 *      listens, so no client sees a half-finished transaction;
 *   5. start the timers that abort timed-out transactions and forget expired transactional ids,
 *      and the producer-id expiration (producer-expiration.ts: once now, then on its timer);
 *   6. on DeleteTopics, in the synchronous step that removes the topic: its partitions leave every
 *      transaction and its producer state goes (txn-topic-deletion.ts).
 */
import type { Broker } from '../broker.ts';
import type { ServiceDef, ServiceKey } from '../services.ts';
import { isControlBatch, isTransactionalBatch } from '../../protocol/records/batch-header.ts';
import { BrokerOffsetsLog, ensureInternalTopic } from '../coordinator/offsets-log.ts';
import { GROUPS } from '../coordinator/service.ts';
import { PRODUCERS } from './service.ts';
import { TransactionCoordinator } from './transaction-coordinator.ts';
import { TRANSACTION_STATE_TOPIC } from './txn-log.ts';
import { TxnPartitions } from './txn-partitions.ts';
import { snapshotPartition } from './partition-snapshot.ts';
import { startProducerExpiration } from './producer-expiration.ts';
import { onTopicDeleted } from './txn-topic-deletion.ts';
import { TV2_SINCE } from './txn-v2.ts';

export class TransactionService {
  private stopTimers: Array<() => void> = [];

  private constructor(
    private readonly broker: Broker,
    readonly coordinator: TransactionCoordinator,
  ) {}

  static async start(broker: Broker): Promise<TransactionService> {
    await ensureInternalTopic(broker, TRANSACTION_STATE_TOPIC); // 1
    const partitions = new TxnPartitions(broker);
    const producers = broker.service(PRODUCERS);
    partitions.restore(producers.takeRecoveredTransactions()); // 2
    broker.partitions.rollListener = (topic, p, log) => {
      // A failed snapshot must not fail the append that rolled: the next start scans further back.
      try {
        snapshotPartition(log, producers.state.peek(topic, p), partitions.peek(topic, p));
      } catch (err) {
        broker.logger.warn(`${log.name}: writing the producer-state snapshot: ${(err as Error).message}`);
      }
    };
    broker.partitions.manager.cleaner.setStableOffsets((log) => partitions.stableOffsetOf(log));
    const groups = broker.service(GROUPS);
    const coordinator = new TransactionCoordinator(
      broker,
      new BrokerOffsetsLog(broker, TRANSACTION_STATE_TOPIC),
      partitions,
      producers,
      groups,
      broker.options.transaction,
    );
    broker.produceHooks.push({
      // 3
      beforeAppend: (ctx) => {
        const h = ctx.header;
        if (!isTransactionalBatch(h.attributes) || isControlBatch(h.attributes)) return { kind: 'append' };
        // transaction.partition.verification.enable=false turns part 1's check off; a Produce v12
        // (transactions v2) is always checked, as in Kafka: its add goes through the same answer.
        if (!broker.options.transaction.partitionVerification && ctx.apiVersion < TV2_SINCE.produce) return { kind: 'append' };
        return coordinator.checkProduce(ctx.topic, ctx.partition, h.producerId, h.producerEpoch);
      },
      afterAppend: (ctx, info) => partitions.onDataAppended(ctx.topic, ctx.partition, ctx.header, info.baseOffset),
    });
    await groups.whenLoaded(); // 4
    await coordinator.load();
    for (const p of coordinator.loadProblems) broker.logger.warn(p);
    const service = new TransactionService(broker, coordinator);
    service.stopTimers = [
      // 5
      broker.clock.setInterval(() => {
        coordinator.abortTimedOut().catch((err: Error) => broker.logger.warn(`aborting timed-out transactions: ${err.message}`));
      }, broker.options.transaction.abortTimedOutIntervalMs),
      broker.clock.setInterval(() => {
        coordinator.expireIds().catch((err: Error) => broker.logger.warn(`removing expired transactional ids: ${err.message}`));
      }, broker.options.transaction.removeExpiredIntervalMs),
      startProducerExpiration(broker, producers.state, partitions),
      broker.topicManager.onDelete((topic) => onTopicDeleted(topic, coordinator, producers.state)), // 6
    ];
    return service;
  }

  async close(): Promise<void> {
    for (const stop of this.stopTimers) stop();
    await this.coordinator.drain().catch(() => undefined);
    this.broker.partitions.rollListener = null;
    this.snapshotAll();
  }

  /**
   * Clean shutdown: a producer-state snapshot of every partition at its log end, so the next start
   * scans no log. A partition whose snapshot cannot be written is only logged: the next start then
   * scans from an older snapshot, with the same result.
   */
  private snapshotAll(): void {
    const producers = this.broker.service(PRODUCERS).state;
    for (const topic of this.broker.topics.list()) {
      for (let p = 0; p < topic.partitions; p++) {
        const log = this.broker.partitions.get(topic.name, p);
        if (log === undefined) continue;
        try {
          snapshotPartition(log, producers.peek(topic.name, p), this.coordinator.partitions.peek(topic.name, p));
        } catch (err) {
          this.broker.logger.warn(`${log.name}: writing the producer-state snapshot: ${(err as Error).message}`);
        }
      }
    }
  }
}

export const TRANSACTIONS: ServiceKey<TransactionService> = Object.freeze({ name: 'transactions' });

export const transactionsService: ServiceDef<TransactionService> = { key: TRANSACTIONS, start: (broker) => TransactionService.start(broker) };
