/*
 * Producer-id expiration (producer.id.expiration.ms, KIP-854), as Apache Kafka's
 * ProducerStateManager.isProducerExpired / removeExpiredProducers do it (apache/kafka
 * storage/src/main/java/org/apache/kafka/storage/internals/log/ProducerStateManager.java), and
 * what the log cleaner learns from it.
 *
 * Rule, per partition: a producer's entry is expired when the producer has no open transaction in
 * that partition and now − entry.lastTimestamp ≥ producer.id.expiration.ms. lastTimestamp is
 * Kafka's: the max timestamp of the producer's last data batch (its CreateTime, or the broker's
 * time on a LogAppendTime topic) or the timestamp of the last marker written for it — the record
 * timestamps, not the wall-clock time of the append (ProducerAppendInfo.appendDataBatch passes
 * batch.maxTimestamp()). "now" is the broker clock.
 *
 * When, numbered:
 *   1 at start, once every partition's state is restored (Kafka drops expired entries when it
 *     loads a snapshot; the header scan after the snapshot finds them again, so they go here);
 *   2 every producer.id.expiration.check.interval.ms, over every partition.
 * An expired entry leaves memory, and so every snapshot written after it. The producer's next
 * batch is treated as from a producer with no state: accepted at any sequence (producer-state.ts,
 * Kafka's checkSequence for an entry with no epoch), so an idempotent client just continues; a
 * retry of a batch written before the expiration is no longer recognised as a duplicate (Kafka's
 * trade-off too: the expiration should exceed any retry window).
 *
 * The cleaner (log/cleaner-filter.ts) keeps the batch holding each active producer's last data
 * offset; activeProducersOf is that view. An expired producer is not in it, so the cleaner drops
 * its last batch once empty, and the marker after it at a later cleaning.
 */
import type { Broker } from '../broker.ts';
import type { CancelTimer } from '../clock.ts';
import type { ActiveProducer } from '../log/cleaner-filter.ts';
import { parsePartitionDirName } from '../log/log-manager.ts';
import type { PartitionTxnState } from './partition-txn-state.ts';
import type { PartitionProducerState, ProducerEntry, ProducerStateManager } from './producer-state.ts';
import type { TxnPartitions } from './txn-partitions.ts';

/** Kafka's isProducerExpired. */
export function isProducerExpired(entry: ProducerEntry, now: number, expirationMs: number, inTransaction: boolean): boolean {
  return !inTransaction && now - entry.lastTimestamp >= expirationMs;
}

/** Removes the partition's expired producers; returns their ids. */
export function removeExpiredProducers(state: PartitionProducerState, txns: PartitionTxnState | undefined, now: number, expirationMs: number): bigint[] {
  const expired: bigint[] = [];
  for (const [pid, entry] of state.producers) {
    if (isProducerExpired(entry, now, expirationMs, txns?.openFirstOffset(pid) !== undefined)) expired.push(pid);
  }
  for (const pid of expired) {
    state.producers.delete(pid);
    txns?.forgetMarkerEpoch(pid); // else it would stay in snapshots as an epoch-only entry
  }
  return expired;
}

/** Phase 2 over every partition (phase 1 is the same call at start); returns how many went. */
export function expireProducers(producers: ProducerStateManager, txns: TxnPartitions, now: number, expirationMs: number): number {
  let removed = 0;
  for (const { topic, partition, state } of [...producers.all()]) {
    removed += removeExpiredProducers(state, txns.peek(topic, partition), now, expirationMs).length;
    producers.dropIfEmpty(topic, partition);
  }
  return removed;
}

/** The cleaner's view of a partition's producer state: active producer → last data offset, epoch. */
export function activeProducersOf(state: PartitionProducerState | undefined): Map<bigint, ActiveProducer> {
  const out = new Map<bigint, ActiveProducer>();
  for (const [pid, e] of state?.producers ?? []) out.set(pid, { lastDataOffset: e.batches.at(-1)?.lastOffset ?? null, epoch: e.epoch });
  return out;
}

/**
 * Runs phase 1 now, tells the cleaner which producers are active, and starts phase 2's timer
 * (returned, for the service's close).
 */
export function startProducerExpiration(broker: Broker, producers: ProducerStateManager, txns: TxnPartitions): CancelTimer {
  const { idExpirationMs, idExpirationCheckIntervalMs } = broker.options.producer;
  const run = (): void => {
    const removed = expireProducers(producers, txns, broker.clock.now(), idExpirationMs);
    if (removed > 0) broker.logger.info(`removed ${removed} producer id(s) idle for ${idExpirationMs} ms from partition producer state`);
  };
  run(); // 1
  broker.partitions.manager.cleaner.setActiveProducers((log) => {
    const ref = parsePartitionDirName(log.name);
    // A log that is no longer a live partition's is not cleaned (TxnPartitions.stableOffsetOf).
    if (ref === null || broker.partitions.get(ref.topic, ref.partition) !== log) return new Map();
    return activeProducersOf(producers.peek(ref.topic, ref.partition));
  });
  return broker.clock.setInterval(run, idExpirationCheckIntervalMs); // 2
}
