/*
 * The changelog record of a suppress buffer entry: what a restarted task needs to rebuild the
 * entry exactly — its buffer time (its place in emission order), the record it will emit
 * (timestamp, headers, the old and new values) and the prior value (the value downstream last
 * saw for the key, which the buffer keeps for the suppressed table's value getter).
 *
 * Kafka Streams' InMemoryTimeOrderedKeyValueChangelogBuffer logs the same facts (buffer time,
 * record context, prior/old/new values) under a "v" header; the byte layout below is
 * Tributary's own, so a Java application cannot restore a Tributary suppress changelog (nor the
 * reverse). Changelog key = the key bytes (keySerde, or JSON when the table has no key serde);
 * a removed entry (emitted) is a tombstone.
 *
 * Value layout (all integers big-endian):
 *   u8     format version (1)
 *   i64    buffer time
 *   i64    record timestamp
 *   u8     flags: bit 0 = the prior value is the old value (the key was buffered once)
 *   i32    topic length in bytes, -1 = unknown; then the UTF-8 topic
 *   i32    header count; per header: i32 name length + UTF-8 name, i32 value length + bytes
 *   3 ×    i32 length (-1 = null) + value bytes, for prior, old and new value (in that order;
 *          prior is omitted — length -2 — when flag bit 0 says it is the old value)
 * Value bytes come from the table's value serde, or node:v8 serialization when it has none.
 */
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import type { RecordHeaders } from '../../processor/record.ts';
import type { Serde } from '../../serde/serde.ts';
import { setHeader } from '../../../util/record-headers.ts';

const FORMAT_VERSION = 1;
const NULL_LENGTH = -1;
const SAME_AS_OLD = -2;

/** An entry as the changelog carries it (values still as bytes, key decoded separately). */
export interface LoggedEntry {
  bufferTime: number;
  timestamp: number;
  topic: string | undefined;
  headers: RecordHeaders;
  /** undefined = the prior value is the old value. */
  prior: Buffer | null | undefined;
  old: Buffer | null;
  new: Buffer | null;
}

/** How the buffer turns keys and values into bytes (serdes, or fallbacks when the table has none). */
export interface BufferCodec<K, V> {
  keyBytes(key: K): Buffer;
  key(bytes: Buffer): K;
  valueBytes(value: V | null): Buffer | null;
  value(bytes: Buffer | null): V | null;
}

export function bufferCodec<K, V>(topic: string, keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): BufferCodec<K, V> {
  return {
    keyBytes: (key) => (keySerde !== undefined ? keySerde.serialize(topic, key) : Buffer.from(JSON.stringify(key) ?? String(key), 'utf8')),
    key: (bytes) => (keySerde !== undefined ? keySerde.deserialize(topic, bytes) : (JSON.parse(bytes.toString('utf8')) as K)),
    valueBytes: (value) => (value === null ? null : valueSerde !== undefined ? valueSerde.serialize(topic, value) : v8Serialize(value)),
    value: (bytes) => (bytes === null ? null : valueSerde !== undefined ? valueSerde.deserialize(topic, bytes) : (v8Deserialize(bytes) as V)),
  };
}

export function encodeLoggedEntry(e: LoggedEntry): Buffer {
  const topic = e.topic === undefined ? undefined : Buffer.from(e.topic, 'utf8');
  const headers = Object.entries(e.headers).map(([name, value]) => [Buffer.from(name, 'utf8'), value] as const);
  let size = 1 + 8 + 8 + 1 + 4 + (topic?.length ?? 0) + 4 + 12 + (e.prior?.length ?? 0) + (e.old?.length ?? 0) + (e.new?.length ?? 0);
  for (const [name, value] of headers) size += 8 + name.length + value.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(FORMAT_VERSION, 0);
  at = out.writeBigInt64BE(BigInt(e.bufferTime), at);
  at = out.writeBigInt64BE(BigInt(e.timestamp), at);
  at = out.writeUInt8(e.prior === undefined ? 1 : 0, at);
  at = writeBytes(out, at, topic ?? null);
  at = out.writeInt32BE(headers.length, at);
  for (const [name, value] of headers) {
    at = writeBytes(out, at, name);
    at = writeBytes(out, at, value);
  }
  at = e.prior === undefined ? out.writeInt32BE(SAME_AS_OLD, at) : writeBytes(out, at, e.prior);
  at = writeBytes(out, at, e.old);
  writeBytes(out, at, e.new);
  return out;
}

export function decodeLoggedEntry(store: string, offset: number, data: Buffer): LoggedEntry {
  const fail = (why: string): never => {
    throw new Error(`suppress buffer "${store}": changelog record at offset ${offset} is not a buffer entry (${why}); was the changelog topic written by another application?`);
  };
  if (data.length < 18) fail(`${data.length} bytes`);
  const version = data.readUInt8(0);
  if (version !== FORMAT_VERSION) fail(`format version ${version}, expected ${FORMAT_VERSION}`);
  let at = 1;
  const need = (n: number): void => {
    if (at + n > data.length) fail('truncated');
  };
  const readBytes = (): Buffer | null => {
    need(4);
    const n = data.readInt32BE(at);
    at += 4;
    if (n === NULL_LENGTH) return null;
    if (n < 0) fail(`length ${n}`);
    need(n);
    const b = data.subarray(at, at + n);
    at += n;
    return b;
  };
  const bufferTime = Number(data.readBigInt64BE(at));
  const timestamp = Number(data.readBigInt64BE(at + 8));
  const priorIsOld = (data.readUInt8(at + 16) & 1) === 1;
  at += 17;
  const topic = readBytes()?.toString('utf8');
  need(4);
  const count = data.readInt32BE(at);
  at += 4;
  const headers: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const name = readBytes() ?? fail('null header name');
    setHeader(headers, name.toString('utf8'), readBytes() ?? Buffer.alloc(0));
  }
  let prior: Buffer | null | undefined;
  if (priorIsOld) {
    need(4);
    if (data.readInt32BE(at) !== SAME_AS_OLD) fail('prior value flag and length disagree');
    at += 4;
  } else {
    prior = readBytes();
  }
  const old = readBytes();
  const newValue = readBytes();
  return { bufferTime, timestamp, topic, headers, prior, old, new: newValue };
}

function writeBytes(out: Buffer, at: number, bytes: Buffer | null): number {
  if (bytes === null) return out.writeInt32BE(NULL_LENGTH, at);
  at = out.writeInt32BE(bytes.length, at);
  return at + bytes.copy(out, at);
}
