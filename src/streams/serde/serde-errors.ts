/*
 * Errors raised by serdes. A deserializer that cannot read a record's bytes throws
 * DeserializationError; the runtime (and the TopologyTestDriver) catch it and hand the raw record
 * to the configured deserialization exception handler (log and continue, fail, dead-letter) —
 * a bad record never takes the process down. A serializer that is handed a value it cannot
 * encode throws SerializationError: that is a bug in the pipeline (wrong type, unsafe number),
 * so it is not routed to the deserialization handler.
 *
 * Both carry the topic and the serde name so the message says where the record came from and
 * which serde refused it.
 */

export class DeserializationError extends Error {
  override readonly name = 'DeserializationError';
  readonly topic: string;
  readonly serde: string;
  /** Structured detail from the serde, e.g. zod issues for a schema-validated JSON serde. */
  readonly issues: readonly unknown[] | undefined;

  constructor(
    serde: string,
    topic: string,
    message: string,
    options?: { cause?: unknown; issues?: readonly unknown[] },
  ) {
    super(`${serde} serde could not deserialize a record from topic "${topic}": ${message}`, {
      cause: options?.cause,
    });
    this.topic = topic;
    this.serde = serde;
    this.issues = options?.issues;
  }
}

export class SerializationError extends Error {
  override readonly name = 'SerializationError';
  readonly topic: string;
  readonly serde: string;

  constructor(serde: string, topic: string, message: string, options?: { cause?: unknown }) {
    super(`${serde} serde could not serialize a value for topic "${topic}": ${message}`, {
      cause: options?.cause,
    });
    this.topic = topic;
    this.serde = serde;
  }
}

/** A short, bounded rendering of a value for error messages (never dumps a huge payload). */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Hex preview of the first bytes of a payload, for error messages. */
export function previewBytes(data: Buffer): string {
  const head = data.subarray(0, 16).toString('hex');
  return data.length > 16 ? `${head}… (${data.length} bytes)` : `${head || '<empty>'} (${data.length} bytes)`;
}
