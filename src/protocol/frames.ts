/*
 * Frame-level helpers: whole requests and responses, header included.
 *
 * Wire frame:  int32 size | header | body       (size counts header + body)
 *
 * - decodeRequest(frame)   broker side. `frame` is the bytes AFTER the size prefix (what the
 *                          connection's framing hands over). Returns the header and the typed body.
 *                          Throws UnknownApiKeyError / UnsupportedVersionError (both carry the
 *                          partially parsed header so the broker can still answer ApiVersions with
 *                          error 35) or MalformedMessageError (close the connection, as Kafka does).
 * - encodeResponse(header, version, body)   broker side. Returns the full frame WITH the size
 *                          prefix. encodeResponseChunks returns the same bytes as a chunk list, with
 *                          large record buffers passed through uncopied (for socket.writev).
 * - encodeRequest(header, body) / decodeResponse(apiKey, version, frame)   client side.
 *
 * Header versions follow ./header.ts: request v2 iff flexible; response v1 iff flexible, except
 * ApiVersions (always v0). Trailing bytes after a request body are tolerated (as Kafka does);
 * trailing bytes after a response body are rejected (they mean we decoded the wrong version).
 */
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';
import { compile, inVersions } from './schema.ts';
import type { Encodable } from './schema.ts';
import { readRequestHeader, requestHeaderVersion, responseHeaderVersion, writeRequestHeader, writeResponseHeader } from './header.ts';
import type { RequestHeader } from './header.ts';
import { API_REGISTRY } from './messages/index.ts';
import type { ApiDefinition, ApiTypes, ImplementedApiKey } from './messages/index.ts';
import {
  MalformedMessageError,
  ProtocolError,
  UnknownApiKeyError,
  UnsupportedVersionError,
} from './protocol-errors.ts';
import type { PartialRequestHeader } from './protocol-errors.ts';

export interface DecodedRequestOf<K extends ImplementedApiKey> {
  readonly apiKey: K;
  readonly apiVersion: number;
  readonly header: RequestHeader;
  readonly body: ApiTypes[K]['request'];
}

/** A decoded request; switch on `apiKey` to narrow `body`. */
export type DecodedRequest = { [K in ImplementedApiKey]: DecodedRequestOf<K> }[ImplementedApiKey];

function definitionFor(apiKey: number, apiVersion: number, partial?: PartialRequestHeader): ApiDefinition {
  const def = API_REGISTRY.get(apiKey);
  if (!def) throw new UnknownApiKeyError(apiKey, partial);
  if (!Number.isInteger(apiVersion) || apiVersion < def.minVersion || apiVersion > def.maxVersion) {
    throw new UnsupportedVersionError(apiKey, apiVersion, `${def.name} ${def.minVersion}-${def.maxVersion}`, partial);
  }
  return def;
}

/** What can be read of a request header without knowing the API: the v1 fields. */
function partialHeader(frame: Buffer): PartialRequestHeader {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  let clientId: string | null = null;
  try {
    clientId = r.nullableString();
  } catch {
    clientId = null;
  }
  return { apiKey, apiVersion, correlationId, clientId };
}

export function decodeRequest(frame: Buffer): DecodedRequest {
  if (frame.length < 8) {
    throw new MalformedMessageError(`request frame of ${frame.length} bytes is shorter than the 8-byte minimum header`);
  }
  const partial = partialHeader(frame);
  const def = definitionFor(partial.apiKey, partial.apiVersion, partial);
  const flexible = inVersions(def.request.flexibleVersions, partial.apiVersion);
  const r = new Reader(frame);
  try {
    const header = readRequestHeader(r, requestHeaderVersion(flexible));
    const body = compile(def.request, partial.apiVersion).decode(r);
    return { apiKey: partial.apiKey, apiVersion: partial.apiVersion, header, body } as DecodedRequest;
  } catch (e) {
    throw wrapDecodeError(e, `${def.name} v${partial.apiVersion} request (correlation id ${partial.correlationId})`);
  }
}

