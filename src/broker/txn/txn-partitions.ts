/*
 * The broker-wide view of transactions in partition logs: one PartitionTxnState per partition
 * that ever held transactional data, the marker writer, and the rebuild at start.
 *
 * Marker (KIP-98 "WriteTxnMarkers", done in-process on a single node): a control batch with
 * attributes transactional|control, the transaction's producer id and epoch, baseSequence -1 and
 * one record COMMIT/ABORT, appended with origin 'coordinator' (clients may not write control
 * batches), after which the partition's open transaction for that producer closes (an ABORT
 * joins the aborted list). Appending wakes parked fetches like any append. The marker carries the
 * coordinator epoch; one older than the producer's last marker's in that partition is refused.
 *
 * An ABORT that closes a transaction with data in the partition is recorded in the `.txnindex` of
 * the marker's segment with the LSO right after the marker (log/transaction-index.ts); read_committed
 * Fetch reads the aborted transactions from there.
 *
 * Restore (start, before the broker listens): the open transactions come from the producer-state
 * snapshot plus the log after it (partition-state-loader.ts, run by the producer service). The log
 * stays the source of truth: snapshots and transaction indexes are caches rebuilt from it.
 */
import { buildControlBatch, ControlType } from '../../protocol/records/control.ts';
import { isControlBatch, isTransactionalBatch, type BatchHeader } from '../../protocol/records/batch-header.ts';
import type { Broker } from '../broker.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { readMarkerIsCommit } from '../log/marker-read.ts';
import { parsePartitionDirName } from '../log/log-manager.ts';
import { partitionKey } from '../handlers/handler.ts';
import { PartitionTxnState } from './partition-txn-state.ts';
import { PRODUCERS } from './service.ts';

/**
 * This broker's transaction coordinator epoch, written into every marker. Kafka's is the leader
 * epoch of the `__transaction_state` partition its coordinator loaded (TransactionStateManager);
 * on this single node no partition ever changes leader, so every leader epoch, that one
 * included, is 0.
 */
export const COORDINATOR_EPOCH = 0;

/** One partition's transaction state found at start (partition-state-loader.ts). */
export interface RecoveredTxns {
  topic: string;
  partition: number;
  open: ReadonlyMap<bigint, number>;
  coordinatorEpochs: ReadonlyMap<bigint, number>;
}

export class TxnPartitions {
  /** Keyed by topic and partition; each state remembers the topic id it belongs to. */
  private readonly states = new Map<string, { topicId: string; state: PartitionTxnState }>();

  constructor(private readonly broker: Broker) {}

  /** The state of a partition, created on first use. */
  state(topic: string, partition: number): PartitionTxnState {
    const existing = this.peek(topic, partition);
    if (existing !== undefined) return existing;
    const state = new PartitionTxnState();
    this.states.set(partitionKey(topic, partition), { topicId: this.broker.topics.get(topic)?.topicId ?? '', state });
    return state;
  }

  /**
   * The existing state, or undefined when the partition never saw a transaction. A state left
   * by a deleted topic (the name now has another topic id, or none) is forgotten here, so a
   * topic re-created under the same name starts clean.
   */
  peek(topic: string, partition: number): PartitionTxnState | undefined {
    const k = partitionKey(topic, partition);
    const entry = this.states.get(k);
    if (entry === undefined) return undefined;
    if (entry.topicId !== (this.broker.topics.get(topic)?.topicId ?? '')) {
      this.states.delete(k);
      return undefined;
    }
    return entry.state;
  }

  /** LSO of a partition log (its high watermark when no transaction is open there). */
  lastStableOffset(topic: string, partition: number, log: PartitionLog): number {
    const s = this.peek(topic, partition);
    return s === undefined ? log.highWatermark : s.lastStableOffset(log.highWatermark);
  }

  /**
   * The log cleaner's bound (log/cleaner.ts): the LSO of the partition `log` is the log of. A log
   * that is not (or no longer) a live partition's gets its start offset: nothing of it is cleaned.
   */
  stableOffsetOf(log: PartitionLog): number {
    const ref = parsePartitionDirName(log.name);
    if (ref === null || this.broker.partitions.get(ref.topic, ref.partition) !== log) return log.logStartOffset;
    return this.lastStableOffset(ref.topic, ref.partition, log);
  }

  /** Produce hook side: a transactional data batch landed at baseOffset. */
  onDataAppended(topic: string, partition: number, header: BatchHeader, baseOffset: number): void {
    if (!isTransactionalBatch(header.attributes) || isControlBatch(header.attributes)) return;
    this.state(topic, partition).onData(header.producerId, baseOffset);
  }

  /**
   * Writes a COMMIT or ABORT marker into a partition and closes the producer's transaction there
   * (Kafka's WriteTxnMarkers, in process). Returns the marker's offset (for durability waits), or
   * null when nothing was written: the partition is gone, or the producer's last marker there came
   * from a newer coordinator epoch than `coordinatorEpoch` (Kafka answers that marker
   * TRANSACTION_COORDINATOR_FENCED and its coordinator stops sending the transaction's markers;
   * here the caller likewise has nothing to wait for).
   */
  writeMarker(
    topic: string,
    partition: number,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
    coordinatorEpoch: number = COORDINATOR_EPOCH,
  ): { log: PartitionLog; offset: number } | null {
    const log = this.broker.partitions.get(topic, partition);
    if (log === undefined) return null;
    const timestamp = this.broker.clock.now();
    const state = this.state(topic, partition);
    const newer = state.fencingCoordinatorEpoch(producerId, coordinatorEpoch);
    if (newer !== null) {
      this.broker.logger.warn(
        `${topic}-${partition}: marker for producer ${producerId} refused (TRANSACTION_COORDINATOR_FENCED): coordinator epoch ${coordinatorEpoch} is older than ${newer}`,
      );
      return null;
    }
    const batch = buildControlBatch({
      producerId,
      producerEpoch,
      type: commit ? ControlType.Commit : ControlType.Abort,
      coordinatorEpoch,
      timestamp,
    });
    const info = this.broker.append(topic, partition, batch, 'coordinator');
    this.broker.service(PRODUCERS).state.partition(topic, partition).onMarker(producerId, producerEpoch, timestamp); // Kafka's appendEndTxnMarker
    state.onMarkerEpoch(producerId, coordinatorEpoch);
    const aborted = state.onMarker(producerId, info.baseOffset, commit);
    if (aborted !== null) log.appendAbortedTxn({ ...aborted, lastStableOffset: state.lastStableOffset(log.highWatermark) });
    return { log, offset: info.lastOffset };
  }

  /** Installs the open transactions and marker coordinator epochs restored at start (partition-state-loader.ts). */
  restore(recovered: readonly RecoveredTxns[]): void {
    for (const r of recovered) {
      const state = new PartitionTxnState(r.open, r.coordinatorEpochs);
      this.states.set(partitionKey(r.topic, r.partition), { topicId: this.broker.topics.get(r.topic)?.topicId ?? '', state });
    }
  }
}
