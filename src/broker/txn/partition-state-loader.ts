/*
 * Start-up of one partition's producer and transaction state (Kafka's LogLoader +
 * ProducerStateManager.loadProducerState, apache/kafka storage/.../log/LogLoader.java), run after
 * the log itself is open and recovered. Numbered phases:
 *
 *   1 delete snapshots beyond the log end (the log was truncated below them);
 *   2 find the segments whose `.txnindex` must be rebuilt: missing or corrupt (the file is a
 *     derived cache, transaction-index.ts), or re-verified after an unclean stop (an entry may be
 *     missing or point past the truncated end); R = the base offset of the first of them;
 *   3 pick the newest snapshot S with floor ≤ S ≤ min(R, LEO) that decodes (a bad CRC or torn file
 *     is deleted and the next older one tried); floor = base of the segment holding the log start,
 *     since the scan must find every batch from S on. None → empty state, scan from the log start;
 *   4 scan the batch headers from S (or the log start) to the log end: idempotent batches update
 *     producer state, transactional data opens its producer's transaction, a control batch (its
 *     type and coordinator epoch read from its one record) closes it and sets the producer's
 *     coordinator epoch; an ABORT of an open transaction whose marker lies in a segment being
 *     rebuilt becomes an entry of that segment's index, with the LSO right after the marker (the
 *     same value the live marker writer stores);
 *   5 rewrite the rebuilt indexes; when the scan covered anything, write a snapshot at the log end
 *     so the next start (even after a kill -9) scans from here.
 *
 * With snapshots at every roll and clean shutdown, a clean restart scans nothing and an unclean one
 * scans from the snapshot at or before the recovered tail: start-up no longer grows with log size.
 */
import { isControlBatch, isTransactionalBatch } from '../../protocol/records/batch-header.ts';
import { ControlType } from '../../protocol/records/control.ts';
import { readMarker } from '../log/marker-read.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import type { LogSegment } from '../log/log-segment.ts';
import { deleteSnapshot, listSnapshotOffsets, readSnapshot, writeSnapshot } from '../log/producer-snapshot.ts';
import type { AbortedTxnEntry } from '../log/transaction-index.ts';
import { activeBaseOf, fromSnapshot, toSnapshot, type RestoredState } from './partition-snapshot.ts';
import { PartitionProducerState } from './producer-state.ts';
import { PartitionTxnState } from './partition-txn-state.ts';

export interface LoadedPartitionState extends RestoredState {
  /** Largest producer id seen (-1n: none), so id allocation stays above it. */
  maxPid: bigint;
  /** Offset of the snapshot used, or null (scan from the log start). */
  snapshotOffset: number | null;
  /** Where the header scan started (= log end when nothing was scanned). */
  scannedFrom: number;
  /** Segments whose `.txnindex` was rebuilt, with why. */
  rebuiltTxnIndexes: { baseOffset: number; reason: string }[];
  /** Snapshots deleted as unusable, with why. */
  droppedSnapshots: { offset: number; reason: string }[];
}

