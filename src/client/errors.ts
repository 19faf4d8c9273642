/*
 * The client's one error type, KafkaClientError, and its three kinds. The runtime and the CLI
 * decide on `retriable` alone, and the CLI prints a `userFacing` error's message without a stack:
 *   retriable = true   the broker was unreachable, a leader moved, the group is rebalancing:
 *                      retry the operation (with backoff) or reconnect
 *   retriable = false  the request itself is wrong (unknown topic where one is required, invalid
 *                      partition count, a topic that exists with the wrong shape, a record batch
 *                      that cannot be decoded): retrying cannot help, fix the input
 * Kinds (subclasses, so `instanceof KafkaClientError` catches every client error):
 *   KafkaConnectionError   cannot connect, connection lost, or the peer broke the protocol
 *                          (out-of-order correlation id, undecodable response); retriable.
 *   KafkaTimeoutError      no response within the request timeout; retriable.
 *   KafkaResponseError     a response carried a non-zero error code; `code`, `kafkaType` and
 *                          `retriable` come from Kafka's error table.
 * `cause` keeps the original error for logs.
 */
import { errorInfo } from '../protocol/error-codes.ts';

export interface ClientErrorOptions {
  /** Default false. */
  readonly retriable?: boolean | undefined;
  readonly cause?: unknown;
  /** Kafka error type name when the broker sent one (e.g. "REBALANCE_IN_PROGRESS"). */
  readonly kafkaType?: string | undefined;
}

export class KafkaClientError extends Error {
  override name = 'KafkaClientError';
  readonly userFacing = true;
  readonly retriable: boolean;
  readonly kafkaType: string | undefined;

  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
    this.kafkaType = options.kafkaType;
  }
}

export class KafkaConnectionError extends KafkaClientError {
  override name = 'KafkaConnectionError';
  constructor(
    message: string,
    readonly broker: string,
  ) {
    super(message, { retriable: true });
  }
}

export class KafkaTimeoutError extends KafkaClientError {
  override name = 'KafkaTimeoutError';
  constructor(message: string) {
    super(message, { retriable: true });
  }
}

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

export class KafkaResponseError extends KafkaClientError {
  override name = 'KafkaResponseError';
  readonly code: number;
  /** Same as kafkaType (always set here). */
  readonly errorName: string;
  /**
   * @param context what was being done, e.g. `creating topic "orders"`
   * @param detail the broker's own error message, when the response carries one
   */
  constructor(code: number, context: string, detail?: string | null) {
    const info = errorInfo(code);
    const hint = HINTS[code];
    super(`${context}: ${info.name} (Kafka error ${code})${detail ? `: ${detail}` : ''}${hint ? ` — ${hint}` : ''}`, { retriable: info.retriable, kafkaType: info.name });
    this.code = code;
    this.errorName = info.name;
  }
}

/** Throws a KafkaResponseError when `code` is non-zero. */
export function checkErrorCode(code: number, context: string, detail?: string | null): void {
  if (code !== 0) throw new KafkaResponseError(code, context, detail);
}

/**
 * Any error as a KafkaClientError; `what` says which call failed and on what ("sending 120
 * records to orders"), so the message reads on its own. A plain KafkaClientError already says
 * that and is returned as it is; a connection, timeout or response error (raised below the call,
 * without its context) is wrapped, keeping `retriable`, `kafkaType` and the error as `cause`;
 * anything else (a Node error) keeps its `retriable` if it has one, else counts as retriable
 * (socket errors are the usual case).
 */
export function toClientError(e: unknown, what: string): KafkaClientError {
  if (e instanceof KafkaClientError && Object.getPrototypeOf(e) === KafkaClientError.prototype) return e;
  const err = e as { message?: string; retriable?: boolean; kafkaType?: string } | null;
  return new KafkaClientError(`${what} failed: ${err?.message ?? String(e)}`, { retriable: err?.retriable ?? true, cause: e, kafkaType: err?.kafkaType });
}

/**
 * Errors that no retry of the same call can fix and that a long-running caller (the streams
 * runtime) must report instead of retrying: a topic still unknown after the producer's max block
 * (UNKNOWN_TOPIC_OR_PARTITION, not retriable — the broker's own code 3 is retriable), a record
 * batch that cannot be decoded (CORRUPT_MESSAGE), and failed authentication or authorization —
 * Kafka Streams lets its thread die on those too (an operator must fix credentials or ACLs).
 */
const UNRECOVERABLE = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'CORRUPT_MESSAGE',
  'SASL_AUTHENTICATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

export function isUnrecoverable(e: unknown): boolean {
  return e instanceof KafkaClientError && !e.retriable && e.kafkaType !== undefined && UNRECOVERABLE.has(e.kafkaType);
}
