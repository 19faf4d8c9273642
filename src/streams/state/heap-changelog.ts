/*
 * HeapChangelog: the changelog side of a store whose data lives on the heap and whose entries
 * are logged per key at commit — the suppress buffer and the stream–table join buffer.
 * It is the single owner of three things such a store needs for the commit procedure:
 *  - the logging target (topic, partition, collector), or none when logging is disabled;
 *  - the keys changed since the last flush (`touch`), each logged once at commit steps 1–2
 *    (`flush`) as the entry as it is then, or a tombstone when it is gone;
 *  - the changelog position (commit step 5 records it; a restore moves it past its last record).
 * A heap store writes nothing else at commit: after a restart it restores its whole compacted
 * changelog.
 */
import { changelogTopicName } from './change-logging-key-value-store.ts';
import type { RecordCollector, StoreContext } from './store-types.ts';

/** What to log for a changed key: its value bytes, record timestamp and headers, or undefined when the entry is gone. */
export type CurrentEntry = (id: string) => { value: Buffer; timestamp: number; headers?: Readonly<Record<string, Buffer>> } | undefined;

export class HeapChangelog {
  readonly #dirty = new Map<string, Buffer>();
  #target: { topic: string; partition: number; collector: RecordCollector; now: () => number } | undefined;
  #offset: number | undefined;

  constructor(
    private readonly storeName: string,
    private readonly loggingEnabled: boolean,
  ) {}

  init(context: StoreContext): void {
    this.#target = this.loggingEnabled
      ? {
          topic: context.changelogTopic ?? changelogTopicName(context.applicationId, this.storeName),
          partition: context.partition,
          collector: context.collector,
          now: () => context.currentTimestamp(),
        }
      : undefined;
  }

  /** Marks the key (id = its bytes as latin1) changed since the last flush. */
  touch(id: string, keyBytes: Buffer): void {
    if (this.#target !== undefined) this.#dirty.set(id, keyBytes);
  }

  /** Commit steps 1–2: one record per changed key — the entry now, or a tombstone at the current time. */
  flush(current: CurrentEntry): void {
    const t = this.#target;
    if (t === undefined || this.#dirty.size === 0) return;
    for (const [id, key] of this.#dirty) {
      const e = current(id);
      t.collector.send({ topic: t.topic, partition: t.partition, key, value: e?.value ?? null, timestamp: e?.timestamp ?? t.now(), ...(e?.headers === undefined ? {} : { headers: e.headers }) });
    }
    this.#dirty.clear();
  }

  /**
   * Commit steps 1–2, for a key the store no longer tracks (a record in an earlier layout that
   * now lives under another key): a tombstone, sent now. No-op when logging is disabled.
   */
  sendTombstone(key: Buffer): void {
    const t = this.#target;
    if (t !== undefined) t.collector.send({ topic: t.topic, partition: t.partition, key, value: null, timestamp: t.now() });
  }

  /** Commit step 5 for a heap store: only the position is recorded. */
  commit(changelogOffset: number | undefined): void {
    if (changelogOffset !== undefined) this.#offset = changelogOffset;
  }

  committedOffset(): number | undefined {
    return this.#offset;
  }

  /** After applying restored records up to `lastOffset`. */
  restored(lastOffset: number | undefined): void {
    if (lastOffset !== undefined) this.#offset = lastOffset + 1;
  }

  clear(): void {
    this.#dirty.clear();
    this.#offset = undefined;
  }
}
