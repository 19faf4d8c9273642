/*
 * The changelog record of a suppress buffer entry, byte for byte as Kafka Streams writes and
 * reads it (InMemoryTimeOrderedKeyValueChangeBuffer, BufferValue, ProcessorRecordContext and
 * TimeOrderedKeyValueBufferChangelogDeserializationHelper in apache/kafka), so a Java
 * application's buffer changelog restores into Tributary and the reverse.
 *
 * Key: the serialized key (the table's key serde). A removed (emitted) entry is a tombstone
 * (null value, no headers).
 *
 * Value, version 3 — what is written, with the record header "v" = 0x03 (all integers big-endian):
 *   record context (ProcessorRecordContext.serialize):
 *     i64   timestamp of the buffered record
 *     i64   offset of the input record (-1 unknown)
 *     i32   topic length + UTF-8 topic (never null; "" stands for "no topic")
 *     i32   partition of the input record (-1 unknown)
 *     i32   header count (-1 is read as none); per header:
 *             i32 key length + UTF-8 key, i32 value length (-1 = null) + value bytes
 *   i32 + bytes   prior value (-1 = null): the value downstream last saw for the key
 *   i32 + bytes   old value (-1 = null, -2 = equal to the prior value, bytes not repeated)
 *   i32 + bytes   new value (-1 = null)
 *   i64   buffer time (the entry's place in emission order)
 *
 * Older versions, read on restore (as Kafka does):
 *   no "v" header  version 0 (Kafka 2.2): i64 buffer time | change
 *   "v" = 0x01     version 1 (Kafka 2.3): i64 buffer time | record context | i32 + change bytes
 *   "v" = 0x02     version 2 (Kafka 2.4–2.5): record context | i32 + change bytes | i32 + prior
 *                  | i64 buffer time — but 2.4.0, 2.4.1 and 2.5.0 wrote version-3 bytes under
 *                  this header, so a record that does not parse as version 2 is read as 3.
 *   where change = i32 + old value bytes | i32 + new value bytes (-1 = null). Versions 0 and 1
 *   carry no prior value: it is the prior of the key's entry already restored, else the old value.
 *   Version 0 has no record context: the changelog record's own (timestamp, offset, partition,
 *   topic, headers) stands in, as in Kafka.
 *
 * Tributary before this format wrote its own layout without a "v" header; its first byte is 0x01
 * (its format version), where a Kafka version-0 record starts with the high byte of a buffer
 * time, 0x00 for every time before the year 2.2 million. Such records are restored by
 * suppress-changelog-legacy.ts, and rewritten in this format at the entry's next change.
 */
import type { RecordHeaders } from '../../processor/record.ts';
import { Reader } from '../../../protocol/reader.ts';
import { Writer } from '../../../protocol/writer.ts';
import { setHeader } from '../../../util/record-headers.ts';
import { decodeLegacyEntry, LEGACY_FORMAT_BYTE } from './suppress-changelog-legacy.ts';

export const VERSION_HEADER = 'v';
const V3_HEADERS: RecordHeaders = Object.freeze({ [VERSION_HEADER]: Buffer.from([3]) });
const NULL_LENGTH = -1;
const SAME_AS_PRIOR = -2;

/** The record context a buffered entry keeps (Kafka's ProcessorRecordContext). */
export interface BufferRecordContext {
  timestamp: number;
  offset: number;
  /** undefined = the record came from no topic (written as ""). */
  topic: string | undefined;
  partition: number;
  headers: RecordHeaders;
}

/** An entry as the changelog carries it (values still as bytes, key decoded separately). */
export interface LoggedEntry {
  bufferTime: number;
  context: BufferRecordContext;
  /** undefined (versions 0 and 1 only) = not logged: the prior of the key's entry, else the old value. */
  prior: Buffer | null | undefined;
  old: Buffer | null;
  new: Buffer | null;
}

/** The changelog record as a restore hands it over (what the decoder may look at). */
export interface LoggedRecord {
  value: Buffer;
  offset: number;
  timestamp?: number;
  headers?: RecordHeaders;
}

/** Version 3 value bytes and the headers to send them with. */
export function encodeLoggedEntry(e: LoggedEntry & { prior: Buffer | null }): { value: Buffer; headers: RecordHeaders } {
  const w = new Writer(64);
  writeContext(w, e.context);
  w.nullableBytes(e.prior);
  if (e.old === null) w.int32(NULL_LENGTH);
  else if (e.prior !== null && e.prior.equals(e.old)) w.int32(SAME_AS_PRIOR);
  else w.bytes(e.old);
  w.nullableBytes(e.new);
  w.int64(BigInt(e.bufferTime));
  return { value: w.finish(), headers: V3_HEADERS };
}

