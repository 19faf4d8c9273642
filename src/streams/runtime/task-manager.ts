/*
 * TaskManager: the tasks of one stream thread — which exist, which input partition feeds which
 * task, creating them on assignment (with restore), committing them, closing them on revocation.
 * It is the single source of truth for the thread's active and standby tasks.
 *
 * Task = sub-topology × partition number. Input partition (T, p) feeds task (sub reading T, p);
 * for co-partitioned sources the same p of each topic feeds the same task.
 *
 * Creating a task (active or standby):
 *   1 StreamTask.initialize() opens its stores under stateDir/applicationId/taskId/. A store that
 *     fails to open (corrupt LevelDB) → close, wipe the task directory, try once more from empty.
 *   2 restore each logged store from its changelog [checkpoint, end) (changelog-restorer.ts);
 *     a checkpoint ahead of the changelog → wipe, recreate, restore from the start.
 *   3 (active tasks) read the metadata committed with their input offsets and hand it to the task
 *     (task/commit-metadata.ts: processor metadata such as emit-on-window-close's last emit time)
 *   Active tasks then process; standby tasks only ever restore (catch up on every commit).
 *
 * Commit (the numbered procedure of docs/architecture.md; all tasks of the thread together):
 *   1 flush caches: every task's caches forward dirty entries downstream and seal store writes
 *   2 send changelog records: the changelogging layers hand them to the collector during 1
 *   3 flush the producer: every sink and changelog record is acknowledged (offsets known)
 *   4 commit input offsets: the consumed position of every task's input partitions, each with
 *     the task's commit metadata (partitions whose offset and metadata did not change are skipped)
 *   5 write each store's sealed batch with its changelog end offset (one LevelDB batch)
 *   then: purge consumed repartition records (DeleteRecords up to the committed offset).
 * A crash between 4 and 5 leaves a store behind its changelog: restore replays the difference.
 * A crash before 4 reprocesses input (at-least-once); changelog records are idempotent per key.
 * Async operators: step 1 first forwards their finished records; step 4 commits each task's
 * committableOffsets() (never past a record whose async work is unfinished). Under exactly_once_v2
 * the commit first waits for all in-flight async work (each call is bounded by its timeout), so the
 * transaction holds the outputs and the offsets of exactly the same records.
 * Under exactly_once_v2 step 4 is the transaction's commit (offsets sent in it), and a failed
 * step 4 throws before step 5: the stores' on-disk state stays at the last committed
 * transaction, which is what restoring read_committed from their changelog offsets continues.
 */
import type { StateStore } from '../state/store-types.ts';
import { StreamTask, type TaskConfig, type TaskIo } from '../task/stream-task.ts';
import { parseTaskId, taskIdToString, type TaskId } from '../task/task-id.ts';
import { Topology, type SubtopologyInfo } from '../topology/topology.ts';
import { CorruptedStateError, isRestorable, type ChangelogPartition, type ChangelogRestorer, type RestorableStore } from './changelog-restorer.ts';
import { sourceChangelogCheckpoint, sourceChangelogParts } from './source-changelogs.ts';
import type { RuntimeRecordCollector } from './record-collector.ts';
import { patternSubtopology } from './pattern-subscription.ts';
import { deleteTaskCheckpoint, writeTaskCheckpoint } from './task-checkpoint.ts';
import type { StateDirectory } from './state-directory.ts';
import type { TopicPartition, TopicPartitionOffset } from './client-port.ts';

/** What the manager needs from the consumer and admin for commit step 4 and the purge. */
export interface CommitSink {
  /** Step 4. Under exactly-once it commits the transaction and is called even with no offsets. */
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** exactly_once_v2: a failed step 4 is not an OffsetCommitFailedError but ends the commit. */
  readonly exactlyOnce?: boolean;
  /** Best effort: failures are ignored (the purge is only to save space). */
  purge?(offsets: readonly TopicPartitionOffset[]): Promise<void>;
}

