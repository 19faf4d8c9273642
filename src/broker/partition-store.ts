/*
 * The broker's view of its partition logs: topic name + partition index → PartitionLog, kept in
 * step with the topic registry, on top of the log layer's LogManager (which owns the directories
 * `<dataDir>/<topic>-<partition>/`, the shared group-commit flusher and the retention timer).
 *
 * Invariants:
 *   - a partition is open here iff its topic is in the registry (the TopicManager changes both in
 *     one synchronous section);
 *   - at start, partition directories whose topic is not in the registry are removed: they are
 *     leftovers of a create that never became durable or of a delete interrupted by a crash
 *     (the registry is persisted before a deleted topic's files go), so a topic re-created under
 *     the same name never sees old data. Internal topics must therefore be created through the
 *     TopicManager too. Only directories holding the log's `partition.checkpoint` are removed, so
 *     a data dir pointed at the wrong place never loses foreign files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LogManager, partitionDirName } from './log/log-manager.ts';
import { CHECKPOINT_FILE } from './log/log-checkpoint.ts';
import type { PartitionLog } from './log/partition-log.ts';
import type { LogConfig } from './log/log-config.ts';
import type { BrokerOptions } from './options.ts';
import type { TopicInfo } from './topic-registry.ts';
import { toLogConfig } from './topic-config.ts';
import type { BrokerClock } from './clock.ts';
import { fdatasyncSyncer, timedSyncer } from './log/flush-scheduler.ts';

interface Logger {
  warn(message: string): void;
  debug(message: string): void;
}

export class PartitionStore {
  readonly manager: LogManager;
  private readonly byTopic = new Map<string, PartitionLog[]>();
  /** Told of every segment roll of every open partition (producer-state snapshots, txn/txn-service.ts). */
  rollListener: ((topic: string, partition: number, log: PartitionLog) => void) | null = null;

  constructor(
    private readonly options: BrokerOptions,
    private readonly logger: Logger,
    clock: BrokerClock,
    /** Told the duration of every fdatasync (the fsync latency metric). */
    onFsync?: (ms: number) => void,
  ) {
    this.manager = new LogManager({
      dataDir: options.dataDir,
      fsync: options.fsync,
      retentionCheckIntervalMs: options.retentionCheckIntervalMs,
      now: () => clock.now(),
      onError: (err, where) => logger.warn(`${where}: ${err.message}`),
      syncer: onFsync === undefined ? undefined : timedSyncer(fdatasyncSyncer, onFsync),
    });
  }

  /** Effective log config of a topic (log defaults ← broker topicDefaults ← topic overrides). */
  configFor(info: TopicInfo): LogConfig {
    return toLogConfig(this.options.topicDefaults, info.configs);
  }

  /** Removes orphaned partition directories, then opens (recovering) every registered partition. */
  async openAll(topics: readonly TopicInfo[]): Promise<void> {
    const known = new Map(topics.map((t) => [t.name, t.partitions]));
    for (const ref of this.manager.partitionsOnDisk()) {
      const count = known.get(ref.topic);
      if (count !== undefined && ref.partition < count) continue;
      const dir = join(this.options.dataDir, partitionDirName(ref.topic, ref.partition));
      // Only directories the log layer made (they hold its checkpoint) are ever removed.
      if (!existsSync(join(dir, CHECKPOINT_FILE))) {
        this.logger.warn(`ignoring ${dir}: it looks like a partition directory but was not written by this broker`);
        continue;
      }
      this.logger.warn(`removing ${dir}: its topic is not in the registry (an unfinished create or delete)`);
      await this.manager.deletePartition(ref.topic, ref.partition);
    }
    for (const t of topics) this.openTopic(t);
  }

  /** Opens or creates the partition logs of a topic (synchronous). */
  openTopic(info: TopicInfo): PartitionLog[] {
    const list: PartitionLog[] = [];
    this.byTopic.set(info.name, list);
    this.openPartitions(info);
    return list;
  }

  /**
   * Opens or creates the partitions of `info` this store does not hold yet (synchronous): all of
   * them for a new topic, the added ones after CreatePartitions raised the count.
   */
  openPartitions(info: TopicInfo): readonly PartitionLog[] {
    let list = this.byTopic.get(info.name);
    if (list === undefined) this.byTopic.set(info.name, (list = []));
    const config = this.configFor(info);
    for (let p = list.length; p < info.partitions; p++) {
      const log = this.manager.getOrCreate(info.name, p, config);
      log.rollListener = () => this.rollListener?.(info.name, p, log);
      const r = log.recovery;
      // Repairs are logged whether the stop was clean or not: after a clean stop they mean the
      // files were damaged while the broker was down, which the operator should hear about.
      const after = r.clean ? 'after a clean stop' : 'after an unclean stop';
      if (r.problem !== null) {
        this.logger.warn(`recovered ${log.name} ${after}: ${r.problem} (truncated ${r.truncatedBytes} bytes, removed ${r.deletedSegments} segments)`);
      }
      if (r.clean && r.rebuiltIndexes > 0) {
        this.logger.warn(`recovered ${log.name} ${after}: rebuilt the indexes of ${r.rebuiltIndexes} segment(s) that were missing or damaged`);
      }
      list.push(log);
    }
    return list;
  }

  /**
   * Forgets the partitions `from`..`to`-1 of `topic` (later reads see none) and returns a promise
   * for the deletion of their files: undoes an `openPartitions` that could not finish (a
   * partition whose opening threw may have a directory but no log; it goes too).
   */
  dropPartitions(topic: string, from: number, to: number): Promise<void> {
    this.byTopic.get(topic)?.splice(from);
    const deletions: Promise<void>[] = [];
    for (let p = from; p < to; p++) deletions.push(this.manager.deletePartition(topic, p));
    return Promise.all(deletions).then(() => undefined);
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    const list = this.byTopic.get(topic);
    return list === undefined ? undefined : list[partition];
  }

  /** The logs of a topic in partition order (empty when unknown). */
  ofTopic(topic: string): readonly PartitionLog[] {
    return this.byTopic.get(topic) ?? [];
  }

  /**
   * Forgets a topic's partitions at once (later reads see no partition) and returns a promise
   * for the deletion of their files.
   */
  dropTopic(topic: string, partitions: number): Promise<void> {
    const files = this.dropPartitions(topic, 0, partitions);
    this.byTopic.delete(topic);
    return files;
  }

  /** Starts the periodic retention check. */
  startRetention(): void {
    this.manager.start();
  }

  /** Closes every log cleanly (flush, checkpoint, clean-shutdown marker). */
  async closeAll(): Promise<void> {
    this.byTopic.clear();
    await this.manager.close();
  }
}
