/*
 * The one error type of the client interface (src/client/types.ts). Implementations translate
 * their library's errors into it so the runtime can decide what to do without knowing which client
 * runs underneath:
 *   retriable = true   the broker was unreachable, a leader moved, the group is rebalancing:
 *                      retry the operation (with backoff) or reconnect
 *   retriable = false  the request itself is wrong (unknown topic where one is required, invalid
 *                      partition count, a topic that exists with the wrong shape): retrying
 *                      cannot help, fix the input
 * `cause` keeps the original error for logs.
 */

export class KafkaClientError extends Error {
  override readonly name = 'KafkaClientError';
  readonly retriable: boolean;
  /** Kafka error type name when the broker sent one (e.g. "REBALANCE_IN_PROGRESS"). */
  readonly kafkaType: string | undefined;

  constructor(message: string, options: { retriable: boolean; cause?: unknown; kafkaType?: string | undefined }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable;
    this.kafkaType = options.kafkaType;
  }
}

/** Non-retriable kafkajs error names: everything else kafkajs raises may succeed on retry. */
const FATAL_NAMES = new Set(['KafkaJSNonRetriableError', 'KafkaJSNotImplemented', 'KafkaJSInvalidVarIntError', 'KafkaJSTopicMetadataNotLoaded']);

function rootCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 10; i++) {
    const next = (cur as { cause?: unknown; originalError?: unknown } | null)?.originalError ?? (cur as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) return cur;
    cur = next;
  }
  return cur;
}

/**
 * Wraps any error thrown by a client library as a KafkaClientError; `what` says which call failed
 * and on what ("sending 120 records to orders"), so the message reads on its own.
 */
export function toClientError(e: unknown, what: string): KafkaClientError {
  if (e instanceof KafkaClientError) return e;
  const err = e as { name?: string; message?: string; retriable?: boolean; type?: string } | null;
  const root = rootCause(e) as { retriable?: boolean; type?: string; message?: string } | null;
  const retriable = err?.name === 'KafkaJSNumberOfRetriesExceeded'
    ? root?.retriable !== false
    : err?.retriable ?? (err?.name !== undefined && !FATAL_NAMES.has(err.name) && root?.retriable !== false);
  const type = err?.type ?? root?.type;
  const detail = err?.message ?? String(e);
  const rootDetail = root !== e && root?.message !== undefined && root.message !== detail ? ` (cause: ${root.message})` : '';
  return new KafkaClientError(`${what} failed: ${detail}${rootDetail}`, { retriable: retriable === true, cause: e, kafkaType: type });
}