/**
 * Decodes a non-tombstone changelog record by its "v" header (see the table above).
 * `changelog` names the changelog topic and partition (version 0's record context).
 */
export function decodeLoggedEntry(store: string, r: LoggedRecord, changelog: { topic: string; partition: number }): LoggedEntry {
  const version = r.headers?.[VERSION_HEADER];
  try {
    if (version === undefined) {
      if (r.value.length > 0 && r.value[0] === LEGACY_FORMAT_BYTE) return decodeLegacyEntry(r.value);
      return decodeV0(r, changelog);
    }
    if (version.length === 1 && version[0] === 3) return decodeV3(r.value);
    if (version.length === 1 && version[0] === 2) return decodeV2OrV3(r.value);
    if (version.length === 1 && version[0] === 1) return decodeV1(r.value);
    throw new Error(`unknown version header v=0x${version.toString('hex')}`);
  } catch (e) {
    throw new Error(
      `suppress buffer "${store}": changelog record at offset ${r.offset} is not a buffer entry (${(e as Error).message}); was the changelog topic written by another application?`,
    );
  }
}

/**
 * Version-3 value bytes alone (Kafka's BufferValue ‖ i64 buffer time), strictly: every byte read.
 * The stream–table join buffer's changelog carries this layout without the "v" header.
 */
export function decodeBufferValue(value: Buffer): LoggedEntry {
  return decodeV3(value);
}

function decodeV3(value: Buffer): LoggedEntry {
  const r = new Reader(value);
  const context = readContext(r);
  const prior = r.nullableBytes();
  const oldLength = r.int32();
  const old = oldLength === SAME_AS_PRIOR ? prior : oldLength === NULL_LENGTH ? null : r.raw(checkLength(oldLength));
  const newValue = r.nullableBytes();
  const bufferTime = Number(r.int64());
  end(r);
  return { bufferTime, context, prior, old, new: newValue };
}

function decodeV2OrV3(value: Buffer): LoggedEntry {
  try {
    const r = new Reader(value);
    const context = readContext(r);
    const change = readChange(new Reader(r.bytes()));
    const prior = r.nullableBytes();
    const bufferTime = Number(r.int64());
    end(r);
    return { bufferTime, context, prior, ...change };
  } catch {
    return decodeV3(value);
  }
}

function decodeV1(value: Buffer): LoggedEntry {
  const r = new Reader(value);
  const bufferTime = Number(r.int64());
  const context = readContext(r);
  const change = readChange(new Reader(r.bytes()));
  end(r);
  return { bufferTime, context, prior: undefined, ...change };
}

function decodeV0(record: LoggedRecord, changelog: { topic: string; partition: number }): LoggedEntry {
  const r = new Reader(record.value);
  const bufferTime = Number(r.int64());
  const change = readChange(r);
  const context = { timestamp: record.timestamp ?? -1, offset: record.offset, topic: changelog.topic, partition: changelog.partition, headers: record.headers ?? {} };
  return { bufferTime, context, prior: undefined, ...change };
}

/** Kafka's legacy FullChangeSerde layout: old then new, each i32 length (-1 = null) + bytes. */
function readChange(r: Reader): { old: Buffer | null; new: Buffer | null } {
  const old = r.nullableBytes();
  const newValue = r.nullableBytes();
  end(r);
  return { old, new: newValue };
}

function writeContext(w: Writer, c: BufferRecordContext): void {
  w.int64(BigInt(c.timestamp));
  w.int64(BigInt(c.offset));
  w.bytes(Buffer.from(c.topic ?? '', 'utf8'));
  w.int32(c.partition);
  const headers = Object.entries(c.headers);
  w.int32(headers.length);
  for (const [name, value] of headers) {
    w.bytes(Buffer.from(name, 'utf8'));
    w.bytes(value);
  }
}

/** Header values that are null (Java can write them) are dropped: Tributary headers hold bytes. */
function readContext(r: Reader): BufferRecordContext {
  const timestamp = Number(r.int64());
  const offset = Number(r.int64());
  const topic = r.bytes().toString('utf8');
  const partition = r.int32();
  const count = r.int32();
  if (count < -1) throw new Error(`header count ${count}`);
  const headers: Record<string, Buffer> = {};
  for (let i = 0; i < count; i++) {
    const name = r.bytes().toString('utf8');
    const value = r.nullableBytes();
    if (value !== null) setHeader(headers, name, value);
  }
  return { timestamp, offset, topic: topic === '' ? undefined : topic, partition, headers };
}

function checkLength(n: number): number {
  if (n < 0) throw new Error(`value length ${n}`);
  return n;
}

function end(r: Reader): void {
  if (r.remaining() !== 0) throw new Error(`${r.remaining()} bytes left over`);
}