function wrapDecodeError(e: unknown, what: string): Error {
  if (e instanceof ProtocolError) return new MalformedMessageError(`${what}: ${e.message}`);
  return new MalformedMessageError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/** The parts of a request header a response needs. */
export interface ResponseTarget {
  readonly requestApiKey: number;
  readonly correlationId: number;
}

function writeResponse<K extends ImplementedApiKey>(
  target: ResponseTarget,
  version: number,
  body: Encodable<ApiTypes[K]['response']>,
): Writer {
  const def = definitionFor(target.requestApiKey, version);
  const compiled = compile(def.response, version);
  const w = new Writer(512);
  w.int32(0);
  writeResponseHeader(w, responseHeaderVersion(target.requestApiKey, compiled.flexible), target.correlationId);
  compiled.encode(w, body as never);
  w.patchInt32(0, w.length - 4);
  return w;
}

/** The full response frame (size prefix included) as one Buffer. */
export function encodeResponse<K extends ImplementedApiKey>(
  target: ResponseTarget & { readonly requestApiKey: K },
  version: number,
  body: Encodable<ApiTypes[K]['response']>,
): Buffer {
  return writeResponse<K>(target, version, body).finish();
}

/** The full response frame as chunks in wire order; record buffers ≥ 1 KiB are not copied. */
export function encodeResponseChunks<K extends ImplementedApiKey>(
  target: ResponseTarget & { readonly requestApiKey: K },
  version: number,
  body: Encodable<ApiTypes[K]['response']>,
): Buffer[] {
  return writeResponse<K>(target, version, body).chunks();
}

export interface RequestTarget<K extends ImplementedApiKey> {
  readonly apiKey: K;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** A full request frame (size prefix included), client side. */
export function encodeRequest<K extends ImplementedApiKey>(
  target: RequestTarget<K>,
  body: Encodable<ApiTypes[K]['request']>,
): Buffer {
  return writeRequest(target, body).finish();
}

/** The full request frame as chunks in wire order; record buffers ≥ 1 KiB are not copied (Produce). */
export function encodeRequestChunks<K extends ImplementedApiKey>(
  target: RequestTarget<K>,
  body: Encodable<ApiTypes[K]['request']>,
): Buffer[] {
  return writeRequest(target, body).chunks();
}

function writeRequest<K extends ImplementedApiKey>(
  target: RequestTarget<K>,
  body: Encodable<ApiTypes[K]['request']>,
): Writer {
  const def = definitionFor(target.apiKey, target.apiVersion);
  const compiled = compile(def.request, target.apiVersion);
  const w = new Writer(256);
  w.int32(0);
  writeRequestHeader(w, requestHeaderVersion(compiled.flexible), {
    requestApiKey: target.apiKey,
    requestApiVersion: target.apiVersion,
    correlationId: target.correlationId,
    clientId: target.clientId,
  });
  compiled.encode(w, body as never);
  w.patchInt32(0, w.length - 4);
  return w;
}

export interface DecodedResponse<K extends ImplementedApiKey> {
  readonly correlationId: number;
  readonly body: ApiTypes[K]['response'];
}

/** Decodes a response frame (the bytes after the size prefix), client side. */
export function decodeResponse<K extends ImplementedApiKey>(apiKey: K, apiVersion: number, frame: Buffer): DecodedResponse<K> {
  const def = definitionFor(apiKey, apiVersion);
  const compiled = compile<ApiTypes[K]['response']>(def.response, apiVersion);
  const r = new Reader(frame);
  try {
    const correlationId = r.int32();
    if (responseHeaderVersion(apiKey, compiled.flexible) === 1) r.skipTaggedFields();
    const body = compiled.decode(r);
    if (r.remaining() !== 0) {
      throw new MalformedMessageError(`${r.remaining()} unexpected trailing bytes after the body`);
    }
    return { correlationId, body };
  } catch (e) {
    throw wrapDecodeError(e, `${def.name} v${apiVersion} response`);
  }
}