/** Step 4 failed (typically a rebalance in progress): the rest of the commit was done; not fatal. */
export class OffsetCommitFailedError extends Error {
  override readonly name = 'OffsetCommitFailedError';
  constructor(
    readonly offsets: readonly TopicPartitionOffset[],
    override readonly cause: unknown,
  ) {
    super(`Committing input offsets failed (${cause instanceof Error ? cause.message : String(cause)}); the records after the last committed offsets will be processed again.`, { cause });
  }
}

interface ManagedTask {
  readonly task: StreamTask;
  readonly standby: boolean;
}

export class TaskManager {
  readonly #topology: Topology;
  readonly #config: TaskConfig;
  readonly #collector: RuntimeRecordCollector;
  readonly #restorer: ChangelogRestorer;
  readonly #stateDir: StateDirectory;
  readonly #subs: SubtopologyInfo[];
  /** resolved source topic → sub-topology reading it */
  readonly #subByTopic = new Map<string, SubtopologyInfo>();
  readonly #repartitionTopics = new Set<string>();
  readonly #tasks = new Map<string, ManagedTask>();
  /** what was committed last time, "topic\0p" → "offset metadata", to skip unchanged partitions */
  readonly #committed = new Map<string, string>();
  /** Reads the group's committed offsets with their metadata (creating a task, step 3). */
  #readCommitted: ((tps: ReadonlyArray<{ topic: string; partition: number }>) => Promise<readonly TopicPartitionOffset[]>) | undefined;
  #rr = 0;

  constructor(topology: Topology, config: TaskConfig, collector: RuntimeRecordCollector, restorer: ChangelogRestorer, stateDir: StateDirectory) {
    this.#topology = topology;
    this.#config = config;
    this.#collector = collector;
    this.#restorer = restorer;
    this.#stateDir = stateDir;
    this.#subs = topology.subtopologies();
    for (const sub of this.#subs) {
      for (const t of sub.sourceTopics) {
        const resolved = topology.resolveTopic(t, config.applicationId);
        this.#subByTopic.set(resolved, sub);
        if (topology.isInternalTopic(t)) this.#repartitionTopics.add(resolved);
      }
    }
  }

