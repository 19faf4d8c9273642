/*
 * Partition time: per input partition of a task, the largest timestamp of a record taken from it
 * for processing (after the timestamp extractor; dropped records with an invalid timestamp do not
 * count), -1 before any. It is what a commit writes into each partition's offset metadata
 * (commit-metadata.ts), as Kafka Streams' StreamTask commits partitionGroup.partitionTimestamp(tp)
 * per partition, not the task's stream time.
 *
 * On start (Kafka's StreamTask.initializeTaskTime, apache/kafka streams/src/main/java/org/apache/
 * kafka/streams/processor/internals/StreamTask.java): each partition's committed partition time
 * becomes its partition time, and the task's stream time starts at the largest of them (Kafka's
 * PartitionGroup.setPartitionTime raises stream time to the partition time). So a restarted or
 * reassigned task keeps closing windows and expiring records where the previous owner left off,
 * instead of starting over at -1. The processor metadata of every partition is merged (max per key).
 *
 * Invariant: a partition time never goes back; restore never lowers a time already observed.
 */
import { decodeCommitMetadata, type ProcessorMetadata } from './commit-metadata.ts';

export interface CommittedPartition {
  readonly topic: string;
  readonly partition: number;
  /** The metadata string committed with the offset; null/undefined/empty = nothing committed. */
  readonly metadata?: string | null | undefined;
}

export class PartitionTimes {
  /** "topic\0partition" → that partition's entry (time updated in place). */
  readonly #times = new Map<string, { readonly topic: string; readonly partition: number; time: number }>();
  /**
   * The entry observe() touched last: records come in runs of one partition, so the per-record
   * call neither builds the key string nor looks it up (it was 5% of a join's allocation).
   */
  #last: { readonly topic: string; readonly partition: number; time: number } | undefined;

  static #key(topic: string, partition: number): string {
    return `${topic}\0${partition}`;
  }

  /** The partition's time; -1 when nothing was taken from it nor committed for it. */
  get(topic: string, partition: number): number {
    return this.#times.get(PartitionTimes.#key(topic, partition))?.time ?? -1;
  }

  /** Raises the partition's time to `timestamp` (never lowers it). */
  observe(topic: string, partition: number, timestamp: number): void {
    let e = this.#last;
    if (e === undefined || e.partition !== partition || e.topic !== topic) {
      const key = PartitionTimes.#key(topic, partition);
      e = this.#times.get(key);
      if (e === undefined) this.#times.set(key, (e = { topic, partition, time: timestamp }));
      this.#last = e;
    }
    if (timestamp > e.time) e.time = timestamp;
  }

  /**
   * Takes in what was committed for the task's partitions: sets each partition time, merges the
   * processor metadata into `processorMetadata`, and returns the stream time the task starts from
   * (the largest partition time, -1 when none is known). `warn` hears unreadable metadata.
   */
  restore(committed: Iterable<CommittedPartition>, processorMetadata: ProcessorMetadata, warn: (why: string) => void): number {
    let streamTime = -1;
    for (const c of committed) {
      const decoded = decodeCommitMetadata(c.metadata, (why) => warn(`${c.topic}-${c.partition}: ${why}`));
      processorMetadata.update(decoded.processorMetadata);
      if (decoded.partitionTime >= 0) this.observe(c.topic, c.partition, decoded.partitionTime);
      streamTime = Math.max(streamTime, this.get(c.topic, c.partition));
    }
    return streamTime;
  }
}
