/*
 * ThreadMetrics: the sensors of one stream thread (process, poll, commit, punctuate; recorded
 * once per loop turn, never per record), the per-input-partition lag of its active tasks, the
 * restore progress of its stores, and the factory of its tasks' TaskMetrics.
 *
 * Lag (records-lag, per input partition) = high watermark − next offset to process:
 *   high watermark  the partition's end offset returned with the last fetch (polled())
 *   next offset     the offset after the last record a task took for processing (positions()),
 *                   or, before the task took any, the first offset fetched
 * so records fetched but still buffered count as lag, and lag is 0 once everything fetched is
 * processed and the fetch saw no newer records. Partitions leave when revoked (forget()).
 */
import type { KafkaMetric, MetricScope } from '../../metrics/metric-registry.ts';
import type { WindowedStat } from '../../metrics/windowed-stat.ts';
import { FetchMetricSpecs, ThreadMetricSpecs } from './catalog.ts';
import { RestoreProgress, type StateRestoreListener } from './restore-progress.ts';
import { TaskMetrics } from './task-metrics.ts';
import type { StreamsLogger } from '../task/internal-context.ts';

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** What a fetched batch tells the lag sensor (the client's FetchedBatch has highWatermark). */
export interface FetchedBatchView {
  readonly topic: string;
  readonly partition: number;
  readonly records: ReadonlyArray<{ readonly offset: number }>;
  readonly highWatermark?: number;
}

interface LagEntry {
  highWatermark: number;
  firstFetched: number;
}

export class ThreadMetrics {
  readonly threadId: string;
  readonly #scope: MetricScope;
  readonly process: WindowedStat;
  readonly poll: WindowedStat;
  readonly pollRecords: WindowedStat;
  readonly commit: WindowedStat;
  readonly punctuate: WindowedStat;
  readonly restore: RestoreProgress;
  readonly #lag = new Map<string, LagEntry & { topic: string; partition: number }>();
  #positions: () => Iterable<TopicPartitionOffset> = () => [];
  readonly #removeLag: () => void;

  constructor(scope: MetricScope, threadId: string, logger: StreamsLogger, listener: () => StateRestoreListener | undefined) {
    this.threadId = threadId;
    this.#scope = scope;
    this.process = scope.stat(ThreadMetricSpecs.process);
    this.poll = scope.stat(ThreadMetricSpecs.poll);
    this.pollRecords = scope.stat(ThreadMetricSpecs.pollRecords);
    this.commit = scope.stat(ThreadMetricSpecs.commit);
    this.punctuate = scope.stat(ThreadMetricSpecs.punctuate);
    this.restore = new RestoreProgress(scope, logger, listener);
    this.#removeLag = scope.registry.collector(() => this.#lagMetrics());
  }

  /** A task's sensors, tagged with this thread and the task id. */
  task(taskId: string): TaskMetrics {
    return new TaskMetrics(this.#scope.registry.scope({ ...this.#scope.tags, 'task-id': taskId }));
  }

  /** Where the lag sensor reads the next offset to process of each input partition. */
  setPositions(positions: () => Iterable<TopicPartitionOffset>): void {
    this.#positions = positions;
  }

  /** One poll: its duration and what it returned (records and high watermarks). */
  polled(ms: number, batches: readonly FetchedBatchView[]): void {
    this.poll.record(ms);
    let n = 0;
    for (const b of batches) {
      n += b.records.length;
      const hw = b.highWatermark;
      if (hw === undefined || hw < 0) continue;
      const key = `${b.topic}\u0000${b.partition}`;
      const entry = this.#lag.get(key);
      const first = b.records[0]?.offset ?? hw;
      if (entry === undefined) this.#lag.set(key, { topic: b.topic, partition: b.partition, highWatermark: hw, firstFetched: first });
      else entry.highWatermark = hw;
    }
    this.pollRecords.record(n);
  }

  /** Partitions this thread no longer reads (revoked): their lag is not ours any more. */
  forgetPartitions(): void {
    this.#lag.clear();
  }

  close(): void {
    this.#removeLag();
    this.restore.close();
    this.#scope.close();
  }

  #lagMetrics(): KafkaMetric[] {
    if (this.#lag.size === 0) return [];
    const positions = new Map<string, number>();
    for (const p of this.#positions()) positions.set(`${p.topic}\u0000${p.partition}`, p.offset);
    const spec = FetchMetricSpecs.recordsLag;
    const out = [];
    for (const [key, e] of this.#lag) {
      const next = positions.get(key) ?? e.firstFetched;
      out.push({
        name: spec.name,
        group: spec.group,
        description: spec.description,
        tags: { ...this.#scope.tags, topic: e.topic, partition: String(e.partition) },
        value: Math.max(0, e.highWatermark - next),
        type: spec.type,
      });
    }
    return out;
  }
}
