/*
 * Committed offsets (and each group's last generation) in memory, persisted as records in the
 * internal compacted topic __consumer_offsets (formats in offset-records.ts) and reloaded at
 * start, so a restarted broker resumes every group from its committed offsets.
 *
 * Life cycle:
 *   1. constructed: `loading` is true; the coordinator answers group requests with
 *      COORDINATOR_LOAD_IN_PROGRESS 14 (the clients retry the same coordinator).
 *   2. load(): replays the topic from its start; the last record per key wins and a tombstone
 *      (null value) deletes the key. Then `loading` turns false.
 *   3. commit()/deleteGroup()/writeGroupMetadata(): append the records durably first, then apply
 *      them to memory, so an OffsetFetch never returns an offset a crash could lose.
 *
 * Invariant: memory reflects the log order. Concurrent commits to one key are applied in the
 * order they were appended (each key keeps the sequence number of its last applied write, and an
 * older write that finishes later is not applied over a newer one).
 *
 * The store knows nothing about partitions of the topic or the log format on disk: the broker
 * passes a `CoordinatorLog` that appends key/value records and replays them.
 */
import {
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetValue,
  encodeGroupKey,
  encodeGroupMetadataValue,
  encodeOffsetKey,
  encodeOffsetValue,
} from './offset-records.ts';
import type { GroupMetadataValue, OffsetValue } from './offset-records.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface CoordinatorRecord {
  key: Buffer;
  value: Buffer | null;
}

/** How the store reaches its topic: durable append, and a replay of everything from the start. */
export interface CoordinatorLog {
  append(records: CoordinatorRecord[]): Promise<void>;
  replay(visit: (record: CoordinatorRecord) => void): Promise<void>;
}

export type CommittedOffset = OffsetValue;

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class OffsetStore {
  private loaded = false;
  private readonly offsets = new Map<string, Map<string, CommittedOffset & { topic: string; partition: number }>>();
  private readonly groupMeta = new Map<string, GroupMetadataValue>();
  private readonly appliedSeq = new Map<string, number>();
  private seq = 0;
  /** Records that could not be decoded at load (kept for the report; never fatal). */
  readonly loadProblems: string[] = [];

  constructor(private readonly log: CoordinatorLog, private readonly now: () => number = Date.now) {}

  get loading(): boolean {
    return !this.loaded;
  }

  async load(): Promise<void> {
    await this.log.replay((r) => {
      try {
        this.apply(r);
      } catch (err) {
        this.loadProblems.push(`${OFFSETS_TOPIC}: skipped an undecodable record: ${(err as Error).message}`);
      }
    });
    this.loaded = true;
  }

  private apply(r: CoordinatorRecord): void {
    const key = decodeKey(r.key);
    if (key === null) return;
    if (key.kind === 'group') {
      if (r.value === null) this.groupMeta.delete(key.group);
      else this.groupMeta.set(key.group, decodeGroupMetadataValue(r.value));
      return;
    }
    const k = keyOf(key.topic, key.partition);
    if (r.value === null) {
      const g = this.offsets.get(key.group);
      g?.delete(k);
      if (g && g.size === 0) this.offsets.delete(key.group);
      return;
    }
    let g = this.offsets.get(key.group);
    if (!g) {
      g = new Map();
      this.offsets.set(key.group, g);
    }
    g.set(k, { ...decodeOffsetValue(r.value), topic: key.topic, partition: key.partition });
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    const o = this.offsets.get(group)?.get(keyOf(topic, partition));
    return o && { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp };
  }

  /** Every committed offset of a group, ordered by topic then partition. */
  groupOffsets(group: string): { topic: string; partition: number; committed: CommittedOffset }[] {
    const g = this.offsets.get(group);
    if (!g) return [];
    return [...g.values()]
      .map(({ topic, partition, ...committed }) => ({ topic, partition, committed }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /** Groups that have committed offsets or persisted metadata. */
  knownGroups(): string[] {
    return [...new Set([...this.offsets.keys(), ...this.groupMeta.keys()])];
  }

  groupMetadata(group: string): GroupMetadataValue | undefined {
    return this.groupMeta.get(group);
  }

  /** Durably writes the offsets, then makes them visible. Throws if the append fails. */
  async commit(group: string, entries: readonly OffsetCommitEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const commitTimestamp = BigInt(this.now());
    const records = entries.map((e) => ({
      key: encodeOffsetKey(group, e.topic, e.partition),
      value: encodeOffsetValue({ offset: e.offset, leaderEpoch: e.leaderEpoch, metadata: e.metadata, commitTimestamp }),
    }));
    await this.appendAndApply(records);
  }

  /** Writes the group's generation summary (members are not persisted). */
  async writeGroupMetadata(group: string, value: GroupMetadataValue): Promise<void> {
    await this.appendAndApply([{ key: encodeGroupKey(group), value: encodeGroupMetadataValue(value) }]);
  }

  /** Tombstones every offset and the metadata of a group. */
  async deleteGroup(group: string): Promise<void> {
    const records: CoordinatorRecord[] = this.groupOffsets(group).map((o) => ({
      key: encodeOffsetKey(group, o.topic, o.partition),
      value: null,
    }));
    if (this.groupMeta.has(group)) records.push({ key: encodeGroupKey(group), value: null });
    await this.appendAndApply(records);
  }

  private async appendAndApply(records: CoordinatorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const seq = ++this.seq;
    await this.log.append(records);
    for (const r of records) {
      const id = r.key.toString('base64');
      if ((this.appliedSeq.get(id) ?? 0) > seq) continue;
      this.appliedSeq.set(id, seq);
      this.apply(r);
    }
  }
}
