/*
 * Typed errors of the partition log. Each carries the Kafka error code the broker puts in its
 * response, and whether a client may retry, so a handler can map a thrown LogError straight to a
 * response field without string matching. Nothing is written to the log when one of these is
 * thrown from `append` (validation happens before any byte reaches a file).
 *
 *   code  name                         thrown by
 *      1  OFFSET_OUT_OF_RANGE          read() below log start or above the log end offset
 *      2  CORRUPT_MESSAGE              append(): bad length, magic, codec, CRC-32C or record bytes
 *      3  UNKNOWN_TOPIC_OR_PARTITION   any operation after close() or delete()
 *     10  MESSAGE_TOO_LARGE            append(): one batch larger than max.message.bytes
 *     56  KAFKA_STORAGE_ERROR          a failed write or fsync (disk full, I/O error)
 *     87  INVALID_RECORD               append(): control batch from a client, bad record count or
 *                                  offset deltas, a keyless record on a compacted topic
 */

export const LogErrorCodes = {
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  MESSAGE_TOO_LARGE: 10,
  KAFKA_STORAGE_ERROR: 56,
  INVALID_RECORD: 87,
} as const;

export type LogErrorCode = (typeof LogErrorCodes)[keyof typeof LogErrorCodes];

const RETRIABLE: ReadonlySet<number> = new Set([
  LogErrorCodes.CORRUPT_MESSAGE,
  LogErrorCodes.UNKNOWN_TOPIC_OR_PARTITION,
  LogErrorCodes.KAFKA_STORAGE_ERROR,
]);

/** One rejected record (KIP-467): its index inside its batch and why. */
export interface RecordError {
  batchIndex: number;
  message: string;
}

/**
 * An error with a Kafka error code; `retriable` follows Kafka's classification of that code.
 * `recordErrors` names the records that caused a batch to be refused (Produce v8+ RecordErrors).
 */
export class LogError extends Error {
  readonly code: LogErrorCode;
  readonly retriable: boolean;
  readonly recordErrors: readonly RecordError[];

  constructor(code: LogErrorCode, message: string, recordErrors: readonly RecordError[] = []) {
    super(message);
    this.name = 'LogError';
    this.code = code;
    this.retriable = RETRIABLE.has(code);
    this.recordErrors = recordErrors;
  }
}

export function offsetOutOfRange(topicPartition: string, offset: number, logStart: number, logEnd: number): LogError {
  return new LogError(
    LogErrorCodes.OFFSET_OUT_OF_RANGE,
    `${topicPartition}: fetch offset ${offset} is outside the log range [${logStart}, ${logEnd}]; ` +
      `reset the consumer position (auto.offset.reset) to earliest or latest`,
  );
}

export function corruptMessage(topicPartition: string, detail: string): LogError {
  return new LogError(
    LogErrorCodes.CORRUPT_MESSAGE,
    `${topicPartition}: rejected a corrupt record batch (${detail}); nothing was written — ` +
      `the producer should resend a well-formed v2 batch`,
  );
}

export function messageTooLarge(topicPartition: string, size: number, max: number): LogError {
  return new LogError(
    LogErrorCodes.MESSAGE_TOO_LARGE,
    `${topicPartition}: a record batch of ${size} bytes exceeds max.message.bytes=${max}; ` +
      `send smaller batches or raise the topic's max.message.bytes`,
  );
}

export function invalidRecord(topicPartition: string, detail: string): LogError {
  return new LogError(LogErrorCodes.INVALID_RECORD, `${topicPartition}: invalid record batch (${detail}); nothing was written`);
}

export function storageError(topicPartition: string, operation: string, cause: unknown): LogError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new LogError(
    LogErrorCodes.KAFKA_STORAGE_ERROR,
    `${topicPartition}: ${operation} failed (${detail}); the data may not be on disk — check free space and the disk`,
  );
}

export function logClosed(topicPartition: string, operation: string): LogError {
  return new LogError(
    LogErrorCodes.UNKNOWN_TOPIC_OR_PARTITION,
    `${topicPartition}: cannot ${operation}, the partition log is closed (deleted or shutting down)`,
  );
}

/** errno codes that mean the disk, not the request, is at fault. */
const STORAGE_ERRNOS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EMFILE', 'ENFILE']);

/** True for a failure of the storage itself (disk full, I/O error, read-only file system). */
export function isStorageFailure(err: unknown): boolean {
  if (err instanceof LogError) return err.code === LogErrorCodes.KAFKA_STORAGE_ERROR;
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur instanceof Error; depth++) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && STORAGE_ERRNOS.has(code)) return true;
    cur = (cur as Error & { cause?: unknown }).cause;
  }
  return false;
}
