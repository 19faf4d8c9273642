/*
 * Which old segments retention deletes — a pure decision over segment summaries, so it can be
 * tested without files. Segments are considered oldest first and only as a prefix (a segment is
 * never deleted while an older one is kept); the active (last) segment is never deleted.
 *
 *   rule                 applies when                        a segment goes when
 *   log start breached   always                              the next segment's base ≤ logStartOffset
 *   retention.ms         cleanup.policy has delete, ≠ -1     now − its largest timestamp > retention.ms
 *   retention.bytes      cleanup.policy has delete, ≠ -1     total − its size ≥ retention.bytes
 *
 * retention.bytes follows Kafka: a segment goes only if what remains still holds ≥ retention.bytes,
 * so the partition keeps at least that much (whole segments) rather than dropping below it.
 * A segment without timestamps (largest timestamp -1) is aged by its file's modification time.
 */
import fs from 'node:fs';
import type { LogConfig } from './log-config.ts';
import type { LogSegment } from './log-segment.ts';
import { deletesByRetention } from './log-config.ts';

export interface SegmentSummary {
  baseOffset: number;
  size: number;
  /** Largest batch timestamp, or -1 when the segment has none. */
  maxTimestamp: number;
  /** File modification time in ms (fallback age). */
  modifiedAt: number;
}

export type DeletionReason = 'log-start' | 'retention-ms' | 'retention-bytes';

/** How many leading segments to delete, and why the last of them went. */
export function planRetention(
  segments: readonly SegmentSummary[],
  config: LogConfig,
  logStartOffset: number,
  now: number,
): { count: number; reason: DeletionReason | null } {
  const candidates = segments.length - 1; // never the active segment
  const byRetention = deletesByRetention(config.cleanupPolicy);
  let total = 0;
  for (const s of segments) total += s.size;
  let count = 0;
  let reason: DeletionReason | null = null;
  while (count < candidates) {
    const seg = segments[count]!;
    const next = segments[count + 1]!;
    if (next.baseOffset <= logStartOffset) {
      reason = 'log-start';
    } else if (byRetention && config.retentionMs >= 0 && now - (seg.maxTimestamp >= 0 ? seg.maxTimestamp : seg.modifiedAt) > config.retentionMs) {
      reason = 'retention-ms';
    } else if (byRetention && config.retentionBytes >= 0 && total - seg.size >= config.retentionBytes) {
      reason = 'retention-bytes';
    } else {
      break;
    }
    total -= seg.size;
    count++;
  }
  return { count, reason };
}

/** Summaries of open segments (file modification time is read only for segments without timestamps). */
export function summarizeSegments(segments: readonly LogSegment[]): SegmentSummary[] {
  return segments.map((s) => ({
    baseOffset: s.baseOffset,
    size: s.size,
    maxTimestamp: s.maxTimestamp,
    modifiedAt: s.maxTimestamp >= 0 ? 0 : fs.statSync(s.logPath).mtimeMs,
  }));
}
