/*
 * The recovery point's advance (PartitionLog's `recoveryPoint`: every segment below it is fsynced
 * whole, its indexes included, so an unclean restart re-checks only the segments from it on).
 *
 * It may move to the base offset of the oldest segment that still has unsynced bytes, or to the
 * active segment's base when every rolled segment is synced. Before the checkpoint says so, the
 * indexes of the segments it passes must be on disk too: those fsyncs (and the checkpoint's) run
 * on the thread pool, one advance at a time per partition (checkpoint-writer.ts), because they
 * follow every segment roll while producers are writing.
 */
import type { LogSegment } from './log-segment.ts';

/** Where the recovery point may move now: segments are oldest first, the active one last. */
export function recoveryPointCandidate(segments: readonly LogSegment[]): number {
  const active = segments[segments.length - 1]!;
  for (const s of segments) if (s !== active && s.unsyncedBytes > 0) return s.baseOffset;
  return active.baseOffset;
}

/** fsyncs (thread pool) the indexes of the open segments in [from, to); rejects when one fails. */
export async function syncPassedIndexes(segments: readonly LogSegment[], from: number, to: number): Promise<void> {
  const passed = segments.filter((s) => s.baseOffset < to && s.baseOffset >= from && !s.isClosed);
  await Promise.all(passed.map((s) => s.syncIndexesAsync()));
}
