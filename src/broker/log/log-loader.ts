/*
 * Opening a partition directory, including recovery after an unclean stop. Numbered steps:
 *
 *   1 read partition.checkpoint (log start offset, recovery point; defaults 0/0)
 *   2 consume the clean-shutdown marker (removed now, so a crash from here on counts as unclean)
 *   3 finish or roll back an interrupted compaction swap (cleaner.ts: `.cleaned` files)
 *   4 open the segments, oldest first:
 *       clean stop  → trust the indexes (rebuild any that are missing or malformed, verifying the
 *                     batches as recovery does; counted in the report so the repair is logged)
 *       unclean     → every segment at/after the recovery point, and always the last one, is
 *                     re-verified batch by batch (length, magic, CRC-32C, increasing offsets);
 *                     a torn or corrupt tail is truncated and the indexes rebuilt; segments
 *                     after a truncated one are deleted (offsets past a hole cannot continue)
 *   5 no segment at all → create an empty one at the log start offset
 *   6 clamp the log start offset into [first segment base, log end offset]
 *   7 rewrite the checkpoint
 *
 * Each segment's `.txnindex` is checked, and rebuilt for missing, corrupt or re-verified segments,
 * later by txn/partition-state-loader.ts: rebuilding it needs the producer state at the segment's
 * start (report.recoveredFrom tells it where the re-verified tail begins).
 *
 * Re-verified segments are marked unsynced so the next fsync pass makes them durable and the
 * recovery point can move past them again.
 */
import fs from 'node:fs';
import { hasCleanShutdownMarker, readCheckpoint, removeCleanShutdownMarker, writeCheckpoint } from './log-checkpoint.ts';
import { LogSegment, listSegmentBases, removeSegmentFiles } from './log-segment.ts';
import { completeInterruptedSwap } from './segment-swap.ts';

export interface RecoveryReport {
  /** The clean-shutdown marker was present. */
  clean: boolean;
  /** Segments re-verified batch by batch. */
  recoveredSegments: number;
  /** Base offset of the first re-verified segment (they are a suffix of the log), or null. */
  recoveredFrom: number | null;
  /** Bytes cut from a torn or corrupt tail. */
  truncatedBytes: number;
  /** Segments deleted because they followed a truncated one. */
  deletedSegments: number;
  /** What was wrong with the truncated tail, or null. */
  problem: string | null;
  /** Segments whose indexes had to be rebuilt after a clean stop. */
  rebuiltIndexes: number;
}

export interface LoadedPartition {
  segments: LogSegment[];
  logStartOffset: number;
  recoveryPoint: number;
  report: RecoveryReport;
}

export function loadPartition(dir: string, indexIntervalBytes: number, now: number, fsync: boolean): LoadedPartition {
  fs.mkdirSync(dir, { recursive: true });
  const cp = readCheckpoint(dir) ?? { logStartOffset: 0, recoveryPoint: 0 };
  const clean = hasCleanShutdownMarker(dir);
  removeCleanShutdownMarker(dir);
  completeInterruptedSwap(dir);
  const bases = listSegmentBases(dir);
  const report: RecoveryReport = { clean, recoveredSegments: 0, recoveredFrom: null, truncatedBytes: 0, deletedSegments: 0, problem: null, rebuiltIndexes: 0 };
  const segments: LogSegment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const recover = !clean && (base >= cp.recoveryPoint || i === bases.length - 1);
    const { segment, truncatedBytes, problem, rebuiltIndexes } = LogSegment.open(dir, base, indexIntervalBytes, now, recover);
    if (rebuiltIndexes) report.rebuiltIndexes++;
    if (recover) {
      report.recoveredSegments++;
      report.recoveredFrom ??= base;
      segment.unsyncedBytes = segment.size;
    }
    segments.push(segment);
    if (truncatedBytes > 0) {
      report.truncatedBytes += truncatedBytes;
      report.problem = `${segment.logPath}: ${problem ?? 'torn tail'}`;
      for (const later of bases.slice(i + 1)) {
        removeSegmentFiles(dir, later);
        report.deletedSegments++;
      }
      break;
    }
  }
  if (segments.length === 0) segments.push(LogSegment.create(dir, cp.logStartOffset, indexIntervalBytes, now));
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const logStartOffset = Math.min(Math.max(cp.logStartOffset, first.baseOffset), last.nextOffset);
  const recoveryPoint = Math.min(cp.recoveryPoint, last.baseOffset);
  writeCheckpoint(dir, { logStartOffset, recoveryPoint }, fsync);
  return { segments, logStartOffset, recoveryPoint, report };
}
