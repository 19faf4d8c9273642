/*
 * Owns every partition log under one data directory: opens/creates/deletes partition
 * directories, shares one group-commit FlushScheduler between them, runs retention (and the
 * compaction cleaner) on timers, and closes everything cleanly. Topic metadata and configs are
 * not stored here (the broker's topic registry does that); callers pass each partition's config.
 *
 * Layout:  <dataDir>/<topic>-<partition>/   one directory per partition (Kafka's naming), holding
 *          segments, indexes, partition.checkpoint and, after a clean close, .clean-shutdown.
 *          Other files in <dataDir> (the topic registry's) are left alone.
 *
 * Single-threaded: timers fire on the event loop; a retention or cleaning run never overlaps
 * another of the same kind (a run that is still going when its timer fires is skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { compacts, type FsyncPolicy, type LogConfig } from './log-config.ts';
import { FlushScheduler, fdatasyncSyncer } from './flush-scheduler.ts';
import type { Syncer } from './log-segment.ts';
import { PartitionLog } from './partition-log.ts';
import { LogCleaner, type CleanerStats } from './cleaner.ts';
import { processLogger } from '../../logging/logger.ts';

export interface LogManagerOptions {
  dataDir: string;
  /** See log-config.ts; default 'acks-all'. */
  fsync?: FsyncPolicy;
  /** Injectable fdatasync (tests count calls through it). */
  syncer?: Syncer;
  /** How often retention runs (Kafka's log.retention.check.interval.ms); default 5 min, 0 = never. */
  retentionCheckIntervalMs?: number;
  /** How often the cleaner looks for compacted partitions dirty enough to clean; default 15 s, 0 = never. */
  cleanerIntervalMs?: number;
  now?: () => number;
  /** Background failures (retention, cleaner) are reported here; default: the process logger. */
  onError?: (err: Error, where: string) => void;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

const PARTITION_DIR = /^(.+)-(\d+)$/;

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The topic and partition a partition directory (or log) name stands for; null when it is none. */
export function parsePartitionDirName(name: string): TopicPartitionRef | null {
  const m = PARTITION_DIR.exec(name);
  return m === null ? null : { topic: m[1]!, partition: Number(m[2]) };
}

export class LogManager {
  readonly dataDir: string;
  readonly fsync: FsyncPolicy;
  readonly flusher: FlushScheduler;
  readonly cleaner: LogCleaner;
  private readonly logs = new Map<string, PartitionLog>();
  private readonly now: () => number;
  private readonly onError: (err: Error, where: string) => void;
  private timers: NodeJS.Timeout[] = [];
  private retentionRunning = false;
  private cleanerRun: Promise<CleanerStats[]> | null = null;
  private closed = false;

  constructor(private readonly opts: LogManagerOptions) {
    this.dataDir = opts.dataDir;
    this.fsync = opts.fsync ?? 'acks-all';
    this.flusher = new FlushScheduler(opts.syncer ?? fdatasyncSyncer);
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? ((err, where) => processLogger.error(`${where}: ${err.message}`, { component: 'log-manager' }));
    this.cleaner = new LogCleaner({ now: this.now, fsync: this.fsync !== 'never', syncer: this.flusher.syncer });
    fs.mkdirSync(this.dataDir, { recursive: true });
  }

  /** Partition directories present on disk (open or not), e.g. to find orphans at start. */
  partitionsOnDisk(): TopicPartitionRef[] {
    const out: TopicPartitionRef[] = [];
    for (const entry of fs.readdirSync(this.dataDir, { withFileTypes: true })) {
      const ref = entry.isDirectory() ? parsePartitionDirName(entry.name) : null;
      if (ref !== null) out.push(ref);
    }
    return out;
  }

  /** The open log of a partition, or undefined. */
  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionDirName(topic, partition));
  }

  /** Opens (recovering if needed) or creates the log of a partition with `config`. */
  getOrCreate(topic: string, partition: number, config: Partial<LogConfig> = {}): PartitionLog {
    if (this.closed) throw new Error(`log manager for ${this.dataDir} is closed; cannot open ${topic}-${partition}`);
    const name = partitionDirName(topic, partition);
    const existing = this.logs.get(name);
    if (existing !== undefined) return existing;
    const log = PartitionLog.open({
      dir: path.join(this.dataDir, name),
      name,
      config,
      fsync: this.fsync,
      flusher: this.flusher,
      now: this.now,
    });
    this.logs.set(name, log);
    return log;
  }

  /** Applies new topic configs to an open partition (no-op when it is not open). */
  updateConfig(topic: string, partition: number, config: Partial<LogConfig>): void {
    this.get(topic, partition)?.updateConfig(config);
  }

  /** Deletes a partition's data (DeleteTopics); works for open and unopened partitions. */
  async deletePartition(topic: string, partition: number): Promise<void> {
    const name = partitionDirName(topic, partition);
    const log = this.logs.get(name);
    this.logs.delete(name);
    if (log !== undefined) await log.delete();
    else await fs.promises.rm(path.join(this.dataDir, name), { recursive: true, force: true });
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()];
  }

  /** Starts the retention and cleaner timers (unref'd: they never keep the process alive). */
  start(): void {
    const retentionMs = this.opts.retentionCheckIntervalMs ?? 5 * 60_000;
    const cleanerMs = this.opts.cleanerIntervalMs ?? 15_000;
    if (retentionMs > 0) this.timers.push(setInterval(() => void this.runRetention(), retentionMs).unref());
    if (cleanerMs > 0) this.timers.push(setInterval(() => void this.runCleaner(), cleanerMs).unref());
  }

  /** One retention pass over every open partition; returns the number of segments deleted. */
  async runRetention(): Promise<number> {
    if (this.retentionRunning || this.closed) return 0;
    this.retentionRunning = true;
    let deleted = 0;
    try {
      for (const log of this.allLogs()) {
        try {
          deleted += (await log.deleteOldSegments()).deletedSegments;
        } catch (err) {
          this.onError(err as Error, `retention of ${log.name}`);
        }
      }
    } finally {
      this.retentionRunning = false;
    }
    return deleted;
  }

  /** One cleaner pass over the compacted partitions that are dirty enough; returns what it did. */
  async runCleaner(opts: { force?: boolean } = {}): Promise<CleanerStats[]> {
    if (this.cleanerRun !== null || this.closed) return [];
    this.cleanerRun = (async () => {
      const stats: CleanerStats[] = [];
      for (const log of this.allLogs()) {
        if (!compacts(log.config.cleanupPolicy)) continue;
        try {
          const s = await this.cleaner.clean(log, opts);
          if (s !== null) stats.push(s);
        } catch (err) {
          this.onError(err as Error, `compaction of ${log.name}`);
        }
      }
      return stats;
    })();
    try {
      return await this.cleanerRun;
    } finally {
      this.cleanerRun = null;
    }
  }

  /** Stops timers, waits for group commit, flushes and closes every log (writing their markers). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.cleaner.stop();
    if (this.cleanerRun !== null) await this.cleanerRun.catch(() => []);
    await this.flusher.idle();
    await Promise.all(this.allLogs().map((l) => l.close()));
    this.logs.clear();
  }
}
