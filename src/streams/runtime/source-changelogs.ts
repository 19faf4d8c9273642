/*
 * Stores whose changelog is their source topic (reuse.ktable.source.topics; Kafka's "source
 * changelogs"): where the task manager restores them from and what it checkpoints for them.
 *
 * Restore (active and standby tasks alike, as Kafka's StoreChangelogReader): partition p of the
 * source topic, from the store's checkpoint up to min(log end, the group's committed offset of
 * that partition), 0 when the group committed none — the records after the committed offset are
 * the task's input and are processed, not restored. Each record passes the source's
 * deserialization check first (task/source-restore-check.ts, KAFKA-8037). A standby reads up to
 * the committed offset as it stands at each catch-up, so it trails the active by one commit.
 * A DSL table store keeps ValueAndTimestamp bytes (its own changelog carries them too), while the
 * source topic holds plain values: each restored value gets its record's timestamp as prefix
 * (Kafka's RecordConverters.rawValueToTimestampedValue does the same for its timestamped stores).
 *
 * Checkpoint (commit step 5): the offset the task commits for that partition in step 4 — the
 * store holds exactly the records before it, which is what a restore up to the committed offset
 * reproduces. A task that has consumed nothing from the partition keeps its checkpoint.
 */
import type { RestoreRecord } from '../state/bytes-store.ts';
import { timestampedBytes } from '../state/value-and-timestamp.ts';
import type { StreamTask } from '../task/stream-task.ts';
import type { RestorableStore, ChangelogPartition } from './changelog-restorer.ts';

/** Reads the group's committed offsets (undefined entries: nothing committed). */
export type CommittedReader = (tps: ReadonlyArray<{ topic: string; partition: number }>) => Promise<ReadonlyArray<{ topic: string; partition: number; offset: number }>>;

/** The restore parts of `task`'s source-changelog stores (see the file comment). */
export async function sourceChangelogParts(
  task: StreamTask,
  stores: ReadonlyArray<readonly [string, RestorableStore]>,
  readCommitted: CommittedReader | undefined,
  timestampPrefixed: (storeName: string) => boolean,
): Promise<ChangelogPartition[]> {
  const sources = task.subtopology.sourceChangelogTopics;
  const wanted = stores.filter(([name]) => sources.has(name));
  if (wanted.length === 0) return [];
  const partition = task.id.partition;
  const topics = [...new Set(wanted.map(([name]) => sources.get(name)!))];
  // Without a way to read committed offsets (no group), restore to the log end: processing then
  // re-applies the records after the committed offset over newer rows, ending in the same table.
  const committed = readCommitted === undefined ? undefined : await readCommitted(topics.map((topic) => ({ topic, partition })));
  const limitOf = (topic: string): number | undefined => {
    if (committed === undefined) return undefined;
    const o = committed.find((c) => c.topic === topic && c.partition === partition)?.offset;
    return o === undefined || o < 0 ? 0 : o;
  };
  return wanted.map(([name, store]) => {
    const topic = sources.get(name)!;
    const accept = task.restoredRecordCheck(topic);
    const prefix = timestampPrefixed(name);
    const fromSource = (r: RestoreRecord): RestoreRecord | undefined => {
      if (!accept(r)) return undefined;
      if (!prefix || r.value === null) return r;
      return { ...r, value: timestampedBytes(r.value, r.timestamp ?? 0) };
    };
    return { store, topic, partition, limitOffset: limitOf(topic), fromSource };
  });
}

/** Commit step 5's checkpoint for a source-changelog store: its source partition's committed offset. */
export function sourceChangelogCheckpoint(task: StreamTask, storeName: string): number | undefined {
  const topic = task.subtopology.sourceChangelogTopics.get(storeName);
  if (topic === undefined) return undefined;
  return task.committableOffsets().find((o) => o.topic === topic && o.partition === task.id.partition)?.offset;
}
