/*
 * ChangeLoggingKeyValueStore: sends every change that reaches it to the store's changelog topic,
 * so the store can be rebuilt anywhere by replaying that (compacted) topic.
 *
 * Record layout: key = the key bytes, value = the new value bytes or null (a tombstone for a
 * delete), partition = the task's partition (the changelog has as many partitions as the input,
 * and task N owns changelog partition N), timestamp = context.currentTimestamp() — the timestamp
 * of the record being processed, or, while the caching layer above flushes, the timestamp of the
 * write being flushed (the caching layer overrides the context's clock for that).
 *
 * Invariants:
 * - The change is applied to the layer below first, then sent: a failing store write sends nothing.
 * - Under a caching layer only flushed changes reach this layer, so the changelog receives one
 *   record per key per flush (the latest value), in the cache's flush order.
 * - restore() bypasses this layer: restored records came from the changelog.
 * - The topic is StoreContext.changelogTopic; when the runtime leaves it undefined for a logged
 *   store, the Kafka Streams name `<applicationId>-<storeName>-changelog` is used.
 *
 * Headers: none, or — when IQ consistency is enabled (StoreContext.changelogHeaders) — the
 * store's position ("v", "c"; iq/v2/position-serde.ts), as Kafka's ProcessorContextImpl.logChange.
 *
 * TimestampedChangeLoggingKeyValueStore is the variant for stores of ValueAndTimestamp bytes
 * (value-and-timestamp.ts): it logs the plain value with the stored timestamp as the record
 * timestamp, and turns restored records back into timestamped bytes, as Kafka Streams does.
 */
import type { CollectedRecord, KeyValue, RecordCollector, StoreContext } from './store-types.ts';
import type { BytesKeyValueStore, RestoreRecord } from './bytes-store.ts';
import { requireKey } from './bytes-store.ts';
import { WrappedBytesStore } from './wrapped-bytes-store.ts';
import { TIMESTAMP_BYTES, readTimestamp, timestampedBytes } from './value-and-timestamp.ts';

/** One changelog record; `headers` (StoreContext.changelogHeaders) is absent unless IQ consistency is enabled. */
export function changelogRecord(
  topic: string,
  partition: number,
  key: Buffer,
  value: Buffer | null,
  timestamp: number,
  headers: (() => Record<string, Buffer>) | undefined,
): CollectedRecord {
  return headers === undefined ? { topic, partition, key, value, timestamp } : { topic, partition, key, value, timestamp, headers: headers() };
}

/** `<applicationId>-<storeName>-changelog`, Kafka Streams' changelog topic name. */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

export class ChangeLoggingKeyValueStore extends WrappedBytesStore {
  private topic = '';
  private partition = 0;
  private collector: RecordCollector | undefined;
  private timestamp: () => number = () => 0;
  private headers: (() => Record<string, Buffer>) | undefined;

  /** The context's clock: the current record's timestamp, or the flushed write's. */
  protected currentTimestamp(): number {
    return this.timestamp();
  }

  constructor(inner: BytesKeyValueStore) {
    super(inner);
  }

  /** The changelog topic this store writes to (known after init). */
  get changelogTopic(): string {
    return this.topic;
  }

  override async init(context: StoreContext): Promise<void> {
    this.topic = context.changelogTopic ?? changelogTopicName(context.applicationId, this.name);
    this.partition = context.partition;
    this.collector = context.collector;
    this.timestamp = () => context.currentTimestamp();
    this.headers = context.changelogHeaders;
    await this.inner.init({ ...context, changelogTopic: this.topic });
  }

  override put(key: Buffer, value: Buffer | null): void {
    requireKey(this.name, key);
    this.inner.put(key, value);
    this.log(key, value);
  }

  override putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.inner.putIfAbsent(key, value);
    if (existing === undefined) this.log(key, value);
    return existing;
  }

  override putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  override delete(key: Buffer): Buffer | undefined {
    requireKey(this.name, key);
    const old = this.inner.delete(key);
    this.log(key, null);
    return old;
  }

  protected log(key: Buffer, value: Buffer | null): void {
    this.send(key, value, this.timestamp());
  }

  protected send(key: Buffer, value: Buffer | null, timestamp: number): void {
    if (this.collector === undefined) {
      throw new Error(`store "${this.name}": written before init(); the runtime must init stores before processing`);
    }
    this.collector.send(changelogRecord(this.topic, this.partition, key, value, timestamp, this.headers));
  }
}

export class TimestampedChangeLoggingKeyValueStore extends ChangeLoggingKeyValueStore {
  protected override log(key: Buffer, value: Buffer | null): void {
    if (value === null) {
      this.send(key, null, this.currentTimestamp());
      return;
    }
    if (value.length < TIMESTAMP_BYTES) {
      throw new Error(`store "${this.name}": a timestamped store was given a ${value.length}-byte value; it needs an 8-byte timestamp prefix`);
    }
    this.send(key, value.subarray(TIMESTAMP_BYTES), readTimestamp(value, 0));
  }

  override restore(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    return this.inner.restore(
      records.map((record) => {
        if (record.value === null) return record;
        if (record.timestamp === undefined) {
          throw new Error(
            `store "${this.name}": changelog record at offset ${record.offset} has no timestamp; a timestamped store restores values with their record timestamps`,
          );
        }
        return { ...record, value: timestampedBytes(record.value, record.timestamp) };
      }),
    );
  }
}
