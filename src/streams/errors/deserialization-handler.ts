/*
 * What happens to a record whose key or value cannot be deserialized — Kafka Streams'
 * DeserializationExceptionHandler with KIP-1034 dead-letter queues. The handler is chosen in the
 * application config and applies identically in the TopologyTestDriver and at run time, since
 * both go through StreamTask.
 *
 *   logAndContinue()        log a warning, count the record as dropped, go on with the next one
 *   logAndFail()            log an error and stop processing (the task throws
 *                           DeserializationFailedError, naming topic, partition and offset)
 *   deadLetterQueue(topic)  send the RAW record (original key/value bytes and headers) to
 *                           `topic`, adding the error headers below, then continue
 *
 * Dead-letter headers (names from KIP-1034 / Kafka's ExceptionHandlerUtils; UTF-8 strings):
 *   __streams.errors.exception   error class name, e.g. "DeserializationError"
 *   __streams.errors.message     error message
 *   __streams.errors.stacktrace  error stack
 *   __streams.errors.topic       source topic
 *   __streams.errors.partition   source partition, decimal
 *   __streams.errors.offset      source offset, decimal
 */
import type { StreamsLogger } from '../task/internal-context.ts';
import { consoleLogger } from '../task/internal-context.ts';

export const DLQ_HEADERS = {
  EXCEPTION: '__streams.errors.exception',
  MESSAGE: '__streams.errors.message',
  STACKTRACE: '__streams.errors.stacktrace',
  TOPIC: '__streams.errors.topic',
  PARTITION: '__streams.errors.partition',
  OFFSET: '__streams.errors.offset',
} as const;

/** The raw record that failed, with where it came from. */
export interface FailedRecord {
  readonly taskId: string;
  readonly sourceNodeName: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
}

/** A record the handler wants produced (to a dead-letter topic). */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer>>;
}

export interface DeserializationHandlerResponse {
  readonly action: 'continue' | 'fail';
  readonly deadLetterRecords?: readonly DeadLetterRecord[];
}

export interface DeserializationExceptionHandler {
  readonly name: string;
  handle(record: FailedRecord, error: Error): DeserializationHandlerResponse;
}

/** Thrown by a task when the handler says "fail". */
export class DeserializationFailedError extends Error {
  override readonly name = 'DeserializationFailedError';
  constructor(
    readonly record: FailedRecord,
    override readonly cause: Error,
  ) {
    super(
      `Deserialization failed for a record from topic=${record.topic} partition=${record.partition} offset=${record.offset} ` +
        `(task ${record.taskId}, source ${record.sourceNodeName}): ${cause.message}. The deserialization handler is logAndFail; ` +
        `fix the producer or the serde, or configure logAndContinue / deadLetterQueue to skip such records.`,
      { cause },
    );
  }
}

function origin(r: FailedRecord): string {
  return `taskId=${r.taskId}, topic=${r.topic}, partition=${r.partition}, offset=${r.offset}`;
}

function logAndContinue(logger: StreamsLogger = consoleLogger): DeserializationExceptionHandler {
  return {
    name: 'logAndContinue',
    handle(record, error) {
      logger.warn(`Skipping record that could not be deserialized (${origin(record)}): ${error.message}`);
      return { action: 'continue' };
    },
  };
}

function logAndFail(logger: StreamsLogger = consoleLogger): DeserializationExceptionHandler {
  return {
    name: 'logAndFail',
    handle(record, error) {
      logger.error(`Record could not be deserialized; failing (${origin(record)}): ${error.message}`);
      return { action: 'fail' };
    },
  };
}

export function deadLetterRecord(topic: string, record: FailedRecord, error: Error): DeadLetterRecord {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  return {
    topic,
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.EXCEPTION]: text(error.name),
      [DLQ_HEADERS.MESSAGE]: text(error.message),
      [DLQ_HEADERS.STACKTRACE]: text(error.stack ?? `${error.name}: ${error.message}`),
      [DLQ_HEADERS.TOPIC]: text(record.topic),
      [DLQ_HEADERS.PARTITION]: text(String(record.partition)),
      [DLQ_HEADERS.OFFSET]: text(String(record.offset)),
    },
  };
}

function deadLetterQueue(topic: string, logger: StreamsLogger = consoleLogger): DeserializationExceptionHandler {
  if (topic.length === 0) throw new Error('deadLetterQueue(topic) needs a non-empty topic name.');
  return {
    name: `deadLetterQueue(${topic})`,
    handle(record, error) {
      logger.warn(`Sending record that could not be deserialized to dead-letter topic "${topic}" (${origin(record)}): ${error.message}`);
      return { action: 'continue', deadLetterRecords: [deadLetterRecord(topic, record, error)] };
    },
  };
}

export const DeserializationHandlers = { logAndContinue, logAndFail, deadLetterQueue } as const;
