/*
 * Transactions as one partition sees them: which producers have an open transaction here (and
 * the offset of its first batch). An ABORT marker that closes one yields Kafka's AbortedTxn
 * (producer id, first offset, last offset = the offset of the ABORT marker), which the caller
 * stores in the `.txnindex` of the marker's segment (log/transaction-index.ts): the aborted
 * transactions live on disk, not here.
 *
 * Invariants:
 *   - a producer has at most one open transaction per partition; it opens with the producer's
 *     first transactional data batch after the previous marker and closes with the next marker;
 *   - last stable offset (LSO) = the smallest first offset of an open transaction, else the high
 *     watermark: read_committed consumers never read at or past it.
 *
 * Also the coordinator epoch of each producer's last marker here (Kafka's
 * ProducerStateEntry.coordinatorEpoch): a marker from an older coordinator epoch is refused
 * (Kafka's ProducerAppendInfo.checkCoordinatorEpoch, TRANSACTION_COORDINATOR_FENCED).
 *
 * Fed live by the Produce hook (data batches) and by the transaction coordinator (markers), and
 * restored at start from the producer-state snapshot plus the log after it
 * (partition-state-loader.ts).
 */

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

export class PartitionTxnState {
  /** producer id → first offset of its open transaction on this partition. */
  private readonly open: Map<bigint, number>;
  /** producer id → coordinator epoch of its last marker on this partition. */
  private readonly markerEpochs: Map<bigint, number>;

  constructor(open: ReadonlyMap<bigint, number> = new Map(), coordinatorEpochs: ReadonlyMap<bigint, number> = new Map()) {
    this.open = new Map(open);
    this.markerEpochs = new Map(coordinatorEpochs);
  }

  /**
   * The producer's last coordinator epoch when it is newer than `coordinatorEpoch` (a marker from
   * that epoch must be refused), else null.
   */
  fencingCoordinatorEpoch(producerId: bigint, coordinatorEpoch: number): number | null {
    const current = this.markerEpochs.get(producerId);
    return current !== undefined && current > coordinatorEpoch ? current : null;
  }

  /**
   * A marker of `coordinatorEpoch` was appended (live, or found by the scan at start). Set even
   * when the marker closed nothing, and even when it is lower (a scan replays what the log holds),
   * as Kafka's appendEndTxnMarker does.
   */
  onMarkerEpoch(producerId: bigint, coordinatorEpoch: number): void {
    this.markerEpochs.set(producerId, coordinatorEpoch);
  }

  /** Every producer's last marker coordinator epoch here (producer-state snapshots). */
  /** Producer-id expiration removed the producer here: its marker epoch goes with it (as Kafka's entry). */
  forgetMarkerEpoch(producerId: bigint): void {
    this.markerEpochs.delete(producerId);
  }

  coordinatorEpochs(): ReadonlyMap<bigint, number> {
    return this.markerEpochs;
  }

  /** A transactional data batch was appended at `baseOffset`. */
  onData(producerId: bigint, baseOffset: number): void {
    if (!this.open.has(producerId)) this.open.set(producerId, baseOffset);
  }

  /**
   * A marker was appended at `offset`. Closes the producer's open transaction; an ABORT of a
   * transaction that had data here returns the aborted transaction, for the `.txnindex` of the
   * marker's segment. A marker with no open transaction (a retried marker after a crash, or a
   * partition the producer never wrote) changes nothing and returns null.
   */
  onMarker(producerId: bigint, offset: number, commit: boolean): AbortedTxn | null {
    const first = this.open.get(producerId);
    if (first === undefined) return null;
    this.open.delete(producerId);
    return commit ? null : { producerId, firstOffset: first, lastOffset: offset };
  }

  /** The LSO for a partition whose high watermark is `highWatermark`. */
  lastStableOffset(highWatermark: number): number {
    let lso = highWatermark;
    for (const first of this.open.values()) if (first < lso) lso = first;
    return lso;
  }

  /** First offset of the producer's open transaction here, or undefined. */
  openFirstOffset(producerId: bigint): number | undefined {
    return this.open.get(producerId);
  }

  /** Every open transaction: producer id → first offset (producer-state snapshots). */
  openTransactions(): ReadonlyMap<bigint, number> {
    return this.open;
  }

  get openCount(): number {
    return this.open.size;
  }
}
