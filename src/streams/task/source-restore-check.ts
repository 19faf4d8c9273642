/*
 * Restoring a store from its source topic (reuse.ktable.source.topics): the two task-side pieces.
 *
 * DISCARD_CHANGELOG — the changelog collector of such a store: its logging layer stays in the
 * stack (it turns restored plain values into the store's timestamped bytes) but sends nothing,
 * because the source topic already holds every change (Kafka turns the store's logging off).
 *
 * sourceRestoreCheck — KAFKA-8037: a changelog only ever holds what the store wrote, but a source
 * topic may hold records the task never put in the store (their key or value did not
 * deserialize, and the deserialization handler skipped them). Copying those bytes into the store
 * on restore would plant rows that fail when read. So each restored record is first deserialized
 * with the source node's deserializers (what processing does), and on failure the application's
 * deserialization handler decides, as it did when the record was processed:
 *   'continue' → the record is not restored (no dead-letter records are sent again: processing
 *                sent them when it first met the record);
 *   'fail'     → the restore fails with DeserializationFailedError, naming topic, partition, offset.
 * Kafka Streams applies this check to global stores (GlobalStateManagerImpl restores through
 * the source's deserializers); for source-table stores Kafka copies bytes unchecked, which is the
 * open part of KAFKA-8037 — Tributary checks both.
 */
import type { DeserializationExceptionHandler, FailedRecord } from '../errors/deserialization-handler.ts';
import { DeserializationFailedError } from '../errors/deserialization-handler.ts';
import type { RecordCollector } from '../state/store-types.ts';
import type { RuntimeSource } from './runtime-nodes.ts';

export const DISCARD_CHANGELOG: RecordCollector = { send() {} };

/** The fields of a restored record the check reads. */
export interface RestoredSourceRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, Buffer>>;
}

export function sourceRestoreCheck(
  taskId: string,
  source: RuntimeSource,
  topic: string,
  partition: number,
  handler: DeserializationExceptionHandler,
): (r: RestoredSourceRecord) => boolean {
  return (r) => {
    try {
      if (r.key !== null) source.keyDeserializer.deserialize(topic, r.key);
      if (r.value !== null) source.valueDeserializer.deserialize(topic, r.value);
      return true;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const failed: FailedRecord = {
        taskId,
        sourceNodeName: source.name,
        topic,
        partition,
        offset: r.offset,
        timestamp: r.timestamp ?? -1,
        key: r.key,
        value: r.value,
        headers: r.headers ?? {},
      };
      if (handler.handle(failed, error).action === 'fail') throw new DeserializationFailedError(failed, error);
      return false;
    }
  };
}
