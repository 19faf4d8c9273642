/*
 * Errors raised by the protocol codec. Each carries the Kafka error code a broker should answer
 * with (or, for a request it cannot even frame, the reason it closes the connection) and whether
 * retrying could help, so callers never parse messages to decide what to do.
 *
 *   MalformedMessageError    bytes do not match the schema (truncated, bad length, bad varint)
 *                            → INVALID_REQUEST (42) for requests; the broker closes the socket
 *   UnsupportedVersionError  a known API at a version the codec has no schema for
 *                            → UNSUPPORTED_VERSION (35); ApiVersions answers with a v0 body
 *   UnknownApiKeyError       an API key the registry does not know → UNSUPPORTED_VERSION (35)
 *   InvalidFieldError        an object handed to an encoder breaks the schema (null where the
 *                            version is not nullable, number out of range, bad uuid)
 *   CorruptRecordError       record batch bytes are inconsistent (CRC, lengths) → CORRUPT_MESSAGE (2)
 */

export class ProtocolError extends Error {
  readonly code: number;
  readonly retriable: boolean;
  constructor(message: string, code: number, retriable = false) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
    this.retriable = retriable;
  }
}

export class MalformedMessageError extends ProtocolError {
  constructor(message: string) {
    super(message, 42);
    this.name = 'MalformedMessageError';
  }
}

/** What is known of a request whose header parsed but whose body cannot be decoded. */
export interface PartialRequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export class UnsupportedVersionError extends ProtocolError {
  readonly apiKey: number;
  readonly apiVersion: number;
  /** Present when raised by decodeRequest: lets the broker still answer (ApiVersions). */
  readonly header: PartialRequestHeader | undefined;
  constructor(apiKey: number, apiVersion: number, supported: string, header?: PartialRequestHeader) {
    super(
      `API key ${apiKey} version ${apiVersion} is not supported (supported versions: ${supported}); ` +
        `the client must pick a version from the ApiVersions response`,
      35,
    );
    this.name = 'UnsupportedVersionError';
    this.apiKey = apiKey;
    this.apiVersion = apiVersion;
    this.header = header;
  }
}

export class UnknownApiKeyError extends ProtocolError {
  readonly apiKey: number;
  readonly header: PartialRequestHeader | undefined;
  constructor(apiKey: number, header?: PartialRequestHeader) {
    super(`API key ${apiKey} is unknown to this codec; only keys listed by ApiVersions can be used`, 35);
    this.name = 'UnknownApiKeyError';
    this.apiKey = apiKey;
    this.header = header;
  }
}

export class InvalidFieldError extends ProtocolError {
  constructor(message: string) {
    super(message, 42);
    this.name = 'InvalidFieldError';
  }
}

export class CorruptRecordError extends ProtocolError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'CorruptRecordError';
  }
}
