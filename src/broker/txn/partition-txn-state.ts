/*
 * Transactions as one partition sees them: which producers have an open transaction here (and
 * the offset of its first batch), and the list of aborted transactions (Kafka's AbortedTxn:
 * producer id, first offset, last offset = the offset of the ABORT marker).
 *
 * Invariants:
 *   - a producer has at most one open transaction per partition; it opens with the producer's
 *     first transactional data batch after the previous marker and closes with the next marker;
 *   - last stable offset (LSO) = the smallest first offset of an open transaction, else the high
 *     watermark: read_committed consumers never read at or past it;
 *   - `aborted` is ordered by marker offset (markers are appended in offset order).
 *
 * Fed live by the Produce hook (data batches) and by the transaction coordinator (markers), and
 * rebuilt at start by replaying the partition's batch headers in offset order (the caller resolves
 * each control batch's type, COMMIT or ABORT, from its record key).
 */

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the ABORT marker. */
  lastOffset: number;
}

export class PartitionTxnState {
  /** producer id → first offset of its open transaction on this partition. */
  private readonly open = new Map<bigint, number>();
  private readonly abortedTxns: AbortedTxn[] = [];

  /** A transactional data batch was appended at `baseOffset`. */
  onData(producerId: bigint, baseOffset: number): void {
    if (!this.open.has(producerId)) this.open.set(producerId, baseOffset);
  }

  /**
   * A marker was appended at `offset`. Closes the producer's open transaction; an ABORT of a
   * transaction that had data here joins the aborted list. A marker with no open transaction
   * (a retried marker after a crash, or a partition the producer never wrote) changes nothing.
   */
  onMarker(producerId: bigint, offset: number, commit: boolean): void {
    const first = this.open.get(producerId);
    if (first === undefined) return;
    this.open.delete(producerId);
    if (!commit) this.abortedTxns.push({ producerId, firstOffset: first, lastOffset: offset });
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

  get openCount(): number {
    return this.open.size;
  }

  /**
   * Aborted transactions a read_committed fetch of [fetchOffset, upperOffset) must know about:
   * those whose marker is at or after fetchOffset and whose first offset is below upperOffset
   * (Kafka's collectAbortedTxns), ordered by first offset as clients expect.
   */
  abortedOverlapping(fetchOffset: number, upperOffset: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    // Binary search for the first marker ≥ fetchOffset: markers are in offset order.
    let lo = 0;
    let hi = this.abortedTxns.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.abortedTxns[mid]!.lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.abortedTxns.length; i++) {
      const a = this.abortedTxns[i]!;
      if (a.firstOffset < upperOffset) out.push(a);
    }
    return out.sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Every aborted transaction (diagnostics, cleaner). */
  allAborted(): readonly AbortedTxn[] {
    return this.abortedTxns;
  }

  /** Drops aborted entries wholly below the log start offset (retention / DeleteRecords). */
  truncateBefore(logStartOffset: number): void {
    let n = 0;
    while (n < this.abortedTxns.length && this.abortedTxns[n]!.lastOffset < logStartOffset) n++;
    if (n > 0) this.abortedTxns.splice(0, n);
  }
}
