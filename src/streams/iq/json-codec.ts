/*
 * How keys travel in and values travel out of the HTTP interactive-query server.
 *
 * IN — a key (path segment or `from` / `to` parameter) is text; `keyFormat` says how to read it:
 *   string   the text IS the key (for stores with a String key serde)
 *   json     the text is JSON: 42, "o-1", {"region":"eu","id":7}
 *   auto     (default) string when the store's key serde is named "String", json otherwise
 * The key must then serialize with the store's key serde (which is also how its partition, and so
 * its owner, is found); when it does not, the request is a 400 that names the serde.
 *
 * OUT — the stores hand back typed values (their serdes have deserialized them); they are written
 * as JSON with two conversions JSON itself lacks: bigint → decimal string, Buffer / Uint8Array →
 * base64 string. `toJsonValue` applies them once, so the same entry is byte-identical in a local
 * answer and in one forwarded from another instance.
 */
import type { Serde } from '../serde/serde.ts';

export const KeyFormats = { AUTO: 'auto', STRING: 'string', JSON: 'json' } as const;
export type KeyFormat = (typeof KeyFormats)[keyof typeof KeyFormats];

/** A request the server refuses, with the HTTP status to answer. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, for 503 answers. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): QueryError => new QueryError(400, 'BAD_REQUEST', message);

export function parseKeyFormat(text: string | null): KeyFormat {
  if (text === null || text === '') return KeyFormats.AUTO;
  if (text === KeyFormats.AUTO || text === KeyFormats.STRING || text === KeyFormats.JSON) return text;
  throw badRequest(`keyFormat must be "auto", "string" or "json" (got ${JSON.stringify(text)})`);
}

/** The typed key for `text` (see the file comment); throws a 400 QueryError when it does not fit the store. */
export function decodeKey(text: string, format: KeyFormat, keySerde: Serde<unknown>, topic: string): unknown {
  const asString = format === KeyFormats.STRING || (format === KeyFormats.AUTO && keySerde.name === 'String');
  let key: unknown = text;
  if (!asString) {
    try {
      key = JSON.parse(text);
    } catch {
      throw badRequest(`key ${JSON.stringify(text)} is not JSON; this store's key serde is ${keySerde.name}: give the key as JSON (a string key in quotes), or pass keyFormat=string`);
    }
  }
  try {
    keySerde.serialize(topic, key);
  } catch (e) {
    throw badRequest(`key ${JSON.stringify(text)} does not fit this store's key serde ${keySerde.name} (${e instanceof Error ? e.message : String(e)})`);
  }
  return key;
}

/** `value` with bigints as decimal strings and byte arrays as base64 (see the file comment). */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toJSON();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v)]));
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, toJsonValue(v)]])));
}

/**
 * Bytes that order a JSON-form key as the store orders it (by serialized key), or its JSON text
 * when the JSON form does not serialize back (a byte-array key): a total order, so answers merged
 * from several instances come out in one order whichever instance merged them.
 */
export function keyOrder(jsonKey: unknown, keySerde: Serde<unknown>, topic: string): Buffer {
  try {
    return keySerde.serialize(topic, jsonKey);
  } catch {
    return Buffer.from(JSON.stringify(jsonKey) ?? 'null');
  }
}