  /** Every resolved input topic of the application's tasks (what the group consumer subscribes to). */
  sourceTopics(): string[] {
    return [...this.#subByTopic.keys()];
  }

  /** The task an input partition feeds. */
  taskIdFor(topic: string, partition: number): TaskId | undefined {
    const sub = this.#subByTopic.get(topic) ?? patternSubtopology(this.#subs, topic);
    return sub === undefined ? undefined : { subtopology: sub.id, partition };
  }

  activeTasks(): StreamTask[] {
    return [...this.#tasks.values()].filter((t) => !t.standby).map((t) => t.task);
  }

  standbyTasks(): StreamTask[] {
    return [...this.#tasks.values()].filter((t) => t.standby).map((t) => t.task);
  }

  activeTaskIds(): string[] {
    return this.activeTasks().map((t) => t.idString);
  }

  standbyTaskIds(): string[] {
    return this.standbyTasks().map((t) => t.idString);
  }

  /** Every open store named `name` in an active task (interactive queries). */
  localStores(name: string): StateStore[] {
    return this.activeTasks().flatMap((t) => {
      const s = t.store(name);
      return s === undefined ? [] : [s];
    });
  }

  /** Per store changelog position of every local task (warmth, reported to the assignor). */
  changelogOffsets(): Map<string, number> {
    const out = new Map<string, number>();
    for (const { task } of this.#tasks.values()) {
      let sum = 0;
      for (const store of task.stores().values()) if (isRestorable(store)) sum += store.committedChangelogOffset() ?? 0;
      out.set(task.idString, sum);
    }
    return out;
  }

  /**
   * Moves to the wanted tasks: closes (after the caller committed) the tasks no longer wanted,
   * turns standbys into actives or back by recreating them, and creates + restores the new ones.
   */
  async reconcile(active: readonly string[], standby: readonly string[]): Promise<void> {
    const wantActive = new Set(active);
    const wantStandby = new Set(standby.filter((id) => !wantActive.has(id)));
    for (const [id, m] of [...this.#tasks]) {
      const keep = m.standby ? wantStandby.has(id) : wantActive.has(id);
      if (!keep) await this.#closeTask(id);
    }
    for (const id of wantActive) if (!this.#tasks.has(id)) await this.#createTask(id, false);
    for (const id of wantStandby) if (!this.#tasks.has(id)) await this.#createTask(id, true);
  }

  /** Hands consumed records to their tasks. */
  addRecords(topic: string, partition: number, records: Parameters<StreamTask['addRecords']>[0]): void {
    const id = this.taskIdFor(topic, partition);
    const m = id === undefined ? undefined : this.#tasks.get(taskIdToString(id));
    if (m === undefined || m.standby) return; // revoked meanwhile: the new owner reads them again
    // After a rebalance the consumer may deliver again from the committed offset: skip what was taken.
    const taken = m.task.consumedOffsets().find((o) => o.topic === topic && o.partition === partition)?.offset ?? -1;
    m.task.addRecords(taken < 0 ? records : [...records].filter((r) => r.offset >= taken));
  }

  /** Processes up to `max` buffered records across active tasks, round-robin; returns how many. */
  process(max: number): number {
    const tasks = this.activeTasks();
    if (tasks.length === 0) return 0;
    let done = 0;
    let idleRounds = 0;
    while (done < max && idleRounds < tasks.length) {
      const task = tasks[this.#rr++ % tasks.length]!;
      if (task.process()) {
        done++;
        idleRounds = 0;
      } else {
        idleRounds++;
      }
    }
    return done;
  }

  numBuffered(): number {
    return this.activeTasks().reduce((n, t) => n + t.numBuffered(), 0);
  }

  /** Fires due wall-clock punctuations of every active task; returns how many tasks punctuated. */
  punctuate(): number {
    let n = 0;
    for (const t of this.activeTasks()) if (t.maybePunctuateSystemTime()) n++;
    return n;
  }

  /** Async work in flight over the active tasks. */
  asyncInFlight(): number {
    return this.activeTasks().reduce((n, t) => n + t.asyncInFlight, 0);
  }

  /** Each active task drains its async work until none is in flight or its deadline (default: its operators' worst case) passed. */
  async settleAsync(deadlineMs?: number): Promise<void> {
    for (const t of this.activeTasks()) await t.settleAsync(deadlineMs);
  }

  /** Resolves when some task's async call finishes, or after `timeoutMs`. */
  asyncProgress(timeoutMs: number): Promise<void> {
    const busy = this.activeTasks().filter((t) => t.asyncInFlight > 0);
    return busy.length === 0 ? Promise.resolve() : Promise.race(busy.map((t) => t.asyncProgress(timeoutMs)));
  }

  /** Where new active tasks read the metadata committed with their input offsets (step 3 of creating a task). */
  readCommittedWith(reader: (tps: ReadonlyArray<{ topic: string; partition: number }>) => Promise<readonly TopicPartitionOffset[]>): void {
    this.#readCommitted = reader;
  }

  /** The commit procedure (file comment, steps 1–5), then the repartition purge. */
  async commit(sink: CommitSink): Promise<void> {
    const tasks = this.activeTasks();
    if (sink.exactlyOnce === true) await this.settleAsync(Number.POSITIVE_INFINITY);
    // 1–2: flush caches; changelog records reach the collector.
    for (const t of tasks) t.flushCaches();
    // 3: flush the producer.
    await this.#collector.flush();
    // 4: commit input offsets (only partitions that moved).
    const offsets: TopicPartitionOffset[] = [];
    const committedAs = (o: TopicPartitionOffset): string => `${o.offset} ${o.metadata ?? ''}`;
    for (const t of tasks) {
      for (const o of t.committableOffsets()) {
        if (this.#committed.get(`${o.topic}\u0000${o.partition}`) !== committedAs(o)) offsets.push(o);
      }
    }
    let offsetError: unknown;
    if (sink.exactlyOnce === true) {
      await sink.commitOffsets(offsets);
      for (const o of offsets) this.#committed.set(`${o.topic}\u0000${o.partition}`, committedAs(o));
    } else if (offsets.length > 0) {
      try {
        await sink.commitOffsets(offsets);
        for (const o of offsets) this.#committed.set(`${o.topic}\u0000${o.partition}`, committedAs(o));
      } catch (e) {
        offsetError = e;
      }
    }
    // 5: write store batches with their changelog end offsets. (Still right when step 4 failed:
    // the changelog holds these changes; the input is then reprocessed — at-least-once.)
    for (const t of tasks) await this.#writeStores(t);
    if (offsetError !== undefined) throw new OffsetCommitFailedError(offsets, offsetError);
    // Standbys catch up with their changelogs.
    await this.#catchUpStandbys();
    const purge = offsets.filter((o) => this.#repartitionTopics.has(o.topic));
    if (purge.length > 0 && sink.purge !== undefined) await sink.purge(purge).catch(() => {});
  }

  /** Closes the active tasks these input partitions feed (cooperative revocation, after a commit). */
  async closeTasksOf(partitions: readonly TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const id = this.taskIdFor(tp.topic, tp.partition);
      const m = id === undefined ? undefined : this.#tasks.get(taskIdToString(id));
      if (m !== undefined && !m.standby) await this.#closeTask(m.task.idString);
    }
  }

  /** Closes every task (after a commit, when `clean`), e.g. on shutdown or when all are revoked. */
  async closeAll(): Promise<void> {
    for (const id of [...this.#tasks.keys()]) await this.#closeTask(id);
  }

  /** Forgets committed positions (after a rebalance the group's offsets are the truth). */
  resetCommitted(): void {
    this.#committed.clear();
  }

  async #writeStores(task: StreamTask): Promise<void> {
    for (const [name, store] of task.stores()) {
      if (!isRestorable(store)) {
        await store.flush();
        continue;
      }
      const logged = task.subtopology.changelogTopics.has(name);
      const offset = logged ? this.#collector.changelogEndOffset(Topology.changelogTopic(this.#config.applicationId, name), task.id.partition) : sourceChangelogCheckpoint(task, name);
      await store.commit(offset);
    }
    await task.positions.checkpoint();
  }

  async #catchUpStandbys(): Promise<void> {
    for (const t of this.standbyTasks()) {
      try {
        await this.#restorer.restore(await this.#changelogParts(t));
      } catch (e) {
        if (!(e instanceof CorruptedStateError)) throw e;
        this.#config.logger.warn(`[standby ${t.idString}] ${e.message}`);
        await this.#closeTask(t.idString);
        this.#stateDir.wipeTask(t.idString);
        await this.#createTask(t.idString, true);
      }
    }
  }

  /** Restore parts: each logged store's changelog, and each source-changelog store's source topic (source-changelogs.ts). */
  async #changelogParts(task: StreamTask): Promise<ChangelogPartition[]> {
    const { parts, restorable } = this.#ownChangelogParts(task);
    // DSL table stores (KeyValueMaterializer.timestamped) keep ValueAndTimestamp bytes.
    const timestampPrefixed = (store: string) => (this.#topology.stores().get(store)?.factory as { timestamped?: unknown } | undefined)?.timestamped === true;
    return [...parts, ...(await sourceChangelogParts(task, restorable, this.#readCommitted, timestampPrefixed))];
  }

  /** The task's own changelogs (no source topics standing in for one: those need the group's committed offsets). */
  #ownChangelogParts(task: StreamTask): { parts: ChangelogPartition[]; restorable: Array<[string, RestorableStore]> } {
    const parts: ChangelogPartition[] = [];
    const restorable: Array<[string, RestorableStore]> = [];
    for (const [name, store] of task.stores()) {
      if (!isRestorable(store)) continue;
      restorable.push([name, store]);
      if (!task.subtopology.changelogTopics.has(name)) continue;
      parts.push({ store, topic: Topology.changelogTopic(this.#config.applicationId, name), partition: task.id.partition, onRestored: task.positions.restoredHook(name) });
    }
    return { parts, restorable };
  }

  #newTask(id: string): StreamTask {
    const tid = parseTaskId(id);
    const sub = this.#subs.find((s) => s.id === tid.subtopology);
    if (sub === undefined) throw new Error(`Assigned task ${id} names sub-topology ${tid.subtopology}, which this topology does not have; do all instances run the same topology?`);
    const io: TaskIo = { send: this.#collector.send, changelog: this.#collector.changelog, now: () => Date.now() };
    return new StreamTask(this.#topology, sub, tid.partition, this.#config, io);
  }

  /** Creates a task holding its per-task lock (another stream thread of this process may still be closing it). */
  async #createTask(id: string, standby: boolean): Promise<void> {
    await this.#stateDir.lockTask(id);
    deleteTaskCheckpoint(this.#stateDir.taskDir(id));
    await this.#openTask(id, standby).catch((e: unknown) => {
      this.#stateDir.unlockTask(id);
      throw e;
    });
  }

  /** Steps 1–2 of "creating a task" (file comment), wiping local state once when it is bad. */
  async #openTask(id: string, standby: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const task = this.#newTask(id);
      let phase: 'open' | 'restore' = 'open';
      try {
        await task.initialize();
        phase = 'restore';
        await this.#restorer.restore(await this.#changelogParts(task));
        if (!standby && this.#readCommitted !== undefined) {
          const committed = await this.#readCommitted(task.sourceTopics().map((topic) => ({ topic, partition: task.id.partition })));
          task.restoreCommitMetadata(committed);
        }
        this.#tasks.set(id, { task, standby });
        return;
      } catch (e) {
        await task.close().catch(() => {});
        // Opening local stores failed (corrupt or unreadable files), or the checkpoint cannot be
        // trusted: both are fixed by starting from empty. Restore errors from the broker are not.
        const localStateBad = phase === 'open' || e instanceof CorruptedStateError;
        if (!localStateBad) throw e;
        if (attempt > 0) {
          throw Object.assign(new Error(`Task ${id} cannot open its state even from an empty directory ${this.#stateDir.taskDir(id)}: ${(e as Error).message}`, { cause: e }), { fatal: true });
        }
        this.#config.logger.warn(`[task ${id}] local state is unusable and will be rebuilt from the changelog: ${(e as Error).message}`);
        this.#stateDir.wipeTask(id);
      }
    }
  }

  async #closeTask(id: string): Promise<void> {
    const m = this.#tasks.get(id);
    if (m === undefined) return;
    this.#tasks.delete(id);
    for (const o of m.task.consumedOffsets()) this.#committed.delete(`${o.topic}\u0000${o.partition}`);
    // What the persistent stores hold, for the subscriptions while no thread has the task (task-checkpoint.ts).
    const kept = this.#ownChangelogParts(m.task).parts.flatMap((p) => {
      const offset = p.store.persistent ? p.store.committedChangelogOffset() : undefined;
      return offset === undefined ? [] : [{ topic: p.topic, partition: p.partition, offset }];
    });
    await m.task.close();
    writeTaskCheckpoint(this.#stateDir.taskDir(id), kept);
    this.#stateDir.unlockTask(id);
  }
}
