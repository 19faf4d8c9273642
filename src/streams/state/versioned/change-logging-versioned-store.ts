/*
 * ChangeLoggingVersionedStore: sends each accepted put and delete of a versioned store to its
 * changelog topic — Kafka Streams' ChangeLoggingVersionedKeyValueBytesStore, same records:
 *   key = the key bytes, value = the value bytes (null for a delete), timestamp = the version's
 *   timestamp, partition = the task's partition.
 * So a Java application's changelog restores here and the reverse. Restoring replays the
 * records as puts (segmented-versioned-store.ts), so the changelog order is the put order.
 *
 * Unlike Kafka, a put or delete rejected for being older than the grace period is not logged
 * (Kafka logs it and the restore skips it again; the result is the same).
 * The topic is created compacted with min.compaction.lag.ms = history retention + 1 day
 * (versioned-store-builder.ts), so compaction never removes a version still inside history
 * retention (compaction keeps the record with the highest OFFSET per key, which for an
 * out-of-order put is not the latest version).
 */
import { changelogRecord, changelogTopicName } from '../change-logging-key-value-store.ts';
import { DelegatingRuntimeStore } from '../delegating-state-store.ts';
import type { RecordCollector, StoreContext } from '../store-types.ts';
import type { VersionedBytesStore } from './segmented-versioned-store.ts';
import type { VersionsRange } from './versioned-queries.ts';
import { PUT_RETURN_CODE_NOT_PUT, type VersionedRecord } from './versioned-record.ts';

export class ChangeLoggingVersionedStore extends DelegatingRuntimeStore<VersionedBytesStore> implements VersionedBytesStore {
  #topic = '';
  #partition = 0;
  #collector: RecordCollector | undefined;
  #headers: (() => Record<string, Buffer>) | undefined;

  get historyRetentionMs(): number {
    return this.inner.historyRetentionMs;
  }

  override async init(context: StoreContext): Promise<void> {
    this.#topic = context.changelogTopic ?? changelogTopicName(context.applicationId, this.name);
    this.#partition = context.partition;
    this.#collector = context.collector;
    this.#headers = context.changelogHeaders;
    await this.inner.init({ ...context, changelogTopic: this.#topic });
  }

  outOfGrace(timestamp: number): boolean {
    return this.inner.outOfGrace(timestamp);
  }

  put(key: Buffer, value: Buffer | null, timestamp: number): number {
    const code = this.inner.put(key, value, timestamp);
    if (code !== PUT_RETURN_CODE_NOT_PUT) this.#log(key, value, timestamp);
    return code;
  }

  delete(key: Buffer, timestamp: number): VersionedRecord<Buffer> | null {
    const accepted = !this.inner.outOfGrace(timestamp);
    const old = this.inner.delete(key, timestamp);
    if (accepted) this.#log(key, null, timestamp);
    return old;
  }

  get(key: Buffer, asOfTimestamp?: number): VersionedRecord<Buffer> | null {
    return this.inner.get(key, asOfTimestamp);
  }

  getVersions(key: Buffer, range?: VersionsRange): Array<VersionedRecord<Buffer>> {
    return this.inner.getVersions(key, range);
  }

  #log(key: Buffer, value: Buffer | null, timestamp: number): void {
    if (this.#collector === undefined) {
      throw new Error(`store "${this.name}": written before init(); the runtime must init stores before processing`);
    }
    this.#collector.send(changelogRecord(this.#topic, this.#partition, key, value, timestamp, this.#headers));
  }
}
