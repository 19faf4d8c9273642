/*
 * The aborted-transaction index (`.txnindex`) of a segment the cleaner produces, built as Kafka's
 * cleaner builds it (CleanedTransactionMetadata.onControlBatchRead in apache/kafka
 * core/src/main/scala/kafka/log/LogCleaner.scala): from the entries of the segments it replaces,
 * keeping those whose ABORT marker the cleaning kept because the transaction still had data in the
 * cleaned range when it was read (cleaner-filter.ts, markersKeptWithData). An entry keeps its
 * fields as they were: first offset, marker offset, and the LSO after the marker.
 *
 * Why this set is enough for read_committed Fetch: the records an entry hides are the transaction's
 * data, at offsets below its marker; an aborted transaction whose data is all gone (a cleaning
 * before this one removed it) has nothing left to hide, so its entry goes although its marker may
 * stay until its delete horizon passes. Dropping an entry never makes collection stop early: the
 * fetch then reads the next segment's index as well (transaction-index.ts, collectAborted).
 *
 * With the index written by the cleaner, a start after cleaning finds every segment's index valid
 * and scans nothing (txn/partition-state-loader.ts). When a replaced segment's index is missing or
 * corrupt, there is nothing trustworthy to carry over: the new segment gets no index and the loader
 * rebuilds it by a scan at the next start, as before.
 */
import type { LogSegment } from './log-segment.ts';
import type { AbortedTxnEntry } from './transaction-index.ts';

/** The new segment's entries, in marker order; null when a replaced segment's index cannot be trusted. */
export function cleanedTxnEntries(group: readonly LogSegment[], markersKeptWithData: ReadonlySet<number>): AbortedTxnEntry[] | null {
  const out: AbortedTxnEntry[] = [];
  for (const seg of group) {
    const status = seg.txnIndex.check(seg.baseOffset, seg.nextOffset);
    if (status.kind !== 'ok') return null;
    for (const e of status.entries) if (markersKeptWithData.has(e.lastOffset)) out.push(e);
  }
  return out;
}
