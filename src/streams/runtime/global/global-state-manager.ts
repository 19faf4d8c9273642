/*
 * GlobalStateManager: the instance's global stores — Kafka Streams' GlobalStateManagerImpl and
 * GlobalStateUpdateTask in one. It is the single source of truth for which global topic
 * partitions have been applied to the global stores, and up to which offset.
 *
 * Layout: every global store group of the topology (one source topic → one processor → one store,
 * Topology.addGlobalStore / StreamsBuilder.globalTable) runs as one StreamTask whose stores live
 * under `<stateDir>/<applicationId>/global/<store>/` (a worker stream thread's replica: under
 * `global-<threadIndex>/`), next to the checkpoint file
 * (global-checkpoint.ts). Records of every partition of the topic go through the group's processor
 * — on bootstrap as afterwards — so a restore from the source topic and normal processing build
 * the same store (Kafka re-processes on restore for addGlobalStore, KIP-813 era; for a
 * GlobalKTable the processor is a plain put, which is what Kafka's raw restore does).
 *
 * Positions: `#positions` maps "topic\0partition" → the next offset to apply. apply() advances it
 * per record; the global thread also raises it to the consumer's position (past control records
 * and compaction gaps). checkpoint() writes positions to disk AFTER the stores flushed.
 * Only topics whose stores are all persistent are checkpointed: an in-memory store is empty after
 * a restart, so its topic is always re-read from the start.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsumedRecord } from '../../task/partition-group.ts';
import type { StateStore } from '../../state/store-types.ts';
import { StreamTask, type TaskConfig, type TaskIo } from '../../task/stream-task.ts';
import type { Topology } from '../../topology/topology.ts';
import { checkpointKey, readCheckpoint, writeCheckpoint, type CheckpointOffsets } from './global-checkpoint.ts';

export interface GlobalPartitionRange {
  readonly topic: string;
  readonly partition: number;
  /** Log start offset. */
  readonly earliest: number;
  /** Log end offset. */
  readonly latest: number;
}

export class GlobalStateManager {
  readonly dir: string;
  readonly #topology: Topology;
  readonly #config: TaskConfig;
  /** topic → the task of the global store group reading it */
  readonly #taskByTopic = new Map<string, StreamTask>();
  readonly #positions: CheckpointOffsets = new Map();
  #open = false;
  #applied = 0;

  /**
   * `dirName`: the directory under appDir — `global` for the instance's global thread, one
   * `global-<threadIndex>` per worker stream thread's replica (threads/worker-global-stores.ts),
   * so each replica has its own stores and checkpoint.
   */
  constructor(topology: Topology, config: TaskConfig, appDir: string, dirName: string = 'global') {
    this.#topology = topology;
    this.#config = config;
    this.dir = join(appDir, dirName);
  }

  /** The global topics (every global store group reads exactly one). */
  topics(): string[] {
    return this.#topology.globalSubtopologies().flatMap((s) => s.sourceTopics.map((t) => this.#topology.resolveTopic(t, this.#config.applicationId)));
  }

