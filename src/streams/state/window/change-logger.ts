/*
 * Sends window and session store changes to the store's changelog topic, as Kafka Streams'
 * ChangeLoggingWindowBytesStore / ChangeLoggingSessionBytesStore /
 * ChangeLoggingTimestampedWindowBytesStore.
 *
 * Record layout: key = the changelog key (window-key-schema.ts: [key][start][seq] or
 * [key][end][start]); value = the value bytes or null (a removal); partition = the task's
 * partition; timestamp = the record being processed (context.currentTimestamp()).
 * Timestamped stores hold [timestamp int64 BE][value] (ValueAndTimestamp bytes); their
 * changelog carries only the value, with the stored timestamp as the record timestamp, and a
 * restore puts the prefix back — the same convention as H4's timestamped key-value stores.
 *
 * Headers: the store's position when IQ consistency is enabled (change-logging-key-value-store.ts).
 * The topic is StoreContext.changelogTopic, or `<applicationId>-<store>-changelog`.
 */
import type { RestoreRecord } from '../bytes-store.ts';
import { changelogRecord, changelogTopicName } from '../change-logging-key-value-store.ts';
import type { RecordCollector, StoreContext } from '../store-types.ts';
import { TIMESTAMP_BYTES, readTimestamp, timestampedBytes } from '../value-and-timestamp.ts';

export class WindowChangeLogger {
  readonly #topic: string;
  readonly #partition: number;
  readonly #collector: RecordCollector;
  readonly #now: () => number;
  readonly #headers: (() => Record<string, Buffer>) | undefined;

  constructor(
    readonly storeName: string,
    context: StoreContext,
    private readonly timestamped: boolean,
  ) {
    this.#topic = context.changelogTopic ?? changelogTopicName(context.applicationId, storeName);
    this.#partition = context.partition;
    this.#collector = context.collector;
    this.#now = () => context.currentTimestamp();
    this.#headers = context.changelogHeaders;
  }

  get topic(): string {
    return this.#topic;
  }

  /** `timestamp`: the record timestamp for a plain store (default: the record being processed). */
  log(changelogKey: Buffer, value: Buffer | null, timestamp?: number): void {
    if (value !== null && this.timestamped) {
      if (value.length < TIMESTAMP_BYTES) {
        throw new Error(`store "${this.storeName}": a timestamped window store was given a ${value.length}-byte value; it needs an 8-byte timestamp prefix`);
      }
      this.#send(changelogKey, value.subarray(TIMESTAMP_BYTES), readTimestamp(value, 0));
      return;
    }
    this.#send(changelogKey, value, timestamp ?? this.#now());
  }

  #send(key: Buffer, value: Buffer | null, timestamp: number): void {
    this.#collector.send(changelogRecord(this.#topic, this.#partition, key, value, timestamp, this.#headers));
  }
}

/** The stored value bytes for a changelog record being restored (see the file comment). */
export function restoredValue(storeName: string, record: RestoreRecord, timestamped: boolean): Buffer | null {
  if (record.value === null || !timestamped) return record.value;
  if (record.timestamp === undefined) {
    throw new Error(`store "${storeName}": changelog record at offset ${record.offset} has no timestamp; a timestamped window store restores values with their record timestamps`);
  }
  return timestampedBytes(record.value, record.timestamp);
}
