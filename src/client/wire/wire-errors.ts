/*
 * Errors raised by the wire client. Every one is `userFacing`: it describes something about the
 * outside world (a broker that is not reachable, a Kafka error code in a response, a request that
 * timed out), so the CLI prints its message without a stack trace.
 *
 *   KafkaConnectionError   cannot connect, connection lost, or the peer broke the protocol
 *                          (out-of-order correlation id, undecodable response). `retriable`: a
 *                          new connection may work.
 *   KafkaResponseError     a response carried a non-zero error code; `code`, `errorName` and
 *                          `retriable` come from Kafka's error table.
 *   KafkaTimeoutError      no response within the request timeout.
 *   KafkaClientError       the client cannot do what was asked (no common API version, unknown
 *                          topic or partition after a metadata refresh).
 */
import { errorInfo } from '../../protocol/error-codes.ts';

/** What a user can do about the errors a CLI user most often meets. */
const HINTS: Record<number, string> = {
  3: 'check the topic name with `tributary topics list`, or create it with `tributary topics create`',
  17: 'topic names use letters, digits, ".", "_" and "-" (at most 249 characters)',
  10: 'the record is larger than the topic\'s max.message.bytes',
  36: 'use a different name, or delete the existing topic first',
  37: 'the number of partitions must be at least 1',
  38: 'a single-node broker only supports replication factor 1',
  40: 'see `tributary topics create --help` for the supported configs',
};

export class KafkaConnectionError extends Error {
  readonly userFacing = true;
  readonly retriable = true;
  constructor(
    message: string,
    readonly broker: string,
  ) {
    super(message);
    this.name = 'KafkaConnectionError';
  }
}

export class KafkaTimeoutError extends Error {
  readonly userFacing = true;
  readonly retriable = true;
  constructor(message: string) {
    super(message);
    this.name = 'KafkaTimeoutError';
  }
}

export class KafkaClientError extends Error {
  readonly userFacing = true;
  readonly retriable: boolean;
  constructor(message: string, retriable = false) {
    super(message);
    this.name = 'KafkaClientError';
    this.retriable = retriable;
  }
}

export class KafkaResponseError extends Error {
  readonly userFacing = true;
  readonly code: number;
  readonly errorName: string;
  readonly retriable: boolean;
  /**
   * @param context what was being done, e.g. `creating topic "orders"`
   * @param detail the broker's own error message, when the response carries one
   */
  constructor(code: number, context: string, detail?: string | null) {
    const info = errorInfo(code);
    const hint = HINTS[code];
    super(`${context}: ${info.name} (Kafka error ${code})${detail ? `: ${detail}` : ''}${hint ? ` — ${hint}` : ''}`);
    this.name = 'KafkaResponseError';
    this.code = code;
    this.errorName = info.name;
    this.retriable = info.retriable;
  }
}

/** Throws a KafkaResponseError when `code` is non-zero. */
export function checkErrorCode(code: number, context: string, detail?: string | null): void {
  if (code !== 0) throw new KafkaResponseError(code, context, detail);
}
