/*
 * ChangelogRestorer: brings a task's stores up to date from their changelog partitions before the
 * task processes (active tasks), or keeps them following the changelog (standby tasks). It owns
 * the assign-only restore consumer (no group, no committed offsets) and is the only reader of
 * changelog topics.
 *
 * Per store (changelog topic T, partition p = the task's partition):
 *   1 [earliest, end) = the changelog partition's log start and last stable offset (ListOffsets,
 *     read_committed: an open transaction's records are not restored, as the consumer reading
 *     read_committed never returns them; with no transactions this is the high watermark)
 *   2 start = store.committedChangelogOffset() — the offset written in the same LevelDB batch as
 *     the data (bytes-store.ts) — or `earliest` when the store has none (new or in-memory)
 *   3 start > end: the checkpoint is AHEAD of the changelog (the changelog was deleted and
 *     recreated, or belongs to another cluster): the local state cannot be trusted →
 *     CorruptedStateError, and the caller wipes the task directory and restores from scratch.
 *     start < earliest: records the store never saw were deleted → the same.
 *   4 read [start, end) in batches; each batch goes to store.restore(records), which writes the
 *     data and offset = last + 1 atomically, so a crash mid-restore resumes where it stopped.
 *     A partition is done when the consumer's position reaches end: the offsets just below end
 *     may hold no record (a transaction marker, an aborted transaction, compacted records).
 * Restoring reads up to the end observed in step 1; records appended later (by a zombie owner)
 * are not waited for.
 *
 * `restoredRecords` counts every changelog record read (the restart test measures it).
 */
import type { PortAdmin as Admin, PortAssignedConsumer as AssignedConsumer } from './client-port.ts';
import type { RestoreRecord } from '../state/bytes-store.ts';
import type { StateStore } from '../state/store-types.ts';
import type { StreamsLogger } from '../task/internal-context.ts';

/** The runtime hooks every store stack (key-value and windowed) exposes below StateStore. */
export interface RestorableStore extends StateStore {
  committedChangelogOffset(): number | undefined;
  restore(records: ReadonlyArray<RestoreRecord>): Promise<void>;
  flushCache(): void;
  commit(changelogOffset?: number): Promise<void>;
}

export function isRestorable(store: StateStore): store is RestorableStore {
  const s = store as Partial<RestorableStore>;
  return typeof s.committedChangelogOffset === 'function' && typeof s.restore === 'function' && typeof s.commit === 'function';
}

/** One store to restore: the store and where its changelog lives. */
export interface ChangelogPartition {
  readonly store: RestorableStore;
  readonly topic: string;
  readonly partition: number;
}

export class CorruptedStateError extends Error {
  override readonly name = 'CorruptedStateError';
}

const POLL_MS = 200;
const MAX_IDLE_POLLS = 150;

export class ChangelogRestorer {
  readonly #admin: Admin;
  readonly #consumer: AssignedConsumer;
  readonly #logger: StreamsLogger;
  #restoredRecords = 0;

  constructor(admin: Admin, consumer: AssignedConsumer, logger: StreamsLogger) {
    this.#admin = admin;
    this.#consumer = consumer;
    this.#logger = logger;
  }

  /** Changelog records read since the runtime started (restores and standby updates). */
  get restoredRecords(): number {
    return this.#restoredRecords;
  }

  /** Steps 1–3 for each changelog: where to start and where to stop; throws CorruptedStateError. */
  async plan(parts: readonly ChangelogPartition[]): Promise<Array<ChangelogPartition & { start: number; end: number }>> {
    if (parts.length === 0) return [];
    const tps = parts.map((p) => ({ topic: p.topic, partition: p.partition }));
    const [earliest, latest] = await Promise.all([this.#admin.listOffsets(tps, 'earliest'), this.#admin.listOffsets(tps, 'latest', { isolation: 'read_committed' })]);
    return parts.map((p, i) => {
      const lo = earliest[i]!.offset;
      const end = latest[i]!.offset;
      const checkpoint = p.store.committedChangelogOffset();
      const start = checkpoint ?? lo;
      if (start > end) {
        throw new CorruptedStateError(
          `Store "${p.store.name}" says it is restored up to changelog offset ${start}, but ${p.topic}-${p.partition} ends at ${end}; the local state is ahead of its changelog (was the topic recreated?). It will be wiped and rebuilt from the changelog.`,
        );
      }
      if (start < lo) {
        throw new CorruptedStateError(
          `Store "${p.store.name}" stopped at changelog offset ${start}, but ${p.topic}-${p.partition} now starts at ${lo}; records it never applied are gone. It will be wiped and rebuilt from the changelog.`,
        );
      }
      return { ...p, start, end };
    });
  }

  /** Steps 1–4: restores every store to its changelog's current end. */
  async restore(parts: readonly ChangelogPartition[]): Promise<number> {
    const plans = (await this.plan(parts)).filter((p) => p.start < p.end);
    if (plans.length === 0) return 0;
    let read = 0;
    const byTp = new Map<string, (typeof plans)[number]>();
    for (const p of plans) byTp.set(`${p.topic}\u0000${p.partition}`, p);
    const position = new Map<string, number>();
    await this.#consumer.assign(plans.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.start })));
    try {
      let idle = 0;
      while (byTp.size > 0) {
        const batches = await this.#consumer.poll(10_000, POLL_MS);
        if (batches.length === 0 && !(await this.#finishReached(byTp))) {
          if (++idle > MAX_IDLE_POLLS) {
            throw new Error(`Restoring ${[...byTp.keys()].map((k) => k.replace('\u0000', '-')).join(', ')} made no progress for ${(MAX_IDLE_POLLS * POLL_MS) / 1000} s; is the broker reachable?`);
          }
          continue;
        }
        idle = 0;
        for (const batch of batches) {
          const k = `${batch.topic}\u0000${batch.partition}`;
          const plan = byTp.get(k);
          if (plan === undefined) continue;
          const records: RestoreRecord[] = [];
          let last = position.get(k) ?? plan.start - 1;
          for (const r of batch.records) {
            if (r.offset < plan.start || r.offset >= plan.end || r.offset <= last) continue;
            last = r.offset;
            if (r.key === null) continue;
            records.push({ key: r.key, value: r.value, offset: r.offset, timestamp: r.timestamp });
          }
          position.set(k, last);
          read += records.length;
          if (records.length > 0) await plan.store.restore(records);
        }
        await this.#finishReached(byTp);
      }
    } finally {
      await this.#consumer.assign([]);
    }
    this.#restoredRecords += read;
    if (read > 0) this.#logger.warn(`[restore] restored ${read} changelog records into ${plans.map((p) => `${p.store.name}@${p.topic}-${p.partition}`).join(', ')}`);
    return read;
  }

  /**
   * Finishes the partitions whose consumer position reached their end: the store records the end
   * itself as its changelog offset (the last offsets may be gaps). True when one finished.
   */
  async #finishReached(byTp: Map<string, ChangelogPartition & { start: number; end: number }>): Promise<boolean> {
    let finished = false;
    for (const [k, plan] of [...byTp]) {
      const pos = this.#consumer.position({ topic: plan.topic, partition: plan.partition });
      if (pos === undefined || pos < plan.end) continue;
      if (plan.store.committedChangelogOffset() !== plan.end) {
        plan.store.flushCache();
        await plan.store.commit(plan.end);
      }
      byTp.delete(k);
      finished = true;
    }
    return finished;
  }
}