export function loadPartitionState(log: PartitionLog): LoadedPartitionState {
  const leo = log.logEndOffset;
  const segments = log.allSegments();
  const droppedSnapshots: { offset: number; reason: string }[] = [];
  // 1
  let snapshots = listSnapshotOffsets(log.dir);
  for (const s of snapshots.filter((o) => o > leo)) {
    deleteSnapshot(log.dir, s);
    droppedSnapshots.push({ offset: s, reason: `beyond the log end ${leo}` });
  }
  snapshots = snapshots.filter((o) => o <= leo);
  // 2
  const recoveredFrom = log.recovery.recoveredFrom;
  const rebuild: { seg: LogSegment; reason: string; entries: AbortedTxnEntry[] }[] = [];
  for (const seg of segments) {
    // Wholly below the log start: no fetch reaches it again (retention deletes it), so an index
    // it lacks is written empty without a scan.
    if (seg.nextOffset <= log.logStartOffset && seg !== segments[segments.length - 1]) {
      if (seg.txnIndex.check(seg.baseOffset, seg.nextOffset).kind !== 'ok') seg.txnIndex.rewrite([]);
      continue;
    }
    if (recoveredFrom !== null && seg.baseOffset >= recoveredFrom) {
      rebuild.push({ seg, reason: 'segment re-verified after an unclean stop', entries: [] });
      continue;
    }
    const status = seg.txnIndex.check(seg.baseOffset, seg.nextOffset);
    if (status.kind !== 'ok') rebuild.push({ seg, reason: status.kind === 'missing' ? 'missing' : `corrupt: ${status.reason}`, entries: [] });
  }
  const firstRebuild = rebuild.length > 0 ? rebuild[0]!.seg.baseOffset : Infinity;
  // 3
  const floor = segments[segmentIndexFor(segments, log.logStartOffset)]!.baseOffset;
  let restored: RestoredState = { producers: new PartitionProducerState(), open: new Map(), coordinatorEpochs: new Map() };
  let snapshotOffset: number | null = null;
  for (const s of [...snapshots].reverse()) {
    if (s > firstRebuild || s < floor) continue;
    try {
      restored = fromSnapshot(readSnapshot(log.dir, s));
      snapshotOffset = s;
      break;
    } catch (err) {
      deleteSnapshot(log.dir, s);
      droppedSnapshots.push({ offset: s, reason: (err as Error).message });
    }
  }
  // 4
  const scannedFrom = snapshotOffset ?? log.logStartOffset;
  const txns = new PartitionTxnState(restored.open, restored.coordinatorEpochs);
  let maxPid = -1n;
  for (const pid of restored.producers.producers.keys()) if (pid > maxPid) maxPid = pid;
  for (const pid of restored.open.keys()) if (pid > maxPid) maxPid = pid;
  for (const pid of restored.coordinatorEpochs.keys()) if (pid > maxPid) maxPid = pid;
  if (scannedFrom < leo) {
    log.scanBatchHeaders(scannedFrom, (h) => {
      if (h.producerId < 0n) return;
      if (h.producerId > maxPid) maxPid = h.producerId;
      restored.producers.record(h, h.baseOffset); // control batches carry no sequence: ignored
      if (!isTransactionalBatch(h.attributes)) return;
      if (!isControlBatch(h.attributes)) {
        txns.onData(h.producerId, h.baseOffset);
        return;
      }
      restored.producers.onMarker(h.producerId, h.producerEpoch, h.maxTimestamp);
      const marker = readMarker(log, h.baseOffset);
      txns.onMarkerEpoch(h.producerId, marker.coordinatorEpoch);
      const aborted = txns.onMarker(h.producerId, h.baseOffset, marker.type === ControlType.Commit);
      const target = aborted === null ? undefined : findLast(rebuild, (r) => r.seg.baseOffset <= h.baseOffset);
      if (aborted !== null && target !== undefined && h.baseOffset < target.seg.nextOffset) {
        target.entries.push({ ...aborted, lastStableOffset: txns.lastStableOffset(h.baseOffset + h.lastOffsetDelta + 1) });
      }
    });
  }
  // 5
  for (const r of rebuild) r.seg.txnIndex.rewrite(r.entries);
  const open = new Map(txns.openTransactions());
  const coordinatorEpochs = new Map(txns.coordinatorEpochs());
  if (scannedFrom < leo) writeSnapshot(log.dir, leo, toSnapshot(restored.producers, txns), activeBaseOf(log));
  return {
    producers: restored.producers,
    open,
    coordinatorEpochs,
    maxPid,
    snapshotOffset,
    scannedFrom: scannedFrom < leo ? scannedFrom : leo,
    rebuiltTxnIndexes: rebuild.map((r) => ({ baseOffset: r.seg.baseOffset, reason: r.reason })),
    droppedSnapshots,
  };
}

function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let found = 0;
  for (let i = 0; i < segments.length && segments[i]!.baseOffset <= offset; i++) found = i;
  return found;
}

function findLast<T>(items: readonly T[], pred: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return items[i];
  return undefined;
}

