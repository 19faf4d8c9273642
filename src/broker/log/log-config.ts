/*
 * Per-partition log configuration (the topic configs the log acts on) and the broker-wide fsync
 * policy. The topic registry owns persistence of topic configs; the log only receives these
 * objects (at open and through `PartitionLog.updateConfig`).
 *
 * Defaults follow Apache Kafka's broker defaults, except segment.bytes (64 MiB instead of 1 GiB:
 * a single-node dev broker rolls more often so retention can act on small topics).
 *
 * Fsync policy (broker option `fsync`):
 *   'acks-all'  default. A produce with acks=-1 is acknowledged only after an fdatasync that covers
 *               its batch; concurrent waiters share one fsync pass (group commit). acks=0/1 are
 *               acknowledged after the write to the OS. Rolled segments and their indexes are
 *               fsynced in the background, and close() fsyncs everything before writing the
 *               clean-shutdown marker.
 *   'never'     no fsync at all, acks=-1 resolves right after the write. A process crash loses
 *               nothing (the page cache survives it); a machine crash can lose acknowledged data.
 *               For throwaway development brokers and benchmarks only.
 */

export const FsyncPolicies = ['acks-all', 'never'] as const;
export type FsyncPolicy = (typeof FsyncPolicies)[number];

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** segment.bytes: roll the active segment before it would grow beyond this. */
  segmentBytes: number;
  /** segment.ms: roll when the new batch is this much newer than the segment's first batch. */
  segmentMs: number;
  /** retention.ms: delete segments whose largest timestamp is older than now − this; -1 = off. */
  retentionMs: number;
  /** retention.bytes: delete oldest segments while the partition exceeds this; -1 = off. */
  retentionBytes: number;
  /** max.message.bytes: largest accepted batch (whole v2 batch, header included). */
  maxMessageBytes: number;
  /** cleanup.policy: 'delete' runs retention, 'compact' runs the cleaner, both for 'compact,delete'. */
  cleanupPolicy: CleanupPolicy;
  /** delete.retention.ms: how long the cleaner keeps tombstones after they become cleanable. */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: the cleaner compacts once dirty bytes / total ≥ this. */
  minCleanableDirtyRatio: number;
  /**
   * min.compaction.lag.ms: a segment holding a record newer than now − this is not compacted
   * (nor is any segment after it). Versioned-store changelogs rely on it.
   */
  minCompactionLagMs: number;
  /** index.interval.bytes: one sparse index entry per this many bytes of log. */
  indexIntervalBytes: number;
  /** message.timestamp.type: LogAppendTime makes the broker stamp each batch at append. */
  messageTimestampType: TimestampType;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 64 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  maxMessageBytes: 1024 * 1024 + 12,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  indexIntervalBytes: 4096,
  messageTimestampType: 'CreateTime',
});

/** Fills defaults and checks ranges; throws an Error naming the field and value otherwise. */
export function resolveLogConfig(partial: Partial<LogConfig> = {}): LogConfig {
  const cfg: LogConfig = { ...DEFAULT_LOG_CONFIG };
  for (const [k, v] of Object.entries(partial)) {
    if (v !== undefined) (cfg as unknown as Record<string, unknown>)[k] = v;
  }
  const intAtLeast = (name: keyof LogConfig, min: number): void => {
    const v = cfg[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new Error(`log config ${name}=${String(v)} is invalid: expected an integer ≥ ${min}`);
    }
  };
  intAtLeast('segmentBytes', 14 + 61);
  intAtLeast('segmentMs', 1);
  intAtLeast('retentionMs', -1);
  intAtLeast('retentionBytes', -1);
  intAtLeast('maxMessageBytes', 0);
  intAtLeast('deleteRetentionMs', 0);
  intAtLeast('minCompactionLagMs', 0);
  intAtLeast('indexIntervalBytes', 0);
  if (!['delete', 'compact', 'compact,delete'].includes(cfg.cleanupPolicy)) {
    throw new Error(
      `log config cleanupPolicy=${String(cfg.cleanupPolicy)} is invalid: expected 'delete', 'compact' or 'compact,delete'`,
    );
  }
  if (!(cfg.minCleanableDirtyRatio >= 0 && cfg.minCleanableDirtyRatio <= 1)) {
    throw new Error(`log config minCleanableDirtyRatio=${cfg.minCleanableDirtyRatio} is invalid: expected 0..1`);
  }
  if (cfg.messageTimestampType !== 'CreateTime' && cfg.messageTimestampType !== 'LogAppendTime') {
    throw new Error(
      `log config messageTimestampType=${String(cfg.messageTimestampType)} is invalid: expected CreateTime or LogAppendTime`,
    );
  }
  return cfg;
}

export function deletesByRetention(policy: CleanupPolicy): boolean {
  return policy === 'delete' || policy === 'compact,delete';
}

export function compacts(policy: CleanupPolicy): boolean {
  return policy === 'compact' || policy === 'compact,delete';
}