  /** Records applied since start (bootstrap included). */
  get appliedRecords(): number {
    return this.#applied;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Opens every global store (empty or from local disk). */
  async open(): Promise<void> {
    if (this.#open) return;
    // Global store groups have no sinks; the only record they could send is a dead-letter record
    // of the deserialization handler, which the global thread has no producer for (as in Kafka).
    const io: TaskIo = {
      send: (r) => this.#config.logger.warn(`[global] dropped a record for topic "${r.topic}" (the global thread does not produce; dead-letter records of global topics are not written)`),
      changelog: { send: () => {} },
      now: () => Date.now(),
    };
    const opened: StreamTask[] = [];
    try {
      for (const sub of this.#topology.globalSubtopologies()) {
        const task = new StreamTask(this.#topology, sub, -1, this.#config, io, { storeDir: this.dir });
        opened.push(task);
        await task.initialize();
        for (const t of sub.sourceTopics) this.#taskByTopic.set(this.#topology.resolveTopic(t, this.#config.applicationId), task);
      }
    } catch (e) {
      for (const t of opened) await t.close().catch(() => {});
      this.#taskByTopic.clear();
      throw e;
    }
    this.#open = true;
  }

  /**
   * Where to start reading each partition: the checkpointed offset when it is still inside the
   * partition's [earliest, latest], else undefined (from the start). Returns the partitions whose
   * checkpoint was out of range: the caller must wipe() and start over, as the stores hold data
   * of a log that no longer exists (topic recreated, records deleted).
   */
  startOffsets(ranges: readonly GlobalPartitionRange[]): { offsets: Map<string, number | undefined>; outOfRange: string[]; problem: string | undefined } {
    const read = readCheckpoint(this.dir);
    const offsets = new Map<string, number | undefined>();
    const outOfRange: string[] = [];
    for (const r of ranges) {
      const k = checkpointKey(r.topic, r.partition);
      const at = this.#checkpointed(r.topic) ? read.offsets?.get(k) : undefined;
      if (at !== undefined && (at < r.earliest || at > r.latest)) outOfRange.push(`${r.topic}-${r.partition} (checkpoint ${at}, log [${r.earliest}, ${r.latest}])`);
      offsets.set(k, at);
      if (at !== undefined) this.#positions.set(k, at);
    }
    return { offsets, outOfRange, problem: read.offsets === undefined ? read.problem : undefined };
  }

  /** The next offset to apply of a partition, if any record (or checkpoint) set it. */
  position(topic: string, partition: number): number | undefined {
    return this.#positions.get(checkpointKey(topic, partition));
  }

  /** Raises a partition's position (the consumer moved past records that are not data). */
  advanceTo(topic: string, partition: number, offset: number): void {
    const k = checkpointKey(topic, partition);
    if ((this.#positions.get(k) ?? -1) < offset) this.#positions.set(k, offset);
  }

  /**
   * Applies consumed records of one partition to its global store, synchronously, through the
   * group's processor. Processing errors propagate (StreamsProcessingError,
   * DeserializationFailedError under logAndFail): they are fatal for the global thread.
   */
  apply(topic: string, partition: number, records: readonly ConsumedRecord[]): void {
    const task = this.#taskByTopic.get(topic);
    if (task === undefined) throw new Error(`The global thread received records of topic "${topic}", which no global store reads (global topics: ${this.topics().join(', ')}).`);
    const from = this.position(topic, partition) ?? -1;
    const fresh = records.filter((r) => r.offset >= from);
    if (fresh.length === 0) return;
    task.addRecords(fresh);
    while (task.process()) this.#applied++;
    this.advanceTo(topic, partition, fresh[fresh.length - 1]!.offset + 1);
  }

  /** Flushes every global store to disk, then writes the checkpoint (file comment: the order matters). */
  async checkpoint(): Promise<void> {
    if (!this.#open) return;
    for (const task of new Set(this.#taskByTopic.values())) await task.commit();
    const persisted: CheckpointOffsets = new Map();
    for (const [k, offset] of this.#positions) {
      if (this.#checkpointed(k.slice(0, k.indexOf('\u0000')))) persisted.set(k, offset);
    }
    writeCheckpoint(this.dir, persisted);
  }

  /** A global store by name (interactive queries, and lookups from stream tasks). */
  store(name: string): StateStore | undefined {
    for (const task of this.#taskByTopic.values()) {
      const s = task.store(name);
      if (s !== undefined) return s;
    }
    return undefined;
  }

  /** Closes the stores, deletes the global directory and forgets every position. */
  async wipe(): Promise<void> {
    await this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    const tasks = new Set(this.#taskByTopic.values());
    this.#taskByTopic.clear();
    this.#positions.clear();
    this.#open = false;
    let first: unknown;
    for (const t of tasks) await t.close().catch((e: unknown) => (first ??= e));
    if (first !== undefined) throw first;
  }

  /** True when every store reading `topic` keeps its data on disk across restarts. */
  #checkpointed(topic: string): boolean {
    const task = this.#taskByTopic.get(topic);
    return task !== undefined && [...task.stores().values()].every((s) => s.persistent);
  }
}
